"""An append that streams the register's sheet in and out, never holding it whole.

One pass over the sheet part (:func:`~.scan.scan_register`) gives its header, the highest
id of each year, the rows of the ids being written, and a *sketch* (:mod:`.sketch`): head,
first rows, the last rows from the last data row down, and tail. The append is planned on
the sketch exactly as on the whole part (:func:`~.splice.plan_splice`); its edits are cut
into the pieces of the sketch they change (:class:`~.sketch.Segments`). The new package is
then written in one go (:func:`write_streamed`): the sheet part read again in chunks, each
row either the sketch's new version of it or copied as it is (its formulas moved when they
point into rows that moved down), deflated as it goes; the ``Journal`` sheet the same way;
the small parts the append changes (tables, workbook, styles) as bytes; every other member
copied as it is stored, without inflating it. The register's middle rows, between its first
rows and the sketch's, are measured as they are copied (:class:`~.memo.Region`): the memo
the next append reads them with (:meth:`StreamedAppend.memos`). The deflate stream is flushed
in full where they begin and end, so that the next append, with that memo, copies their
compressed bytes as they are (:class:`~.zipio.Stored`) instead of inflating and deflating
them again: an append then inflates and deflates only the first and the last rows.

When the sketch cannot decide (its window begins on a row that is not data, an edit spans
two of its pieces, a column is lost), :class:`Unstreamable` is raised before anything is
written, and the caller reads the whole part instead (which also gives the error of a lost
column or a broken part in its own words).
"""

from __future__ import annotations

import logging
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from automation.clock import paris_naive
from automation.errors import RegisterError
from automation.records import CellValue, ChangeNote, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.xlsx.cells import CellWriter
from automation.registers.xlsx.identity import (
    Renumber,
    filled,
    joined,
    renamed_notes,
    row_cells,
    sort_out,
)
from automation.registers.xlsx.journal_scan import scan_journal
from automation.registers.xlsx.locate import RegisterSheet
from automation.registers.xlsx.memo import Region, ScanMemo, without_middle
from automation.registers.xlsx.middle import SpooledMiddle
from automation.registers.xlsx.moves import Transform, references_at_or_below, rewrite_cells
from automation.registers.xlsx.package import Package, PackageError
from automation.registers.xlsx.readback import extract
from automation.registers.xlsx.rows import Layout
from automation.registers.xlsx.scan import SketchTooShort, part_stream, scan_register
from automation.registers.xlsx.sheet import SheetXml
from automation.registers.xlsx.sketch import Segments, Sketch
from automation.registers.xlsx.splice import SplicePlan, plan_splice
from automation.registers.xlsx.stream import SKIPPED, SheetStream, Skip
from automation.registers.xlsx.styles import StyleBook
from automation.registers.xlsx.zipio import (
    CHUNK,
    Flush,
    PackageWriter,
    Piece,
    ZipStreamError,
)

log = logging.getLogger(__name__)


class Unstreamable(Exception):
    """This append cannot be decided on the sketch: the whole sheet part is read instead."""


@dataclass(frozen=True)
class StreamedPart:
    """A sheet part to write streaming: the new bytes of the sketch's pieces it changes
    (0 the head, a row number, -1 the tail), and what becomes of the other rows' formulas."""

    sketch: Sketch
    pieces: dict[int, bytes]
    fixed: Transform | None = None  # applied to a left-out row's formulas that reach ``at``
    at: int = 0
    memo: ScanMemo | None = None  # the middle rows, copied as bytes without being cut
    middle: SpooledMiddle | None = None  # or deflated already, as the scan read them
    region: Region | None = None  # measured as the part is written, for the next memo
    highest: Mapping[int, int] = field(default_factory=dict)  # for that memo: the sheet's ids
    masters: Mapping[str, tuple[int, str, str]] = field(default_factory=dict)  # si -> row…

    def new_sketch(self) -> SheetXml:
        """The sketch as it is once the edits are applied."""
        sketch = self.sketch
        rows = [self.pieces.get(p.number, p.lead + p.data) for p in sketch.rows]
        return SheetXml(self.pieces.get(0, sketch.head) + b"".join(rows)
                        + self.pieces.get(-1, sketch.tail), sketch.part)


