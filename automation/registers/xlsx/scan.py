"""One streaming pass over a register's sheet: its header, its sketch and its ids.

The part is read in chunks (:mod:`.stream`); the first rows give the header
(:func:`~.locate.header_layout`, as :func:`~.locate.locate` finds it), and then every row is
looked at only through its id cell: a typed id makes it an *anchor* of the sketch
(:mod:`.sketch`), its id counts towards the highest of its year, and the rows of the ids a
write looks for are kept. With a memo of the tool's last write (:mod:`.memo`) that still
fits the part, the middle rows are passed over as bytes and what they hold is the memo's;
when the memo also says where those rows are stored in the zip, they are not even inflated
(:func:`~.memo.without_middle`). What the sketch keeps is enough for every decision of a
write or a read (the last data row, the totals block, the formula columns); should its
window start on a row that turns out not to be data, the sheet is read again keeping every
row (:class:`SketchTooShort`), as the whole part would be.
"""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, overload

from automation.errors import RegisterError
from automation.registers.binding import RegisterBinding
from automation.registers.ids import IdScheme
from automation.registers.xlsx import middle as middle_rows
from automation.registers.xlsx.footer import FILL_DOWN_LOOKBACK, DataEnd, find_end, is_total_label
from automation.registers.xlsx.formulas import column_letters
from automation.registers.xlsx.locate import (
    JOURNAL_SHEET,
    RegisterSheet,
    checked_layout,
    header_layout,
)
from automation.registers.xlsx.memo import ScanMemo, without_middle
from automation.registers.xlsx.middle import MiddleSpool, SpooledMiddle
from automation.registers.xlsx.package import Package, PackageError, SharedStrings
from automation.registers.xlsx.rows import HEADER_SCAN_ROWS, Layout
from automation.registers.xlsx.sheet import SheetXml, _cell, _quick_text
from automation.registers.xlsx.sketch import Sketch, SketchBuilder
from automation.registers.xlsx.splice import read_tables
from automation.registers.xlsx.stream import SKIPPED, RowPiece, SheetStream, Skip, SkipMissed
from automation.registers.xlsx.zipio import ZipStreamError, chunks

_CELL: Final = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)c(?=[\s/>])(?P<a>[^>]*?)"
                          rb"(?:/>|>(?P<b>.*?)</(?P=p)c\s*>)", re.DOTALL)
_ROOT: Final = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")

log = logging.getLogger(__name__)


class SketchTooShort(Exception):
    """The sketch's window began on a row that was not data: read keeping every row."""


class MemoStale(Exception):
    """The memo did not describe the part after all: read every row."""


@dataclass
class IdIndex:
    """The ids of a register's data rows, as much of them as a write needs: the highest
    number per year, and the rows of the ids it looks for."""

    scheme: IdScheme
    lines: dict[str, int] = field(default_factory=dict)
    highest_by: dict[int, int] = field(default_factory=dict)  # period (year, or 0) -> number

    def get(self, record_id: str) -> int | None:
        return self.lines.get(record_id)

    def highest(self, year: int) -> int:
        return self.highest_by.get(self.scheme.period(year), 0)

    def note(self, text: str) -> None:
        """``text`` is an id of the sheet: it counts towards its year's highest."""
        self.note_parsed(self.scheme.parse(text))

    def note_parsed(self, parsed: tuple[int | None, int] | None) -> None:
        """An id of the sheet, parsed by its scheme (None: not one of its ids)."""
        if parsed is not None:
            period = parsed[0] or 0
            if parsed[1] > self.highest_by.get(period, 0):
                self.highest_by[period] = parsed[1]


class CellFinder:
    """The cell of one column in a row's bytes, found by its reference (``A12``)."""

    def __init__(self, col: int) -> None:
        self.col = col
        self.letters = column_letters(col).encode()
        # the cell as Excel writes a text in it: read without the general expressions
        self._plain = re.compile(rb'<c r="' + self.letters
                                 + rb'[0-9]+"(?: s="[0-9]+")? t="s"><v>([0-9]+)</v></c>')

    def cell(self, piece: RowPiece) -> re.Match[bytes] | None:
        data = piece.data
        found = data.find(b' r="%s%d"' % (self.letters, piece.number))
        if found > 0:
            return _CELL.match(data, data.rfind(b"<", 0, found))
        if b' r="' in data[data.find(b">") + 1:]:
            return None  # cells with references, none of this column
        col = 0
        for match in _CELL.finditer(data):  # cells without references: count them
            col = _cell(match, col).col
            if col == self.col:
                return match
        return None

    def text(self, piece: RowPiece, shared: Sequence[str]) -> tuple[str, bool]:
        """The cell's text (stripped) and whether it holds a formula."""
        data = piece.data
        found = data.find(b' r="%s%d"' % (self.letters, piece.number))
        if found > 0:
            plain = self._plain.match(data, found - 2)
            if plain is not None:
                try:
                    return shared[int(plain[1])].strip(), False
                except IndexError:
                    return "", False
        match = self.cell(piece)
        if match is None:
            return "", False
        body = match["b"]
        formula = body is not None and (b"<f>" in body or b"<f " in body or b":f" in body
                                        or b"<f/" in body)
        return _quick_text(match, shared).strip(), formula


