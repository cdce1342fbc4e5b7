"""The paper of a scanned page made white: cell shading, a grey section band, a tinted or yellowed scan.

Print is divided by the brightness of the paper around it (the lightest grey within a small square), so
a black letter on a grey band stays black and the band itself becomes white. Rules and words are then
found on one white page: a grey band darker than the ink level would otherwise read as a block of ink
whose gaps between letters look like column rules, and tesseract's global threshold reads a shaded
cell's print as noise.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

PAPER_INCHES = 1 / 12  # the paper around a pixel is looked for this far on each side (wider than a
# bold stroke or a filled bullet at table print sizes, narrower than a shaded cell's height)
MIN_PAPER_LEVEL = 96  # darker ground is a filled black bar or a redaction, not paper: left as it is

Grey = npt.NDArray[np.uint8]


def whitened_paper(picture: Image.Image, dpi: float) -> Image.Image:
    """Given a page picture and its resolution, return it in grey with its paper (shading included)
    brought to white and its print scaled by the same factor."""
    grey: Grey = np.asarray(picture.convert("L"))
    reach = max(int(PAPER_INCHES * dpi), 2)
    paper = _paper(grey, reach).astype(np.float32)
    flat = paper < MIN_PAPER_LEVEL
    scaled = np.clip(grey.astype(np.float32) * 255.0 / np.maximum(paper, 1.0), 0, 255)
    result = np.where(flat, grey, scaled).astype(np.uint8)
    return Image.fromarray(result)


def _paper(grey: Grey, reach: int) -> Grey:
    """The paper under every pixel: the lightest value within `reach` pixels (a square), then the
    darkest of those within the same reach (a closing: print thinner than the square is gone, the edge
    of a shaded cell stays where it is)."""
    lightest = _running(_running(grey, reach, 0, np.maximum), reach, 1, np.maximum)
    return _running(_running(lightest, reach, 0, np.minimum), reach, 1, np.minimum)


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
