"""Zip members read and written as streams, and copied without being inflated.

A register's sheet part is tens of megabytes once inflated; it is never held whole. Its
members are read in chunks (:func:`chunks`) and the new package is written in the original
order (:class:`PackageWriter`): each untouched member copied as it is stored — its
compressed bytes, its CRC, its name, date and attributes — and each rewritten one deflated
as its new bytes come. :mod:`zipfile` reads and writes the archive; it has no call for a
member whose compressed bytes are already known, so :meth:`PackageWriter.raw` hands them to a
member opened for writing with a compressor that passes them through (the sizes and CRC are
then set to those of the data they inflate to). When that is not possible, the member is
inflated and deflated again, which gives the same bytes once inflated.

A member can also be written from a sequence of pieces (:meth:`PackageWriter.deflated`):
inflated bytes, deflated as they come; :class:`Flush` marks, where the deflate stream is
flushed in full (``Z_FULL_FLUSH``: the output ends on a byte, and nothing after it refers to
anything before it, so a decoder can start there); and :class:`Stored` spans, compressed bytes
of an earlier version of the member copied as they are — valid only when that span too lay
between two such full flushes, which is how the earlier version was written; and
:class:`Spooled` bytes, deflated beforehand by a compressor of their own. The CRC-32 of
the whole is then combined from the pieces' own (:func:`~.crc.crc32_combine`). A large member
is deflated in a thread of its own while the caller makes its next pieces (:class:`_Deflation`).
"""

from __future__ import annotations

import queue
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Generic, TypeAlias, TypeVar

from automation.registers.xlsx.crc import crc32_combine

CHUNK: Final = 1 << 20
_LOCAL_HEADER: Final = struct.Struct("<4s5H3L2H")  # the zip format's local file header
_LOCAL_SIGNATURE: Final = b"PK\x03\x04"
_ZIP64_LIMIT: Final = (1 << 31) - 1
BEHIND_FROM: Final = 4 * CHUNK  # bytes of a member after which it is deflated in a thread
BEHIND: Final = 4  # pieces made ahead of the deflating thread, at most
_T = TypeVar("_T")


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