class Uncached(Sequence[str]):
    """The string table read without keeping what is read (see :meth:`SharedStrings.text`)."""

    def __init__(self, shared: SharedStrings) -> None:
        self.shared = shared

    def __len__(self) -> int:
        return len(self.shared)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return self.shared[index]
        return self.shared.text(index)


@dataclass
class Scanned:
    """A sheet read once: its sketch as a :class:`RegisterSheet`, where its data ends."""

    sheet: RegisterSheet
    sketch: Sketch
    end: DataEnd
    ids: IdIndex
    memo: ScanMemo | None = None  # the memo its middle rows were passed over with
    middle: SpooledMiddle | None = None  # its middle rows deflated as read (:mod:`.middle`)


def part_stream(archive: zipfile.ZipFile, part: str) -> SheetStream:
    try:
        return SheetStream(chunks(archive, part), part)
    except ZipStreamError as exc:
        raise PackageError(str(exc)) from exc


def _closing(head: bytes) -> bytes:
    root = _ROOT.search(head)
    prefix = root[1] or b"" if root is not None else b""
    found = re.search(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData", head)
    data_prefix = found[1] if found is not None else b""
    tail = b"" if head.rstrip().endswith(b"/>") else b"</" + data_prefix + b"sheetData>"
    return tail + b"</" + prefix + b"worksheet>"


def top_of(stream: SheetStream, rows: Iterator[RowPiece],
           *, scan: int = HEADER_SCAN_ROWS) -> tuple[list[RowPiece], RowPiece | None, SheetXml]:
    """The first rows of ``stream`` (numbers up to ``scan``), the row after them, and a
    :class:`SheetXml` of the head and those rows, to find the header in."""
    top: list[RowPiece] = []
    following: RowPiece | None = None
    for piece in rows:
        if piece.number > scan:
            following = piece
            break
        top.append(piece)
    data = stream.head + b"".join(p.lead + p.data for p in top)
    if following is None and stream.tail:
        data += stream.tail
    else:
        data += _closing(stream.head)
    return top, following, SheetXml(data, stream.part)


def sheet_top(archive: zipfile.ZipFile, part: str) -> SheetXml:
    """The head and first rows of a sheet part, read without reading the rest."""
    stream = part_stream(archive, part)
    _, _, xml = top_of(stream, stream.rows())
    return xml


def locate_streaming(package: Package, archive: zipfile.ZipFile,
                     binding: RegisterBinding) -> tuple[str, str, Layout, tuple[str, ...]]:
    """The register's part, sheet name, header and lost columns, as :func:`locate` finds
    them, each candidate sheet read only as far as its first rows."""
    shared = package.shared_strings()
    name = binding.sheet_name
    part = package.sheet_part(name)
    if part is None:
        return _renamed(package, archive, binding)
    layout = header_layout(sheet_top(archive, part), shared, binding)
    title, missing = checked_layout(package, binding, part, name, layout)
    assert layout is not None  # checked_layout refuses a sheet without one
    return part, title, layout, missing


def _renamed(package: Package, archive: zipfile.ZipFile,
             binding: RegisterBinding) -> tuple[str, str, Layout, tuple[str, ...]]:
    shared = package.shared_strings()
    fits: list[tuple[str, str, Layout, tuple[str, ...]]] = []
    for entry in package.sheets():
        if entry.name == JOURNAL_SHEET:
            continue
        layout = header_layout(sheet_top(archive, entry.part), shared, binding)
        if layout is None or "id" not in layout.columns:
            continue
        missing = tuple(k for k in binding.expected_fields if k not in layout.columns)
        if len(missing) * 2 <= len(binding.expected_fields):
            fits.append((entry.part, entry.name, layout, missing))
    names = ", ".join(f"« {e.name} »" for e in package.sheets())
    if len(fits) != 1:
        raise RegisterError(
            f"{binding.path.name} : pas de feuille « {binding.sheet_name} » (feuilles : "
            f"{names}) ; indiquez la bonne dans automation.toml sous "
            f"[registers.{binding.key}] sheet = \"…\"", register=binding.key,
            path=binding.path)
    return fits[0]


Classify = Callable[[RowPiece], tuple[bool, bool]]  # row -> (anchor, keep)


def build_sketch(stream: SheetStream, pieces: Iterator[RowPiece], classify: Classify | None, *,
                 keep_all: bool = False,
                 released: Callable[[RowPiece], None] | None = None,
                 memo: ScanMemo | None = None) -> Sketch:
    """The sketch of the rest of ``stream`` (``pieces``: its rows, the first ones included;
    pieces of rows passed over, with ``memo``, stand for what the memo says they hold)."""
    builder = SketchBuilder(stream.part, stream.head)
    for piece in pieces:
        if piece.number == SKIPPED:
            if memo is not None:
                builder.remembered(memo.masters, memo.count)
                memo = None
            continue
        if keep_all or classify is None:
            builder.add(piece, keep=True)
            continue
        anchor, keep = classify(piece)
        for gone in builder.add(piece, anchor=anchor, keep=keep):
            if released is not None:
                released(gone)
    return builder.finish(stream.tail)


def scan_register(package: Package, archive: zipfile.ZipFile, binding: RegisterBinding, *,
                  wanted: Collection[str] = (), lines: Collection[int] = (),
                  keep_all: bool = False, memo: ScanMemo | None = None,
                  spool: bool = False) -> Scanned:
    """Read the register's sheet once (module docstring); ``wanted``: ids whose rows a write
    needs, with those of the ids above them in the same year; ``lines``: rows it needs;
    ``memo``: the tool's memo of the part, used when it fits; ``spool``: when every row is
    read, deflate the middle ones as they are, for the write (:mod:`.middle`)."""
    if memo is not None and not keep_all and not lines and memo.allows(binding.id_scheme,
                                                                        wanted):
        try:
            scanned = _scan(package, archive, binding, wanted, lines, keep_all, memo, spool)
            if scanned.memo is not None:
                log.debug("%s: %d middle rows passed over with the memo", binding.key,
                          memo.count)
            return scanned
        except MemoStale as exc:
            log.debug("%s: the memo does not fit (%s); every row is read", binding.key, exc)
    return _scan(package, archive, binding, wanted, lines, keep_all, None, spool)


def _scan(package: Package, archive: zipfile.ZipFile, binding: RegisterBinding,
          wanted: Collection[str], lines: Collection[int], keep_all: bool,
          memo: ScanMemo | None, spool: bool) -> Scanned:
    part, name, layout, missing = locate_streaming(package, archive, binding)
    if memo is not None and not memo.fits(archive.getinfo(part)):
        memo = None
    opened = open_part(archive, part, memo)
    middle: MiddleSpool | None = None
    if (spool and memo is None and not keep_all and opened.following is not None
            and archive.getinfo(part).file_size >= middle_rows.MIN_BYTES):
        middle = MiddleSpool(opened.following.number)
    try:
        scanned = _scanned(package, binding, part, name, layout, missing, opened, wanted,
                           lines, keep_all, memo, middle)
    except BaseException:
        if middle is not None:
            middle.close()
        raise
    if middle is not None:
        scanned.middle = middle.finish(scanned.sketch.rows)
        if scanned.middle is not None:
            log.debug("%s: %d middle rows deflated as read", binding.key, scanned.middle.count)
    return scanned


def _scanned(package: Package, binding: RegisterBinding, part: str, name: str,
             layout: Layout, missing: tuple[str, ...], opened: Opened,
             wanted: Collection[str], lines: Collection[int], keep_all: bool,
             memo: ScanMemo | None, middle: MiddleSpool | None) -> Scanned:
    shared = package.shared_strings()
    sheet = RegisterSheet(part, name, opened.top_xml, layout, missing)
    read_tables(package, sheet)
    header = layout.header_row
    totals = sheet.totals_row
    finder = CellFinder(layout.columns["id"])
    scheme = binding.id_scheme
    ids = IdIndex(scheme, highest_by=dict(memo.highest) if memo is not None else {})
    floors: dict[int, int] = {}  # period -> lowest number looked for
    for rid in wanted:
        parsed = scheme.parse(rid)
        if parsed is not None:
            period = parsed[0] or 0
            floors[period] = min(floors.get(period, parsed[1]), parsed[1])
    wanted = frozenset(wanted)
    lines = frozenset(lines)
    uncached = Uncached(shared)  # each id is read once: not worth keeping
    texts: dict[int, str] = {}  # rows still in the window -> their id
    parsed_ids: dict[int, tuple[int | None, int] | None] = {}  # the same, parsed

    def classify(piece: RowPiece) -> tuple[bool, bool]:
        number = piece.number
        if number <= header:
            return False, False
        text, formula = finder.text(piece, uncached)
        keep = number in lines
        if text:
            texts[number] = text
            parsed = parsed_ids[number] = scheme.parse(text)
            if text in wanted:
                keep = True
            elif floors:
                keep = keep or (parsed is not None and (parsed[0] or 0) in floors
                                and parsed[1] > floors[parsed[0] or 0])
            if keep and text not in ids.lines:
                ids.lines[text] = number
        anchor = bool(text) and not formula and (totals is None or number < totals) and not (
            text[:1] in "TtSs" and is_total_label(text))
        return anchor, keep

    def released(piece: RowPiece) -> None:
        if texts.pop(piece.number, None) is not None:
            ids.note_parsed(parsed_ids.pop(piece.number))
        if middle is not None:
            middle.released(piece)

    sketch = opened.sketch(classify, keep_all=keep_all, released=released)
    sketch.take_strings(shared)
    sheet = RegisterSheet(part, name, sketch.xml(), layout, missing)
    read_tables(package, sheet)
    end = find_end(sheet.xml, sketch.shared(), layout, totals_row=sheet.totals_row)
    if not keep_all and sketch.window and end.anchor < sketch.window:
        raise SketchTooShort(part)
    for number, text in texts.items():
        if header < number and (end.footer is None or number < end.footer):
            ids.note(text)
        elif text in ids.lines and ids.lines[text] == number:
            del ids.lines[text]  # under the totals: no data row's id
    if keep_all:
        ids = _all_ids(sheet, sketch, end, scheme, wanted, floors)
    return Scanned(sheet, sketch, end, ids, memo)


@dataclass
class Opened:
    """A sheet part's stream, read as far as its first rows (:func:`open_part`)."""

    stream: SheetStream
    memo: ScanMemo | None
    skip: Skip | None
    rows: Iterator[RowPiece]
    top: list[RowPiece]
    following: RowPiece | None
    top_xml: SheetXml

    def every(self) -> Iterator[RowPiece]:
        """Every row of the part, the first ones included."""
        yield from self.top
        if self.following is not None:
            yield self.following
            yield from self.rows

    def sketch(self, classify: Classify, *, keep_all: bool = False,
               released: Callable[[RowPiece], None] | None = None) -> Sketch:
        """The sketch of the part (:func:`build_sketch`); with the memo, :class:`MemoStale`
        when its middle rows are not where it says or the sketch's window is among them."""
        try:
            sketch = build_sketch(self.stream, self.every(), classify, keep_all=keep_all,
                                  released=released, memo=self.memo)
        except SkipMissed as exc:
            raise MemoStale(str(exc)) from exc
        if self.memo is not None:
            _check_window(sketch, self.memo, self.skip)
        return sketch


def open_part(archive: zipfile.ZipFile, part: str, memo: ScanMemo | None) -> Opened:
    """The part's stream read as far as its first rows and the row after them; with a memo
    (that fits the part), its middle rows to be passed over — left out, not even inflated,
    when the memo says where they are stored. :class:`MemoStale` when the first rows are
    not those the memo was made with."""
    skip: Skip | None = None
    try:
        if memo is None:
            stream = part_stream(archive, part)
        else:
            info = archive.getinfo(part)
            if archive.filename and memo.stored(info) is not None:
                log.debug("%s: middle rows left out as stored, not inflated", part)
                chunks = without_middle(Path(archive.filename), info, memo)
                stream, skip = SheetStream(chunks, part), Skip(memo.after, memo.until, 0)
            else:
                stream = part_stream(archive, part)
                skip = Skip(memo.after, memo.until, memo.skipped)
        rows = stream.rows(skip)
        top, following, top_xml = top_of(stream, rows)
    except SkipMissed as exc:
        raise MemoStale(str(exc)) from exc
    if memo is not None and (following is None or following.number != memo.after):
        raise MemoStale("its first rows are others")
    return Opened(stream, memo, skip, rows, top, following, top_xml)


def _check_window(sketch: Sketch, memo: ScanMemo, skip: Skip | None) -> None:
    """The rows passed over must lie above the sketch's window and the rows it keeps before
    it, as they did when the memo was made: else it is read whole."""
    if skip is None or not skip.done:
        raise MemoStale(f"row {memo.until} not reached")
    before = [p for p in sketch.rows if memo.until <= p.number < sketch.window]
    if sketch.window < memo.until or len(before) < FILL_DOWN_LOOKBACK:
        raise MemoStale("its last data rows are above the rows it passed over")


def _all_ids(sheet: RegisterSheet, sketch: Sketch, end: DataEnd, scheme: IdScheme,
             wanted: Collection[str], floors: Mapping[int, int]) -> IdIndex:
    ids = IdIndex(scheme)
    shared = sketch.shared()
    for number, text in sheet.xml.column(sheet.layout.columns["id"], shared):
        text = text.strip()
        if number <= sheet.layout.header_row or (end.footer is not None
                                                 and number >= end.footer) or not text:
            continue
        ids.note(text)
        parsed = scheme.parse(text)
        if text in wanted or (parsed is not None and (parsed[0] or 0) in floors
                              and parsed[1] > floors[parsed[0] or 0]):
            ids.lines.setdefault(text, number)
    return ids
