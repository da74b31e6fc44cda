"""What the middle of a register's sheet holds, remembered from the tool's own last write.

An append must know the highest id of each year and the sheet's shared formulas wherever
they are, so the streaming pass (:mod:`.scan`) looks at every row's id cell: most of an
append's time on a large register. But the rows between the first ones (the header) and the
last ones (the last data row, the totals) are, after the tool's write, exactly the rows it
copied: a :class:`ScanMemo` keeps what they hold — their number and size in bytes, the
shared formulas they define, and the highest ids of the sheet — beside the checksum and the
size of the sheet part it describes (from the zip's directory). The next append, finding the
part with the same checksum and size (nobody saved the workbook meanwhile), passes over those
rows as bytes (:class:`~.stream.Skip`); any doubt (another checksum, a row not where it is
said to be, an id looked for that could be among them) and the sheet is read whole, row by
row, as without a memo.

The tool writes its sheet parts with a full flush of the deflate stream where the middle
rows begin and where they end (:class:`~.zipio.Flush`), and the memo says where these fall in
the part as stored (:class:`RawSpan`). So the middle rows need not even be inflated: the next
append reads the part's first rows, then starts inflating again where the middle ends
(:func:`without_middle`), and copies the middle's compressed bytes as they are into the new
part (:class:`~.zipio.Stored`). Everything is checked on the way: the compressed bytes by
their own CRC-32, the inflated sizes, and the CRC-32 of the whole part (the middle's from the
memo, combined with the rest's) against the zip's directory.

The workbook's ``Journal`` sheet, which grows by a line for every row the tool appends, has
a memo of its own, kept under the register's key followed by :data:`JOURNAL_MEMO` (its
``highest`` is empty: its lines have no ids).

:class:`Region` measures, while a sheet part is written, the rows a memo of the new part can
describe: those after the first rows and before the first row the append's sketch keeps.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from automation.registers.ids import IdScheme
from automation.registers.xlsx.crc import crc32_combine
from automation.registers.xlsx.rows import HEADER_SCAN_ROWS
from automation.registers.xlsx.stream import SkipMissed
from automation.registers.xlsx.zipio import (
    Flush,
    Spooled,
    Stored,
    ZipStreamError,
    inflated_range,
    raw_chunks,
)

FORMAT: Final = 1
JOURNAL_MEMO: Final = "#journal"  # added to the register's key: the memo of its Journal sheet
MIN_ROWS: Final = 200  # fewer rows in the middle are read faster than a memo is kept


class MemoStore(Protocol):
    """Where a register's memo is kept between two writes (the journal)."""

    def recall(self, register: str) -> str | None: ...

    def remember(self, register: str, memo: str | None) -> None: ...


@dataclass(frozen=True)
class RawSpan:
    """Where a memo's middle rows lie in the part as stored (module docstring)."""

    start: int  # offset in the member's compressed data of the middle's first byte
    end: int  # offset of the byte after its last
    stored_crc: int  # CRC-32 of those compressed bytes
    crc: int  # CRC-32 of the middle rows' inflated bytes
    head: int  # inflated bytes before the middle
    compressed: int  # the member's compressed size

    def dump(self) -> list[int]:
        return [self.start, self.end, self.stored_crc, self.crc, self.head, self.compressed]


@dataclass(frozen=True)
class ScanMemo:
    part: str
    crc: int  # of the inflated part, as the zip's directory gives it
    size: int  # inflated bytes
    after: int  # the number of the row after the first ones, read every time
    until: int  # the number of the first row read again
    skipped: int  # bytes between the end of row ``after`` and the tag of row ``until``
    count: int  # rows between them
    highest: Mapping[int, int]  # period (year, or 0) -> highest id number in the sheet
    masters: Mapping[str, tuple[int, str, str]]  # si -> (row, ref, formula), rows between
    raw: RawSpan | None = None  # where they are stored, when the tool's writer flushed there

    def fits(self, info: zipfile.ZipInfo) -> bool:
        """Whether ``info`` (the part in the workbook now) is the part this memo describes."""
        return (info.filename == self.part and self.crc == info.CRC
                and info.file_size == self.size)

    def stored(self, info: zipfile.ZipInfo) -> RawSpan | None:
        """Where the middle rows are stored in ``info``, when the memo knows and the part is
        stored as it was written (same compressed size, deflated, not encrypted)."""
        raw = self.raw
        if (raw is None or not self.fits(info) or info.compress_size != raw.compressed
                or info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1
                or not 0 < raw.start <= raw.end <= raw.compressed):
            return None
        return raw

    def copied(self, path: Path, info: zipfile.ZipInfo) -> Stored:
        """The middle rows' compressed bytes, to copy into a new version of the part."""
        raw = self.stored(info)
        if raw is None:
            raise ZipStreamError(f"part {info.filename}: its middle rows are not stored apart")
        return Stored(path, info, raw.start, raw.end, raw.crc, self.skipped, raw.stored_crc)

    def allows(self, scheme: IdScheme, wanted: Collection[str]) -> bool:
        """Whether the ids an append looks for cannot be among the rows passed over: each
        is one of the scheme's, above the highest of its year."""
        for record_id in wanted:
            parsed = scheme.parse(record_id)
            if parsed is None or parsed[1] <= self.highest.get(parsed[0] or 0, 0):
                return False
        return True

    def dump(self) -> str:
        return json.dumps({
            "format": FORMAT, "part": self.part, "crc": self.crc, "size": self.size,
            "after": self.after, "until": self.until, "skipped": self.skipped,
            "count": self.count, "highest": {str(k): v for k, v in self.highest.items()},
            "masters": {k: list(v) for k, v in self.masters.items()},
            "raw": self.raw.dump() if self.raw is not None else None})

    @classmethod
    def load(cls, text: str | None) -> ScanMemo | None:
        """The memo :meth:`dump` wrote; None when there is none, or it is of another format."""
        if not text:
            return None
        try:
            found = json.loads(text)
            if found.get("format") != FORMAT:
                return None
            return cls(str(found["part"]), int(found["crc"]), int(found["size"]),
                       int(found["after"]), int(found["until"]), int(found["skipped"]),
                       int(found["count"]),
                       {int(k): int(v) for k, v in found["highest"].items()},
                       {str(k): (int(v[0]), str(v[1]), str(v[2]))
                        for k, v in found["masters"].items()},
                       RawSpan(*(int(v) for v in found["raw"][:6]))
                       if found.get("raw") else None)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None