@dataclass
class StreamedAppend:
    """An append planned on sketches: the ids it writes, and the package's changes."""

    written: tuple[str, ...]
    present: tuple[str, ...]
    renamed: dict[str, str]
    replaced: dict[str, bytes] = field(default_factory=dict)
    streamed: dict[str, StreamedPart] = field(default_factory=dict)
    part: str = ""  # the register's sheet part
    # Its header rows and new rows alone, to read them back (:mod:`.readback`); None when
    # the sheet had no row under its header (``only``): the register is read as written.
    extracted: bytes | None = None
    strings_part: str | None = None  # the workbook's string table
    only: bool = False  # the sheet had no row under its header: the new rows are all it holds
    journal_part: str = ""  # the ``Journal`` sheet's part, when lines go to it

    def take_extracted(self) -> bytes:
        """:attr:`extracted`, no longer held here."""
        extracted, self.extracted = self.extracted, None
        assert extracted is not None
        return extracted

    def memos(self, done: zipfile.ZipFile) -> dict[str, ScanMemo | None]:
        """The memos of the register's part and of its ``Journal`` sheet's once written
        (``done``: the new zip), by the part's role (``register``, ``journal``); None for
        a part whose middle rows could not be measured."""
        found: dict[str, ScanMemo | None] = {}
        for role, name in (("register", self.part), ("journal", self.journal_part)):
            streamed = self.streamed.get(name)
            if name and streamed is not None and streamed.region is not None:
                found[role] = streamed.region.memo(done.getinfo(name), highest=streamed.highest,
                                                   masters=streamed.masters)
        return found


def journal_rows(notes: Sequence[ChangeNote], layout: Layout) -> list[dict[int, CellValue]]:
    """The ``Journal`` sheet's new lines (column -> value) for ``notes``."""
    rows: list[dict[int, CellValue]] = []
    for note in notes:
        values: dict[str, CellValue] = {
            "when": paris_naive(note.when), "action": note.action, "source": note.source,
            "record_id": note.record_id, "detail": note.detail}
        rows.append({layout.columns[k]: v for k, v in values.items() if k in layout.columns})
    return rows


def plan_streamed(binding: RegisterBinding, package: Package, styles: StyleBook,
                  rows: Sequence[StoredRow], notes: Sequence[ChangeNote],
                  renumber: Renumber | None, *, memo: ScanMemo | None = None,
                  journal_memo: ScanMemo | None = None) -> StreamedAppend:
    """Plan the append of ``rows`` (see the module docstring), with the register's ``memo``
    and its ``Journal`` sheet's when the tool kept them; raises :class:`Unstreamable`."""
    try:
        return _plan(binding, package, styles, rows, notes, renumber, memo, journal_memo)
    except (SketchTooShort, PackageError, ZipStreamError, RegisterError) as exc:
        raise Unstreamable(str(exc)) from exc


