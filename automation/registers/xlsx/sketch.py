"""A sheet part reduced to the rows a write or a read needs: its sketch.

An append needs the head of the part (dimension, columns), the first rows (where the header
is), the last rows (the last data row, the formatted rows under it, the totals block, notes),
and the tail (formats, validations, filters); an update needs the rows it fills. The rows in
between are copied as they are. :class:`SketchBuilder` keeps, from a stream of rows
(:mod:`.stream`):

* the first :data:`~.rows.HEADER_SCAN_ROWS` rows;
* the *window*: every row from the last one the caller calls an *anchor* (a row that is
  data beyond doubt: an id typed in it) to the end, and the
  :data:`~.footer.FILL_DOWN_LOOKBACK` rows before it (a fill-down formula is recognised
  there);
* the rows the caller asks to keep (the rows of the ids a write looks for);
* the shared formulas' masters (``<f t="shared" ref=… si=…>``), wherever they are, for the
  followers among the kept rows.

:meth:`Sketch.xml` is a :class:`~.sheet.SheetXml` of head, kept rows and tail: everything
that reads a sheet (:mod:`.footer`, :mod:`.rows`, :mod:`.splice`) works on it as on the
whole part, and its edits are mapped back to the stream by :class:`Segments`. A sketch also
carries the texts of the shared strings its rows use, so that a sketch kept in the journal
is read without the workbook's string table.
"""

from __future__ import annotations

import base64
import bisect
import json
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Final, overload

from automation.registers.xlsx.footer import FILL_DOWN_LOOKBACK
from automation.registers.xlsx.package import PackageError, xml_unescape
from automation.registers.xlsx.rows import HEADER_SCAN_ROWS
from automation.registers.xlsx.sheet import Edit, SheetXml
from automation.registers.xlsx.stream import RowPiece

_MASTER: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)c(?=\s)(?P<c>[^>]*?)>(?:(?!</(?P=p)c\s*>).)*?"
    rb"<(?P=p)f(?=\s)(?P<a>[^>]*?\bt=\"shared\"[^>]*)>(?P<t>[^<]+)</(?P=p)f\s*>", re.DOTALL)
_SI: Final = re.compile(rb"\bsi=\"([0-9]+)\"")
_REF: Final = re.compile(rb"\sr=\"([A-Za-z]{1,3}[0-9]+)\"")
_SHARED_CELL: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=\s)[^>]*?\bt=\"s\"[^>]*>\s*"
                                 rb"<(?:[A-Za-z_][\w.-]*:)?v\s*>\s*([0-9]+)\s*<")
FORMAT: Final = 1  # the version of :meth:`Sketch.dump`'s layout


class StringTable(Sequence[str]):
    """The shared strings a sketch's rows use, by index; any other index reads as ``""``."""

    def __init__(self, texts: Mapping[int, str], size: int) -> None:
        self.texts = dict(texts)
        self.size = size

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if not 0 <= index < self.size:
            raise IndexError(index)
        return self.texts.get(index, "")


