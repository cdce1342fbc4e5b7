"""Zip members read without trusting their headers: each is streamed through a bounded inflater.

A DOCX's zip headers are written by whoever sent it. `zipfile` stops at a member's declared size but
inflates a whole compressed chunk in one call (`ZipExtFile.read()` asks zlib for up to 2 GB at once), so a
member that under-declares its size still drives the reader to gigabytes. Here the compressed bytes are
read raw and inflated CHUNK_BYTES at a time; what actually comes out is counted against the declared size
and against an archive-wide budget and ratio, and the CRC is checked. Encrypted members and compression
methods Word never writes are refused with a reason, never handed to `zipfile` (RuntimeError,
NotImplementedError) or zlib (zlib.error) to fail in an untyped way.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crfgen_core.ingest.errors import (
    CorruptProtocolError,
    EncryptedProtocolError,
    InputLimitExceededError,
    UnsupportedFormatError,
)

CHUNK_BYTES = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_MAGIC = b"PK\x03\x04"
_ENCRYPTED_FLAGS = 0x01 | 0x40  # traditional PKWARE encryption, strong encryption
_PATCHED_DATA_FLAG = 0x20  # "compressed patched data": zipfile cannot read it, Word never writes it
_METHOD_NAMES = {6: "Implode", 9: "Deflate64", 12: "BZIP2", 14: "LZMA", 93: "Zstandard", 99: "AES"}


@dataclass
class InflateBudget:
    """What one archive may inflate to in total and per member, counted on the bytes that come out."""

    remaining: int
    max_ratio: int
    ratio_floor: int


def member_chunks(
    source: BinaryIO, info: zipfile.ZipInfo, path: Path, budget: InflateBudget
) -> Iterator[bytes]:
    """Given an open zip file and one member, yield its inflated bytes at most CHUNK_BYTES at a time.

    Raise EncryptedProtocolError for an encrypted member, UnsupportedFormatError for a method other than
    stored/deflate, InputLimitExceededError past the budget or ratio, CorruptProtocolError for a damaged
    stream, a size other than declared, or a CRC mismatch. Memory stays within a few chunks.
    """
    name = info.filename
    if info.flag_bits & _ENCRYPTED_FLAGS:
        raise EncryptedProtocolError(
            path, f"zip member {name} is password-protected; save the document again without a password"
        )
    if info.flag_bits & _PATCHED_DATA_FLAG:
        raise UnsupportedFormatError(
            path, f"zip member {name} is marked as patched data, which Word never writes; save it in Word"
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
        raise UnsupportedFormatError(
            path,
            f"zip member {name} is compressed with {method}, which Word never writes; save it again in Word",
        )
    _seek_to_data(source, info, path)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left = info.compress_size
    produced = 0
    crc = 0
    try:
        while True:
            if inflater is None:
                if left == 0:
                    break
                out = _read_raw(source, min(CHUNK_BYTES, left), name, path)
                left -= len(out)
            else:
                if inflater.eof:  # checked first: at the end, what is left of the input is not this member's
                    break
                pending = inflater.unconsumed_tail
                if not pending:
                    if left == 0:
                        break
                    pending = _read_raw(source, min(CHUNK_BYTES, left), name, path)
                    left -= len(pending)
                out = inflater.decompress(pending, CHUNK_BYTES)
            produced += len(out)
            _check_output(info, produced, budget, path)
            crc = zlib.crc32(out, crc)
            if out:
                yield out
    except zlib.error as exc:
        raise CorruptProtocolError(path, f"zip member {name} has a damaged deflate stream ({exc})") from exc
    budget.remaining -= produced
    if inflater is not None and not inflater.eof:
        raise CorruptProtocolError(path, f"zip member {name} ends before its deflate stream does")
    if produced != info.file_size:
        raise CorruptProtocolError(
            path,
            f"zip member {name} holds {produced} bytes but declares {info.file_size}; the archive is damaged",
        )
    if crc != info.CRC:
        raise CorruptProtocolError(path, f"zip member {name} fails its CRC check; the archive is damaged")


def _seek_to_data(source: BinaryIO, info: zipfile.ZipInfo, path: Path) -> None:
    header = b""
    if info.header_offset >= 0:  # a damaged index can point before the start of the file
        source.seek(info.header_offset)
        header = source.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size or not header.startswith(_LOCAL_MAGIC):
        raise CorruptProtocolError(
            path, f"zip member {info.filename} has no local header where the index says"
        )
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    source.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)


def _read_raw(source: BinaryIO, size: int, name: str, path: Path) -> bytes:
    data = source.read(size)
    if not data:
        raise CorruptProtocolError(path, f"zip member {name} is cut short: the archive is truncated")
    return data


def _check_output(info: zipfile.ZipInfo, produced: int, budget: InflateBudget, path: Path) -> None:
    if produced > info.file_size:
        raise InputLimitExceededError(
            path,
            f"zip member {info.filename} inflates past its declared {info.file_size} bytes; "
            "refusing a zip whose headers lie (a possible zip bomb)",
        )
    if produced > budget.remaining:
        raise InputLimitExceededError(
            path, "the DOCX inflates past the uncompressed size limit; refusing a possible zip bomb"
        )
    if produced >= budget.ratio_floor and produced > budget.max_ratio * max(info.compress_size, 1):
        raise InputLimitExceededError(
            path,
            f"zip member {info.filename} is compressed over {budget.max_ratio}:1; "
            "refusing a possible zip bomb",
        )