def raw_chunks(path: Path, info: zipfile.ZipInfo, *, size: int = CHUNK, start: int = 0,
               end: int | None = None) -> Iterator[bytes]:
    """The stored (compressed) bytes of member ``info`` of the archive at ``path``; with
    ``start`` and ``end``, those between these offsets of its data."""
    stop = info.compress_size if end is None else end
    if not 0 <= start <= stop <= info.compress_size:
        raise ZipStreamError(f"part {info.filename}: no bytes {start}–{stop} in it")
    with path.open("rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size:
            raise ZipStreamError(f"part {info.filename}: truncated local header")
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != _LOCAL_SIGNATURE:
            raise ZipStreamError(f"part {info.filename}: bad local header")
        handle.seek(fields[9] + fields[10] + start, 1)  # the name and the extra field
        left = stop - start
        while left:
            chunk = handle.read(min(size, left))
            if not chunk:
                raise ZipStreamError(f"part {info.filename}: truncated data")
            left -= len(chunk)
            yield chunk


def inflated_range(path: Path, info: zipfile.ZipInfo, start: int, end: int | None = None,
                   ) -> Iterator[bytes]:
    """The inflated bytes of a deflated member's data from offset ``start`` (a full-flush
    point, or 0) to ``end`` (another one; None: the end of the member, which must end there)."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        raise ZipStreamError(f"part {info.filename} is not deflated as the tool writes it")
    inflater = zlib.decompressobj(-15)
    try:
        for chunk in raw_chunks(path, info, start=start, end=end):
            if inflater.eof:
                raise ZipStreamError(f"part {info.filename}: data after its end")
            if out := inflater.decompress(chunk):
                yield out
        if out := inflater.flush():
            yield out
    except zlib.error as exc:
        raise ZipStreamError(f"part {info.filename} cannot be inflated: {exc}") from exc
    if inflater.unused_data or inflater.eof != (end is None):
        raise ZipStreamError(f"part {info.filename}: offset {end} does not end a span")


@dataclass
class Flush:
    """A full flush of a member written by :meth:`PackageWriter.deflated` (module docstring);
    the writer fills in where it falls."""

    offset: int = -1  # compressed bytes of the member before this point
    inflated: int = -1  # inflated bytes before it
    crc: int = 0  # CRC-32 of the compressed bytes since the previous flush (or the start)


@dataclass(frozen=True)
class Stored:
    """Bytes ``start`` to ``end`` of the data of member ``info`` of ``path``, copied as they
    are: they inflate to ``size`` bytes of CRC-32 ``crc``, and are themselves of CRC-32
    ``stored_crc`` (checked as they are copied)."""

    path: Path
    info: zipfile.ZipInfo
    start: int
    end: int
    crc: int
    size: int
    stored_crc: int


@dataclass(frozen=True)
class Spooled:
    """Deflated bytes made beforehand — ``chunks``, ``compressed`` bytes of CRC-32
    ``stored_crc`` — by a compressor of their own that began afresh and ended on a full
    flush, so that they can follow another full flush: they inflate to ``size`` bytes of
    CRC-32 ``crc``."""

    chunks: tuple[bytes, ...]
    compressed: int
    stored_crc: int
    size: int
    crc: int


Piece: TypeAlias = bytes | Flush | Stored | Spooled  # what PackageWriter.deflated takes


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


class _Deflation:
    """The deflate stream of one member of :meth:`PackageWriter.deflated`.

    Its pieces (inflated bytes, :class:`Flush` marks, :class:`Stored` and :class:`Spooled`
    deflated bytes) are first :meth:`counted`, in order, for what they inflate to; then
    :meth:`take` deflates them, in the same order — in another thread, for a large member
    (:func:`_taken_behind`). That thread does little besides zlib's own work, which lets go
    of the interpreter: the checksum of the inflated bytes is the caller's, and the
    compressed bytes are written to the member in batches of about :data:`CHUNK`.
    """

    def __init__(self, sink: IO[bytes], name: str) -> None:
        self.sink = sink
        self.name = name
        self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.crc = 0  # of the inflated bytes counted so far
        self.size = 0  # inflated bytes counted so far
        self.written = 0  # compressed bytes so far
        self.since = 0  # CRC-32 of the compressed bytes since the last full flush
        self.flushed = True  # nothing was compressed since a full flush (or the start)
        self._held: list[bytes] = []  # compressed bytes not written yet
        self._holding = 0

    def counted(self, piece: Piece) -> Piece:
        """``piece``, counted towards the member's inflated size and checksum."""
        if isinstance(piece, bytes):
            self.crc = zlib.crc32(piece, self.crc)
            self.size += len(piece)
        elif isinstance(piece, Flush):
            piece.inflated = self.size
        else:  # deflated already: what it inflates to is known
            self.crc = crc32_combine(self.crc, piece.crc, piece.size)
            self.size += piece.size
        return piece

    def take(self, piece: Piece) -> None:
        """Deflate ``piece`` (counted before) into the member."""
        if isinstance(piece, bytes):
            if piece:
                self._out(self.compressor.compress(piece))
                self.flushed = False
        elif isinstance(piece, Flush):
            self._out(self.compressor.flush(zlib.Z_FULL_FLUSH))
            piece.offset, piece.crc = self.written, self.since
            self.since = 0
            self.flushed = True
        elif isinstance(piece, Stored):
            self._stored(piece)
        else:
            self._spooled(piece)

    def finish(self) -> None:
        self._out(self.compressor.flush())
        self._write()

    def _stored(self, piece: Stored) -> None:
        if not self.flushed:
            raise ZipStreamError(f"part {self.name}: stored bytes not after a full flush")
        copied = 0
        for out in raw_chunks(piece.path, piece.info, start=piece.start, end=piece.end):
            copied = zlib.crc32(out, copied)
            self._out(out)
        if copied != piece.stored_crc:
            raise ZipStreamError(f"part {piece.info.filename} changed since it was read")

    def _spooled(self, piece: Spooled) -> None:
        if not self.flushed:
            raise ZipStreamError(f"part {self.name}: deflated bytes not after a full flush")
        copied = length = 0
        for out in piece.chunks:
            copied = zlib.crc32(out, copied)
            length += len(out)
            self._out(out)
        if (copied, length) != (piece.stored_crc, piece.compressed):
            raise ZipStreamError(f"part {self.name}: its deflated rows are not those made")

    def _out(self, out: bytes) -> None:
        if out:
            self.since = zlib.crc32(out, self.since)
            self.written += len(out)
            self._held.append(out)
            self._holding += len(out)
            if self._holding >= CHUNK:
                self._write()

    def _write(self) -> None:
        self.sink.write(b"".join(self._held))
        self._held, self._holding = [], 0


class _End:
    """What :class:`Behind` queues after the last item."""


class Behind(Generic[_T]):
    """``take`` called on each item :meth:`put`, in order, in a thread of its own while the
    caller's goes on: zlib lets go of the interpreter while it deflates, so deflating beside
    the Python code that makes what is deflated costs about nothing. At most ``depth`` items
    wait. :meth:`stop` when done (the thread takes what waits, then ends); an error in the
    thread stops its work and is kept in :attr:`failure`, for the caller to raise."""

    def __init__(self, take: Callable[[_T], None], *, depth: int, name: str) -> None:
        self._take = take
        self._waiting: queue.Queue[_T | _End] = queue.Queue(depth)
        self.failure: BaseException | None = None
        self._worker = threading.Thread(target=self._work, name=name, daemon=True)
        self._worker.start()

    def put(self, item: _T) -> bool:
        """Queue ``item``; False once the thread failed (nothing more is taken)."""
        if self.failure is not None:
            return False
        self._waiting.put(item)
        return True

    def stop(self) -> None:
        if self._worker.is_alive():
            self._waiting.put(_End())
            self._worker.join()

    def _work(self) -> None:
        while not isinstance(item := self._waiting.get(), _End):
            if self.failure is None:
                try:
                    self._take(item)
                except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                    self.failure = exc


def _taken_behind(pieces: Iterable[Piece], take: Callable[[Piece], None]) -> None:
    """``take`` each of ``pieces`` in order, in a thread of its own (:class:`Behind`), while
    this thread makes the next ones; an error on either side stops both and is raised here."""
    behind = Behind(take, depth=BEHIND, name="deflate")
    try:
        for piece in pieces:
            if not behind.put(piece):
                break
    finally:
        behind.stop()
    if behind.failure is not None:
        raise behind.failure


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

    def deflated(self, info: zipfile.ZipInfo, pieces: Iterable[Piece], *,
                 behind_from: int = BEHIND_FROM) -> None:
        """Member ``info`` (name, date, attributes…) made of ``pieces``, deflated (module
        docstring). ``info.file_size`` is taken as a guess of the size, for zip64. Once
        ``behind_from`` bytes were given, the rest is deflated in a thread of its own while
        the caller's makes the next pieces (:func:`_taken_behind`)."""
        member = _member(info)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.file_size = info.file_size
        with self._zip.open(member, "w", force_zip64=info.file_size > _ZIP64_LIMIT // 2) as sink:
            if not hasattr(sink, "_compressor") or not hasattr(sink, "_crc"):
                raise ZipStreamError("this Python's zipfile cannot take stored bytes")
            sink._compressor = _PassThrough()
            deflation = _Deflation(sink, info.filename)
            counted = map(deflation.counted, pieces)
            for piece in counted:
                deflation.take(piece)
                if deflation.size >= behind_from:
                    _taken_behind(counted, deflation.take)
                    break
            deflation.finish()
            sink._crc = deflation.crc
            setattr(sink, "_file_size", deflation.size)  # noqa: B010 - a private field, see raw()

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
