"""Zip members read and written as streams, and copied without being inflated.

A register's sheet part is tens of megabytes once inflated; it is never held whole. Its
members are read in chunks (:func:`chunks`), rewritten into a :class:`Spool` (deflated as
they go, into a temporary file beside the workbook), and the new package is then assembled
in the original order: each untouched member copied as it is stored — its compressed bytes,
its CRC, its name, date and attributes — and each rewritten one from its spool
(:class:`PackageWriter`). :mod:`zipfile` reads and writes the archive; it has no call for a
member whose compressed bytes are already known, so :meth:`PackageWriter.raw` hands them to a
member opened for writing with a compressor that passes them through (the sizes and CRC are
then set to those of the data they inflate to). When that is not possible, the member is
inflated and deflated again, which gives the same bytes once inflated.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Final

CHUNK: Final = 1 << 20
_LOCAL_HEADER: Final = struct.Struct("<4s5H3L2H")  # the zip format's local file header
_LOCAL_SIGNATURE: Final = b"PK\x03\x04"
_ZIP64_LIMIT: Final = (1 << 31) - 1


class ZipStreamError(Exception):
    """A member could not be read or written as a stream."""


def chunks(archive: zipfile.ZipFile, name: str, *, size: int = CHUNK) -> Iterator[bytes]:
    """The inflated bytes of member ``name``, in chunks of about ``size`` bytes."""
    try:
        with archive.open(name) as member:
            while chunk := member.read(size):
                yield chunk
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        raise ZipStreamError(f"part {name} cannot be read: {exc}") from exc


def raw_chunks(path: Path, info: zipfile.ZipInfo, *, size: int = CHUNK) -> Iterator[bytes]:
    """The stored (compressed) bytes of member ``info`` of the archive at ``path``."""
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            raise ZipStreamError(f"part {info.filename}: truncated local header")
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != _LOCAL_SIGNATURE:
            raise ZipStreamError(f"part {info.filename}: bad local header")
        handle.seek(fields[9] + fields[10], 1)  # the name and the extra field
        left = info.compress_size
        while left:
            chunk = handle.read(min(size, left))
            if not chunk:
                raise ZipStreamError(f"part {info.filename}: truncated data")
            left -= len(chunk)
            yield chunk


class _PassThrough:
    """A "compressor" for data that is compressed already."""

    def compress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


def _member(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A new entry like ``info``: same name, date, method, attributes and comment."""
    member = zipfile.ZipInfo(info.filename, info.date_time)
    member.compress_type = info.compress_type
    member.external_attr = info.external_attr
    member.create_system = info.create_system
    member.comment = info.comment
    return member


class Spool:
    """A member's new content, deflated as it is written, kept in a temporary file.

    Use as a context manager; ``write`` the inflated bytes, then give the spool to
    :meth:`PackageWriter.spooled`. The temporary file goes away on exit.
    """

    def __init__(self, path: Path, *, compress_type: int = zipfile.ZIP_DEFLATED) -> None:
        self.path = path
        self.compress_type = compress_type
        self.crc = 0
        self.size = 0
        self.compressed = 0
        self._handle: IO[bytes] | None = path.open("wb")
        self._compressor = (zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
                            if compress_type == zipfile.ZIP_DEFLATED else None)

    def write(self, data: bytes) -> None:
        assert self._handle is not None
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        out = self._compressor.compress(data) if self._compressor is not None else data
        self.compressed += len(out)
        self._handle.write(out)

    def finish(self) -> None:
        if self._handle is None:
            return
        if self._compressor is not None:
            out = self._compressor.flush()
            self.compressed += len(out)
            self._handle.write(out)
        self._handle.close()
        self._handle = None

    def stored(self) -> Iterator[bytes]:
        """The compressed bytes, once :meth:`finish` was called."""
        self.finish()
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self.path.unlink(missing_ok=True)


class PackageWriter:
    """A new package written member by member, in the order the caller gives them."""

    def __init__(self, target: Path) -> None:
        self._zip = zipfile.ZipFile(target, "w")

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._zip.close()

    def data(self, info: zipfile.ZipInfo, data: bytes) -> None:
        """Member ``info`` (its name, date, method…) holding ``data``."""
        self._zip.writestr(_member(info), data)

    def copy(self, source: Path, original: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """Member ``info`` of ``source`` as it is stored there, without inflating it."""
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                              zipfile.ZIP_DEFLATED):
            self._inflated_copy(original, info)  # encrypted, or a method we keep as zipfile does
            return
        self.raw(info, raw_chunks(source, info), crc=info.CRC, size=info.file_size)

    def stream(self, info: zipfile.ZipInfo, data: Iterable[bytes]) -> None:
        """Member ``info`` (name, date, method…) holding ``data``, deflated as it comes."""
        member = _member(info)
        member.file_size = info.file_size  # a guess, for whether zip64 fields are needed
        with self._zip.open(member, "w", force_zip64=info.file_size > _ZIP64_LIMIT // 2) as sink:
            for chunk in data:
                sink.write(chunk)

    def spooled(self, info: zipfile.ZipInfo, spool: Spool) -> None:
        """Member ``info`` holding what was written into ``spool``."""
        member = _member(info)
        member.compress_type = spool.compress_type
        self.raw(member, spool.stored(), crc=spool.crc, size=spool.size)

    def raw(self, info: zipfile.ZipInfo, stored: Iterable[bytes], *, crc: int, size: int) -> None:
        """Member ``info`` whose stored bytes are ``stored``, inflating to ``size`` bytes."""
        member = _member(info)
        member.file_size = size  # decides whether the entry needs zip64 fields
        with self._zip.open(member, "w", force_zip64=size > _ZIP64_LIMIT) as sink:
            if not hasattr(sink, "_compressor") or not hasattr(sink, "_crc"):
                raise ZipStreamError("this Python's zipfile cannot take stored bytes")
            sink._compressor = _PassThrough()
            for chunk in stored:
                sink.write(chunk)
            sink._crc = crc
            setattr(sink, "_file_size", size)  # noqa: B010 - a private field, see above

    def _inflated_copy(self, original: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        member = _member(info)
        member.file_size = info.file_size
        with original.open(info) as source, self._zip.open(
                member, "w", force_zip64=info.file_size > _ZIP64_LIMIT) as sink:
            while chunk := source.read(CHUNK):
                sink.write(chunk)
