"""Guards run before a dropped file is handed to a parser.

A dropped workbook is untrusted: a 400 KB .xlsx can expand to gigabytes (PITFALLS.md). Before
calamine sees a zip-based file, its size, its members' declared sizes and compression ratios,
and its member count are checked; then every member is decompressed once, in chunks, counting
the bytes actually produced, so a zip whose headers lie fails on its checksum or on the limit
before anything big is held in memory.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Final

from automation.config import Intake
from automation.errors import FileNotReady, IntakeError
from automation.intake import messages

MB: Final = 1024 * 1024
MAX_MEMBERS: Final = 10_000
# The ratio check only matters for members big enough to hurt; tiny XML parts of ordinary
# workbooks (a styles part full of repeated tags) can compress very well.
RATIO_MIN_SIZE: Final = MB
_CHUNK: Final = MB

ZIP_MAGIC: Final = b"PK\x03\x04"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx/.xlsm


def read_bytes(path: Path, limits: Intake) -> bytes:
    """The file's content, refusing empty, locked and oversized files."""
    name = path.name
    try:
        size = path.stat().st_size
        if size == 0:
            raise FileNotReady(messages.unreadable(name, messages.EMPTY_FILE), path=path)
        if size > limits.max_file_mb * MB:
            raise IntakeError(messages.unreadable(
                name, messages.too_large(size / MB, limits.max_file_mb)), path=path)
        data = path.read_bytes()
    except PermissionError as exc:  # Windows: still open in the program copying it
        raise FileNotReady(messages.unreadable(name, messages.STILL_OPEN), path=path) from exc
    except OSError as exc:
        raise IntakeError(messages.unreadable(name, messages.CORRUPT), path=path) from exc
    if not data:
        raise FileNotReady(messages.unreadable(name, messages.EMPTY_FILE), path=path)
    return data


def check_zip(data: bytes, limits: Intake, *, path: Path) -> None:
    """Refuse a zip-based workbook that is broken, encrypted, or would expand too far."""
    name = path.name
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared(members, limits, path)
            if any(m.flag_bits & 0x1 for m in members):
                raise IntakeError(messages.unreadable(name, messages.ENCRYPTED), path=path)
            if _odf_encrypted(archive):
                raise IntakeError(messages.unreadable(name, messages.ENCRYPTED), path=path)
            _check_actual(archive, members, limits, path)
    except IntakeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise IntakeError(messages.unreadable(name, messages.CORRUPT), path=path) from exc


def _check_declared(members: list[zipfile.ZipInfo], limits: Intake, path: Path) -> None:
    if len(members) > MAX_MEMBERS:
        raise IntakeError(messages.unreadable(path.name, messages.too_many_parts(MAX_MEMBERS)),
                          path=path)
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.max_uncompressed_mb * MB:
            raise IntakeError(messages.unreadable(
                path.name, messages.too_expanded(limits.max_uncompressed_mb)), path=path)
        if member.file_size >= RATIO_MIN_SIZE and (
                member.file_size > limits.max_compression_ratio * max(member.compress_size, 1)):
            raise IntakeError(messages.unreadable(
                path.name, messages.too_compressed(limits.max_compression_ratio)), path=path)


def _check_actual(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: Intake,
                  path: Path) -> None:
    """Decompress every member once, counting what comes out (zipfile checks each CRC)."""
    budget = int(limits.max_uncompressed_mb * MB)
    for member in members:
        if member.is_dir():
            continue
        produced = 0
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                produced += len(chunk)
                budget -= len(chunk)
                if budget < 0 or produced > member.file_size:
                    raise IntakeError(messages.unreadable(
                        path.name, messages.too_expanded(limits.max_uncompressed_mb)), path=path)


def _odf_encrypted(archive: zipfile.ZipFile) -> bool:
    """An OpenDocument file saved with a password lists encryption data in its manifest."""
    try:
        info = archive.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    if info.file_size > 4 * MB:
        return False
    return b"encryption-data" in archive.read(info)