def _plan(binding: RegisterBinding, package: Package, styles: StyleBook,
          rows: Sequence[StoredRow], notes: Sequence[ChangeNote],
          renumber: Renumber | None, memo: ScanMemo | None,
          journal_memo: ScanMemo | None) -> StreamedAppend:
    scanned = scan_register(package, package.archive, binding,
                            wanted=[row.record_id for row in rows], memo=memo, spool=True)
    sheet = scanned.sheet
    if any(filled(row.values.get(k)) for k in sheet.missing for row in rows):
        raise Unstreamable("a column the rows fill is lost")  # the whole path says which
    todo, present, renamed = sort_out(binding, package, sheet, scanned.ids.lines, rows, renumber,
                                      highest_of=scanned.ids.highest)
    notes = renamed_notes(notes, present, renamed)
    planned = StreamedAppend((), tuple(present), renamed)
    if not todo and not notes:
        return planned
    writer = CellWriter(styles, prefix=sheet.xml.prefix, date1904=package.date1904())
    if todo:
        values: list[dict[int, CellValue]] = []
        for row in todo:
            cells, unplaced = row_cells(binding, sheet, row)
            values.append(cells)
            if unplaced:
                notes = [replace(n, detail=joined(n.detail, unplaced))
                         if n.record_id == row.record_id else n for n in notes]
        plan = plan_splice(package, sheet, values, writer,
                           forced=frozenset({sheet.layout.columns["id"]}))
        del values  # the new rows are bytes in the plan now: their cells are let go
        part = _streamed_part(sheet, scanned.sketch, plan, register=True)
        first, last = plan.first, plan.last
        planned.replaced.update(plan.parts)
        del plan  # its edits are in the part's pieces now: one copy of the new rows is held
        # With a memo, the middle rows are copied as bytes even when rows move: the memo was
        # made by a write that moved them the same way and copied every middle row unchanged
        # (a middle row whose formulas follow the moved rows spoils the region, no memo).
        # The middle rows deflated by the scan are copied unless rows move and they hold
        # formulas, which may name a row that moves (then each is looked at as it is written).
        middle = scanned.middle
        if middle is not None and part.fixed is not None and middle.formulas:
            middle = None
        planned.streamed[sheet.part] = replace(
            part, memo=scanned.memo, middle=middle, region=Region(scanned.sketch.numbers()),
            highest=dict(scanned.ids.highest_by), masters=_masters(scanned.sketch))
        planned.written = tuple(r.record_id for r in todo)
        planned.part = sheet.part
        header = sheet.layout.header_row
        planned.only = scanned.sketch.last_number <= header and first == header + 1
        if not planned.only:  # else the sheet written holds the header and these rows alone
            planned.extracted = extract(planned.streamed[sheet.part].new_sketch(),
                                        package.shared_strings(), header=header,
                                        first=first, last=last)
            planned.strings_part = next(iter(package.related(package.workbook_part,
                                                             "sharedStrings")), None)
    if notes:
        _plan_journal(package, notes, writer.styles, planned, journal_memo)
    return planned


def _masters(sketch: Sketch) -> dict[str, tuple[int, str, str]]:
    return {si: (sketch.master_rows.get(si, 0), *found) for si, found in sketch.masters.items()}


def _plan_journal(package: Package, notes: Sequence[ChangeNote], styles: StyleBook,
                  planned: StreamedAppend, memo: ScanMemo | None) -> None:
    journal = scan_journal(package, package.archive, memo=memo)
    if journal is None:
        return
    layout = journal.sheet.layout
    writer = CellWriter(styles, prefix=journal.sheet.xml.prefix, date1904=package.date1904())
    plan = plan_splice(package, journal.sheet, journal_rows(notes, layout), writer,
                       register=False)
    part = _streamed_part(journal.sheet, journal.sketch, plan, register=False)
    planned.streamed[journal.part] = replace(part, memo=journal.memo,
                                             region=Region(journal.sketch.numbers()),
                                             masters=_masters(journal.sketch))
    planned.journal_part = journal.part


def _streamed_part(sheet: RegisterSheet, sketch: Sketch, plan: SplicePlan, *,
                   register: bool) -> StreamedPart:
    if len(sketch.numbers()) != len(sketch.rows):
        raise Unstreamable(f"part {sketch.part}: two rows share a number")
    pieces = Segments(sketch, sheet.xml).apply(plan.edits)
    if register and plan.move.by:
        return StreamedPart(sketch, pieces, plan.fixed, plan.move.at)
    return StreamedPart(sketch, pieces)