@dataclass
class Sketch:
    """Head, kept rows and tail of one sheet part (see the module docstring)."""

    part: str
    head: bytes
    rows: list[RowPiece]
    tail: bytes
    masters: dict[str, tuple[str, str]] = field(default_factory=dict)  # si -> (ref, formula)
    strings: dict[int, str] = field(default_factory=dict)
    string_count: int = 0
    window: int = 0  # number of the first row of the window (0: every row is kept)
    last_number: int = 0  # the part's last row number (0 without rows)
    row_count: int = 0
    master_rows: dict[str, int] = field(default_factory=dict)  # si -> its row

    def xml(self) -> SheetXml:
        data = self.head + b"".join(piece.lead + piece.data for piece in self.rows) + self.tail
        return SheetXml(data, self.part, masters=self.masters)

    def shared(self) -> StringTable:
        return StringTable(self.strings, self.string_count)

    def take_strings(self, shared: Sequence[str]) -> None:
        """Keep the texts of the shared strings the kept rows use."""
        self.string_count = len(shared)
        for piece in self.rows:
            if b't="s"' not in piece.data:
                continue
            for match in _SHARED_CELL.finditer(piece.data):
                index = int(match[1])
                if index not in self.strings and 0 <= index < len(shared):
                    self.strings[index] = shared[index]

    def kept(self, number: int) -> bool:
        return any(piece.number == number for piece in self.rows)

    def numbers(self) -> frozenset[int]:
        return frozenset(piece.number for piece in self.rows)

    # -- kept in the journal ------------------------------------------------------------------

    def dump(self) -> bytes:
        def b(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        return json.dumps({
            "format": FORMAT, "part": self.part, "head": b(self.head), "tail": b(self.tail),
            "rows": [[p.number, b(p.lead), b(p.data)] for p in self.rows],
            "masters": self.masters, "strings": {str(k): v for k, v in self.strings.items()},
            "string_count": self.string_count, "window": self.window,
            "last_number": self.last_number, "row_count": self.row_count},
            ensure_ascii=False).encode("utf-8")

    @classmethod
    def load(cls, data: bytes) -> Sketch | None:
        """The sketch :meth:`dump` wrote; None when it is of another format or damaged."""
        try:
            found = json.loads(data.decode("utf-8"))
            if found.get("format") != FORMAT:
                return None

            def b(text: str) -> bytes:
                return base64.b64decode(text.encode("ascii"))

            return cls(found["part"], b(found["head"]),
                       [RowPiece(int(n), b(lead), b(row)) for n, lead, row in found["rows"]],
                       b(found["tail"]),
                       {str(k): (str(v[0]), str(v[1])) for k, v in found["masters"].items()},
                       {int(k): str(v) for k, v in found["strings"].items()},
                       int(found["string_count"]), int(found["window"]),
                       int(found["last_number"]), int(found["row_count"]))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None


class SketchBuilder:
    """Builds a :class:`Sketch` from the rows of a stream, in order (module docstring)."""

    def __init__(self, part: str, head: bytes, *, top: int = HEADER_SCAN_ROWS,
                 lookback: int = FILL_DOWN_LOOKBACK) -> None:
        self.part = part
        self.head = head
        self.top = top
        self._position = 0
        self._kept: list[tuple[int, RowPiece]] = []  # (position, piece): top rows, asked for
        self._before: deque[tuple[int, RowPiece]] = deque(maxlen=lookback)
        self._window: list[tuple[int, RowPiece]] = []
        self._window_number = 0
        self.masters: dict[str, tuple[str, str]] = {}
        self.master_rows: dict[str, int] = {}  # si -> the row that defines it
        self.last_number = 0
        self.count = 0

    def add(self, piece: RowPiece, *, anchor: bool = False, keep: bool = False) -> list[RowPiece]:
        """Take ``piece`` in; returns the rows that left the window (before the new anchor)."""
        position = self._position
        self._position += 1
        self.count += 1
        self.last_number = piece.number
        if b' ref="' in piece.data:
            self._masters(piece.number, piece.data)
        entry = (position, piece)
        if piece.number <= self.top or keep:
            self._kept.append(entry)
        if not anchor:
            self._window.append(entry)
            return []
        before, window = self._before, self._window
        over = len(before) + len(window) - (before.maxlen or 0)  # rows that leave for good
        if over <= 0:
            gone = []
        elif over == 1 and before:  # one anchor after another: the oldest row before goes
            gone = [before[0][1]]
        else:
            gone = [p for _, p in islice(chain(before, window), over)]
        before.extend(window)
        self._window = [entry]
        self._window_number = piece.number
        return gone

    def window_rows(self) -> list[RowPiece]:
        return [p for _, p in self._window]

    def finish(self, tail: bytes) -> Sketch:
        chosen: dict[int, RowPiece] = {}
        for position, piece in (*self._kept, *self._before, *self._window):
            chosen[position] = piece
        rows = [chosen[p] for p in sorted(chosen)]
        return Sketch(self.part, self.head, rows, tail, dict(self.masters),
                      window=self._window_number, last_number=self.last_number,
                      row_count=self.count, master_rows=dict(self.master_rows))

    def _masters(self, number: int, data: bytes) -> None:
        for match in _MASTER.finditer(data):
            si = _SI.search(match["a"])
            ref = _REF.search(match["c"])
            if si is not None and ref is not None and b"ref=" in match["a"]:
                key = si[1].decode()
                if key not in self.masters:
                    self.masters[key] = (ref[1].decode(),
                                         xml_unescape(match["t"].decode("utf-8")))
                    self.master_rows[key] = number

    def remembered(self, masters: Mapping[str, tuple[int, str, str]], rows: int) -> None:
        """Take in the masters and the count of rows passed over (a memo's)."""
        for key, (number, ref, formula) in masters.items():
            if key not in self.masters:
                self.masters[key] = (ref, formula)
                self.master_rows[key] = number
        self.count += rows


@dataclass(frozen=True)
class Segment:
    """Where one piece of the sketch is, in the sketch's bytes: ``number`` 0 for the head,
    -1 for the tail."""

    number: int
    start: int
    end: int


class Segments:
    """The sketch's bytes cut into head, rows and tail, to apply edits piece by piece."""

    def __init__(self, sketch: Sketch, xml: SheetXml) -> None:
        self.data = xml.data
        segments = [Segment(0, 0, len(sketch.head))]
        position = len(sketch.head)
        for piece in sketch.rows:
            size = len(piece.lead) + len(piece.data)
            segments.append(Segment(piece.number, position, position + size))
            position += size
        segments.append(Segment(-1, position, len(xml.data)))
        self.segments = segments
        self._starts = [s.start for s in segments]

    def apply(self, edits: Iterable[Edit]) -> dict[int, bytes]:
        """The new bytes of every piece an edit touches: head 0, row number, tail -1."""
        grouped: dict[int, list[Edit]] = {}
        for edit in edits:
            index = bisect.bisect_right(self._starts, edit.start) - 1
            segment = self.segments[index]
            if edit.end > segment.end:
                raise PackageError("an edit spans two rows of the sketch")
            grouped.setdefault(index, []).append(edit)
        pieces: dict[int, bytes] = {}
        for index, found in grouped.items():
            segment = self.segments[index]
            out: list[bytes] = []
            position = segment.start
            for edit in sorted(found, key=lambda e: (e.start, e.end)):
                if edit.start < position:
                    raise PackageError("overlapping edits in the sketch")
                out.append(self.data[position:edit.start])
                out.append(edit.data)
                position = edit.end
            out.append(self.data[position:segment.end])
            pieces[segment.number] = b"".join(out)
        return pieces

    def original(self, number: int) -> bytes:
        for segment in self.segments:
            if segment.number == number:
                return self.data[segment.start:segment.end]
        raise KeyError(number)
