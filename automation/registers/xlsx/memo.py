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

:class:`Region` measures, while a sheet part is written, the rows a memo of the new part can
describe: those after the first rows and before the first row the append's sketch keeps.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from automation.registers.ids import IdScheme
from automation.registers.xlsx.rows import HEADER_SCAN_ROWS

FORMAT: Final = 1
MIN_ROWS: Final = 200  # fewer rows in the middle are read faster than a memo is kept


class MemoStore(Protocol):
    """Where a register's memo is kept between two writes (the journal)."""

    def recall(self, register: str) -> str | None: ...

    def remember(self, register: str, memo: str | None) -> None: ...


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

    def fits(self, info: zipfile.ZipInfo) -> bool:
        """Whether ``info`` (the part in the workbook now) is the part this memo describes."""
        return (info.filename == self.part and self.crc == info.CRC
                and info.file_size == self.size)

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
            "masters": {k: list(v) for k, v in self.masters.items()}})

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
                        for k, v in found["masters"].items()})
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None


@dataclass
class Region:
    """The middle rows of a sheet part as it is written (module docstring): counted as the
    writer goes, from the row after the first ones to the first row ``kept``."""

    kept: frozenset[int]
    after: int = 0
    until: int = 0
    size: int = 0
    count: int = 0
    open: bool = True
    spoilt: bool = False  # a middle row was written otherwise than copied

    def row(self, number: int, written: bytes, *, copied: bool) -> None:
        """Row ``number`` went out as ``written`` (``copied``: as it was read)."""
        if not self.open:
            return
        if not self.after:
            if number > HEADER_SCAN_ROWS:
                self.after = number
                self.open = number not in self.kept
            return
        if number in self.kept:
            found = written.find(b'r="%d"' % number)
            start = written.rfind(b"<", 0, found) if found >= 0 else -1
            if start < 0:
                self.spoilt = True
            else:
                self.size += start
                self.until = number
            self.open = False
            return
        if not copied:
            self.spoilt = True
        self.size += len(written)
        self.count += 1

    def skipped(self, size: int, count: int) -> None:
        """Rows passed over as bytes (those of the memo the append was read with)."""
        self.size += size
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
                        self.size, self.count, dict(highest), inside)