def part_chunks(path: Path, archive: zipfile.ZipFile,
                part: StreamedPart) -> Iterator[Piece]:
    """The new bytes of a streamed sheet part, in chunks of about :data:`~.zipio.CHUNK`, with
    the full flushes its region asks for; with a memo of where the middle rows are stored,
    those rows as their stored bytes (:mod:`.memo`), and with the middle rows the scan
    deflated, those bytes (:mod:`.middle`)."""
    info = archive.getinfo(part.sketch.part)
    memo, region, middle = part.memo, part.region, part.middle
    stored = memo.copied(path, info) if memo is not None and memo.stored(info) else None
    if stored is not None:
        assert memo is not None
        stream = SheetStream(without_middle(path, info, memo), info.filename)
        skip: Skip | None = Skip(memo.after, memo.until, 0)
    else:
        stream = part_stream(archive, part.sketch.part)
        skip = None if memo is None else Skip(memo.after, memo.until, memo.skipped)
    if middle is not None:
        skip = Skip(middle.after, middle.until, middle.deflated.size)
        log.debug("%s: %d middle rows copied as the scan deflated them", info.filename,
                  middle.count)
    passed = 0  # CRC-32 of the middle rows passed over, to check against the scan's
    given = False  # the scan's deflated rows were given out
    if stream.head != part.sketch.head:
        raise PackageError(f"part {part.sketch.part} changed since it was read")
    yield part.pieces.get(0, stream.head)
    kept = part.sketch.numbers()
    batch: list[bytes] = []
    size = 0
    flushed = False  # the last thing given out was a full flush
    for piece in stream.rows(skip):
        if piece.number == SKIPPED:
            data = piece.data
            if middle is not None:  # the scan's deflated rows stand for them, checked
                passed = zlib.crc32(data, passed)
                if not given:
                    yield from _deflated_middle(batch, flushed, middle, region)
                    batch, size, flushed, given = [], 0, True, True
                continue
            if stored is not None:
                if batch:
                    yield b"".join(batch)
                    batch, size = [], 0
                if not flushed:
                    yield Flush()
                yield stored
                if region is not None:
                    region.stored(stored, memo.count if memo is not None else 0)
                stored = memo = None
                continue
            if region is not None:
                region.skipped(data, memo.count if memo is not None else 0)
            memo = None  # counted once; the bytes below add to the size
        else:
            new = part.pieces.get(piece.number) if piece.number in kept else None
            copied = new is None
            data = piece.lead + piece.data if new is None else new
            if (new is None and part.fixed is not None and piece.number not in kept
                    and b"<f" in data and references_at_or_below(data, part.at)):
                data = rewrite_cells(data, 0, len(data), part.fixed)
                copied = False
            cut = region.row(piece.number, data, copied=copied) if region is not None else None
            if cut is not None:
                at, flush = cut
                batch.append(data[:at])
                yield b"".join(batch)
                yield flush
                flushed = at == len(data)
                batch, size = [data[at:]], len(data) - at
                continue
        if data:
            flushed = False
        batch.append(data)
        size += len(data)
        if size >= CHUNK:
            yield b"".join(batch)
            batch, size = [], 0
    yield b"".join(batch)
    if skip is not None and not skip.done:
        raise PackageError(f"part {part.sketch.part}: row {skip.until} was not found again")
    if middle is not None and passed != middle.deflated.crc:
        raise PackageError(f"part {part.sketch.part} changed since it was read")
    yield part.pieces.get(-1, stream.tail)


def _deflated_middle(batch: list[bytes], flushed: bool, middle: SpooledMiddle,
                     region: Region | None) -> Iterator[Piece]:
    """What goes before the middle rows the scan deflated (``flushed``: the last thing given
    out was a full flush), then those rows."""
    if batch:
        yield b"".join(batch)
    if not flushed:
        yield Flush()
    yield middle.deflated
    if region is not None:
        region.stored(middle.deflated, middle.count)


def write_streamed(source: Path, target: Path, replaced: Mapping[str, bytes],
                   streamed: Mapping[str, StreamedPart]) -> None:
    """Write ``target``: the members of ``source`` in their order, ``streamed`` parts
    rewritten as they are read, ``replaced`` ones swapped, the others copied as stored."""
    unknown = set(replaced) | set(streamed)
    try:
        with zipfile.ZipFile(source) as original, PackageWriter(target) as out:
            for info in original.infolist():
                name = info.filename
                unknown.discard(name)
                if name in streamed and info.compress_type == zipfile.ZIP_DEFLATED:
                    out.deflated(info, part_chunks(source, original, streamed[name]))
                elif name in streamed:  # stored otherwise (not compressed): kept so
                    out.stream(info, (piece for piece in part_chunks(source, original,
                                                                     streamed[name])
                                      if isinstance(piece, bytes)))
                elif name in replaced:
                    out.data(info, replaced[name])
                else:
                    out.copy(source, original, info)
    except ZipStreamError as exc:
        raise PackageError(str(exc)) from exc
    if unknown:
        raise PackageError(f"parts not in the package: {', '.join(sorted(unknown))}")