def without_middle(path: Path, info: zipfile.ZipInfo, memo: ScanMemo) -> Iterator[bytes]:
    """The inflated bytes of the part ``info`` of ``path`` but its middle rows, which are not
    inflated (module docstring); :class:`~.stream.SkipMissed` when the part is not stored as
    ``memo`` says (its first bytes come before that is known: read them as a guess)."""
    raw = memo.stored(info)
    if raw is None:
        raise SkipMissed(f"part {info.filename}: its middle rows are not stored apart")
    crc = size = stored = 0
    try:
        for chunk in inflated_range(path, info, 0, raw.start):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            yield chunk
        if size != raw.head:
            raise SkipMissed(f"part {info.filename}: {size} bytes before its middle rows, "
                             f"not {raw.head}")
        for chunk in raw_chunks(path, info, start=raw.start, end=raw.end):
            stored = zlib.crc32(chunk, stored)
        if stored != raw.stored_crc:
            raise SkipMissed(f"part {info.filename}: its middle rows are stored otherwise")
        crc = crc32_combine(crc, raw.crc, memo.skipped)
        size += memo.skipped
        for chunk in inflated_range(path, info, raw.end):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            yield chunk
    except ZipStreamError as exc:
        raise SkipMissed(str(exc)) from exc
    if crc != info.CRC or size != info.file_size:
        raise SkipMissed(f"part {info.filename} is not what its memo and its rows make")


@dataclass
class Region:
    """The middle rows of a sheet part as it is written (module docstring): counted as the
    writer goes, from the row after the first ones to the first row ``kept``; the writer
    flushes its deflate stream in full where they begin and end (:meth:`row`)."""

    kept: frozenset[int]
    after: int = 0
    until: int = 0
    size: int = 0
    count: int = 0
    crc: int = 0  # of the middle's inflated bytes
    open: bool = True
    spoilt: bool = False  # a middle row was written otherwise than copied
    start: Flush | None = None  # where the middle begins in the new part's deflate stream
    end: Flush | None = None  # where it ends

    def row(self, number: int, written: bytes, *, copied: bool) -> tuple[int, Flush] | None:
        """Row ``number`` went out as ``written`` (``copied``: as it was read); returns where
        in ``written`` the deflate stream is to be flushed in full, if it is."""
        if not self.open:
            return None
        if not self.after:
            if number > HEADER_SCAN_ROWS:
                self.after = number
                self.open = number not in self.kept
                if self.open:
                    self.start = Flush()
                    return len(written), self.start
            return None
        if number in self.kept:
            self.open = False
            found = written.find(b'r="%d"' % number)
            start = written.rfind(b"<", 0, found) if found >= 0 else -1
            if start < 0:
                self.spoilt = True
                return None
            self.size += start
            self.crc = zlib.crc32(written[:start], self.crc)
            self.until = number
            self.end = Flush()
            return start, self.end
        if not copied:
            self.spoilt = True
        self.size += len(written)
        self.crc = zlib.crc32(written, self.crc)
        self.count += 1
        return None

    def skipped(self, data: bytes, count: int) -> None:
        """Rows passed over as bytes (those of the memo the append was read with)."""
        self.size += len(data)
        self.crc = zlib.crc32(data, self.crc)
        self.count += count

    def stored(self, span: Stored | Spooled, count: int) -> None:
        """Rows copied as deflated bytes (those of the memo the append was read with, or
        those the scan deflated)."""
        self.size += span.size
        self.crc = crc32_combine(self.crc, span.crc, span.size)
        self.count += count

    def memo(self, info: zipfile.ZipInfo, *, highest: Mapping[int, int],
             masters: Mapping[str, tuple[int, str, str]]) -> ScanMemo | None:
        """The memo of the part written (``info``: its entry in the new zip), or None when
        its middle cannot be described (too short, or a row in it was changed)."""
        if self.spoilt or self.open or not self.until or self.count < MIN_ROWS:
            return None
        inside = {si: found for si, found in masters.items()
                  if self.after < found[0] < self.until}
        return ScanMemo(info.filename, info.CRC, info.file_size, self.after, self.until,
                        self.size, self.count, dict(highest), inside, self._raw(info))

    def _raw(self, info: zipfile.ZipInfo) -> RawSpan | None:
        start, end = self.start, self.end
        if (start is None or end is None or start.offset <= 0 or end.offset < start.offset
                or end.inflated - start.inflated != self.size
                or info.compress_type != zipfile.ZIP_DEFLATED):
            return None
        return RawSpan(start.offset, end.offset, end.crc, self.crc, start.inflated,
                       info.compress_size)
