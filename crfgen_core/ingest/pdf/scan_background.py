"""The paper of a scanned page made white: cell shading, a grey section band, a tinted or yellowed scan;
and a dark header bar's light print turned dark on white.

Print is divided by the brightness of the paper around it (the lightest grey within a small square), so
a black letter on a grey band stays black and the band itself becomes white. Rules and words are then
found on one white page: a grey band darker than the ink level would otherwise read as a block of ink
whose gaps between letters look like column rules, and tesseract's global threshold reads a shaded
cell's print as noise.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt
from PIL import Image

PAPER_INCHES = 1 / 12  # the paper around a pixel is looked for this far on each side (wider than a
# bold stroke or a filled bullet at table print sizes, narrower than a shaded cell's height)
MIN_PAPER_LEVEL = 96  # darker ground is no paper: a dark header bar (its light print is turned dark)
DARK_BAND_INCHES = 1 / 8  # ... told from a bold stroke on paper by the mean around it (this far each way)
DARK_BAND_LEVEL = 110  # ... being this dark
BAND_GAIN = 4.0  # on a dark band, a pixel a quarter of the way from the ground to white is print
BLOCK = 4  # pixels per side of the blocks the paper level is worked out on (a 300 dpi page: 1/75 inch)

Grey = npt.NDArray[np.uint8]
Values = TypeVar("Values", npt.NDArray[np.uint8], npt.NDArray[np.float32])


def whitened_paper(picture: Image.Image, dpi: float) -> Image.Image:
    """Given a page picture and its resolution, return it in grey with its paper (shading included)
    brought to white and its print scaled by the same factor."""
    grey: Grey = np.asarray(picture.convert("L"))
    reach = max(int(PAPER_INCHES * dpi), 2)
    paper = _paper(grey, reach).astype(np.float32)
    values = grey.astype(np.float32)
    scaled = np.clip(values * 255.0 / np.maximum(paper, 1.0), 0, 255)
    # a dark band with light print (a header bar): its ground is what is left once light strokes are
    # gone (an opening); the print is turned dark on white, as everywhere else
    result = np.where(paper < MIN_PAPER_LEVEL, values, scaled)
    ground = _ground(grey, reach).astype(np.float32)
    dark = ground < MIN_PAPER_LEVEL
    if dark.any():
        height, width = grey.shape
        small = values[: height - height % BLOCK, : width - width % BLOCK]
        small = small.reshape(height // BLOCK, BLOCK, width // BLOCK, BLOCK).mean(axis=(1, 3))
        mean = _full_size(_mean_around(small, DARK_BAND_INCHES * dpi / BLOCK), grey.shape)
        dark[: mean.shape[0], : mean.shape[1]] &= mean < DARK_BAND_LEVEL
        dark[mean.shape[0]:, :] = False
        dark[:, mean.shape[1]:] = False
        # light print on the band, and the faint lines dividing its cells, turned dark
        gain = 255.0 * BAND_GAIN / np.maximum(255.0 - ground, 1.0)
        inverted = 255.0 - np.clip((values - ground) * gain, 0, 255)
        result = np.where(dark, inverted, result)
    return Image.fromarray(result.astype(np.uint8))


def _mean_around(values: npt.NDArray[np.float32], reach: float) -> npt.NDArray[np.float32]:
    """The mean value within `reach` pixels (a square) of every pixel."""
    half = max(int(reach), 1)
    padded = np.pad(values, half + 1, mode="edge")
    total = padded.cumsum(0).cumsum(1)
    side = 2 * half + 1
    window = total[side:, side:] - total[:-side, side:] - total[side:, :-side] + total[:-side, :-side]
    mean: npt.NDArray[np.float32] = window[: values.shape[0], : values.shape[1]] / (side * side)
    return mean


def _paper(grey: Grey, reach: int) -> Grey:
    """The paper under every pixel: the lightest value within `reach` pixels (a square), then the
    darkest of those within the same reach (a closing: print thinner than the square is gone, the edge
    of a shaded cell stays where it is). Worked out on blocks of BLOCK pixels, for speed."""
    small = _blocks(grey, np.maximum)
    near = max(reach // BLOCK, 1)
    lightest = _running(_running(small, near, 0, np.maximum), near, 1, np.maximum)
    return _full_size(_running(_running(lightest, near, 0, np.minimum), near, 1, np.minimum), grey.shape)


def _ground(grey: Grey, reach: int) -> Grey:
    """The ground under every pixel of a dark band: the darkest value within `reach`, then the lightest
    of those (an opening: light print is gone)."""
    small = _blocks(grey, np.minimum)
    near = max(reach // BLOCK, 1)
    darkest = _running(_running(small, near, 0, np.minimum), near, 1, np.minimum)
    return _full_size(_running(_running(darkest, near, 0, np.maximum), near, 1, np.maximum), grey.shape)


def _blocks(grey: Grey, pick: np.ufunc) -> Grey:
    """The picture in blocks of BLOCK x BLOCK pixels, each the max (or min) of its pixels."""
    height, width = grey.shape
    padded = np.pad(grey, ((0, -height % BLOCK), (0, -width % BLOCK)), mode="edge")
    shaped = padded.reshape(padded.shape[0] // BLOCK, BLOCK, padded.shape[1] // BLOCK, BLOCK)
    reduced: Grey = pick.reduce(pick.reduce(shaped, axis=3), axis=1)
    return reduced


def _full_size(small: Values, shape: tuple[int, ...]) -> Values:
    """Blocks back to pixels (each block's value over its BLOCK x BLOCK pixels), cut to `shape`."""
    full: Values = np.repeat(np.repeat(small, BLOCK, axis=0), BLOCK, axis=1)[: shape[0], : shape[1]]
    return full


def _running(values: Grey, reach: int, axis: int, pick: np.ufunc) -> Grey:
    """The maximum (or minimum) over a window of 2 * reach + 1 along one axis, by doubling shifts."""
    result = values.copy()
    covered = 1  # the window result holds, starting at each pixel and running forward
    while covered < reach + 1:
        step = min(covered, reach + 1 - covered)
        result = pick(result, _shifted(result, step, axis))
        covered += step
    # forward windows of reach + 1 pixels, then the same backward: 2 * reach + 1 in all
    out: Grey = pick(result, _shifted(result, -reach, axis))
    return out


def _shifted(values: Grey, step: int, axis: int) -> Grey:
    """values moved by `step` along an axis (index i gets i + step), edges repeated."""
    count = values.shape[axis]
    index = np.clip(np.arange(count) + step, 0, count - 1)
    return np.take(values, index, axis=axis)
