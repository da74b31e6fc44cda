"""Guards run before a dropped file is handed to a parser.

A dropped workbook is untrusted: a 400 KB .xlsx can expand to gigabytes (PITFALLS.md). Before
calamine sees a zip-based file, its size, its members' declared sizes and compression ratios,
and its member count are checked; then every member is decompressed once, in chunks, counting
the bytes actually produced, so a zip whose headers lie fails on its checksum or on the limit
before anything big is held in memory.
"""

from __future__ import annotations

import struct
import zipfile
from io import BytesIO
from typing import TYPE_CHECKING, Final

from automation.errors import IntakeError
from automation.intake import messages

if TYPE_CHECKING:
    from automation.intake.config import Intake

MB: Final = 1024 * 1024
MAX_MEMBERS: Final = 10_000
# The ratio check only matters for members big enough to hurt; tiny XML parts of ordinary
# workbooks (a styles part full of repeated tags) can compress very well.
RATIO_MIN_SIZE: Final = MB
_CHUNK: Final = MB

ZIP_MAGIC: Final = b"PK\x03\x04"
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx/.xlsm
_ENCRYPTED_STREAMS: Final = frozenset({"encryptioninfo", "encryptedpackage"})  # OOXML, agile/RC4
_BIFF_STREAMS: Final = ("Workbook", "Book")
_BIFF_FILEPASS: Final = 0x002F  # the record saying the rest of a .xls is encrypted
_BIFF_EOF: Final = 0x000A
_BIFF_RECORDS_SCANNED: Final = 400


def check_zip(data: bytes, limits: Intake, *, name: str) -> None:
    """Refuse a zip-based workbook that is broken, encrypted, or would expand too far."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared(members, limits, name)
            if any(m.flag_bits & 0x1 for m in members):
                raise IntakeError(messages.unreadable(name, messages.ENCRYPTED))
            if _odf_encrypted(archive):
                raise IntakeError(messages.unreadable(name, messages.ENCRYPTED))
            _check_actual(archive, members, limits, name)
    except IntakeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise IntakeError(messages.unreadable(name, messages.CORRUPT)) from exc


def _check_declared(members: list[zipfile.ZipInfo], limits: Intake, name: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise IntakeError(messages.unreadable(name, messages.too_many_parts(MAX_MEMBERS)))
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.max_uncompressed_mb * MB:
            raise IntakeError(messages.unreadable(
                name, messages.too_expanded(limits.max_uncompressed_mb)))
        if member.file_size >= RATIO_MIN_SIZE and (
                member.file_size > limits.max_compression_ratio * max(member.compress_size, 1)):
            raise IntakeError(messages.unreadable(
                name, messages.too_compressed(limits.max_compression_ratio)))


def _check_actual(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: Intake,
                  name: str) -> None:
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
                        name, messages.too_expanded(limits.max_uncompressed_mb)))


def _odf_encrypted(archive: zipfile.ZipFile) -> bool:
    """An OpenDocument file saved with a password lists encryption data in its manifest."""
    try:
        info = archive.getinfo("META-INF/manifest.xml")
    except KeyError:
        return False
    if info.file_size > 4 * MB:
        return False
    return b"encryption-data" in archive.read(info)


def ole_encrypted(data: bytes) -> bool:
    """True for an OLE file that is encrypted: an Office 2007+ workbook saved with a password
    (its package inside ``EncryptedPackage``), or a .xls whose globals hold a FILEPASS record."""
    import olefile  # loaded with the first OLE file

    try:
        with olefile.OleFileIO(BytesIO(data)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
            if streams & _ENCRYPTED_STREAMS:
                return True
            for name in _BIFF_STREAMS:
                if ole.exists(name):
                    with ole.openstream(name) as stream:
                        return _has_filepass(stream.read(64 * 1024))
    except (OSError, ValueError, struct.error, IndexError, KeyError, TypeError,
            RecursionError, NotImplementedError):
        return False  # not a readable OLE file: calamine says what it is
    return False


def _has_filepass(head: bytes) -> bool:
    """Walk the first BIFF records of a .xls workbook stream, looking for FILEPASS."""
    offset = 0
    for _ in range(_BIFF_RECORDS_SCANNED):
        if offset + 4 > len(head):
            return False
        kind, size = struct.unpack_from("<HH", head, offset)
        if kind == _BIFF_FILEPASS:
            return True
        if kind == _BIFF_EOF:
            return False
        offset += 4 + size
    return False
