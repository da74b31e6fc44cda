"""Splicing new rows into a register's sheet, and moving what must move with them.

One call plans the whole change of the package for an append: the new rows (shaped by
:mod:`.rows`, under the last data row found by :mod:`.footer`), the totals rows and what
follows them moved down (:mod:`.moves`), the sheet's dimension, formats, validations and
filters grown, its tables, its notes and pictures under the totals, the workbook's defined
names (print area) and the formulas of other sheets that point at the register. Each part
is edited as bytes; parts nothing points into are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from automation.records import CellValue
from automation.registers.xlsx.cells import CellWriter
from automation.registers.xlsx.footer import DataEnd, find_end, formula_columns
from automation.registers.xlsx.formulas import (
    MAX_ROW,
    RowMove,
    format_range,
    move_references,
    parse_range,
)
from automation.registers.xlsx.locate import JOURNAL_SHEET, RegisterSheet
from automation.registers.xlsx.moves import (
    Transform,
    mentions_sheet,
    move_comments,
    move_defined_names,
    move_drawing,
    move_table,
    move_tail,
    move_vml,
    references_at_or_below,
    rewrite_cells,
)
from automation.registers.xlsx.package import Package, PackageError, local, parse_xml
from automation.registers.xlsx.rows import Calculated, plan_append, template_row
from automation.registers.xlsx.sheet import Edit, SheetXml


@dataclass(frozen=True)
class Spliced:
    parts: dict[str, bytes]  # part name -> new bytes
    first: int  # row numbers of the new rows
    last: int


@dataclass(frozen=True)
class SplicePlan:
    """An append planned but not applied: the edits of the sheet part (checked), the new
    bytes of the other parts it changes, and the move of the rows under the new ones."""

    edits: list[Edit]
    parts: dict[str, bytes]  # the other parts (tables, workbook, other sheets)
    first: int
    last: int
    move: RowMove
    fixed: Transform  # what a data row's formulas become (references into moved rows move)


def read_tables(package: Package, sheet: RegisterSheet) -> None:
    """The sheet's tables on its header row: their parts, calculated columns, totals row."""
    for part in package.related(sheet.part, "table"):
        data = package.read(part)
        root = parse_xml(data, part)
        bounds = parse_range(root.get("ref", ""))
        if bounds is None or bounds[0] != sheet.layout.header_row:
            continue
        sheet.tables[part] = data
        if int(root.get("totalsRowCount", "0") or 0) > 0:
            sheet.totals_row = bounds[2]
        columns = [c for c in root.iter() if local(c.tag) == "tableColumn"]
        for offset, column in enumerate(columns):
            for child in column:
                if local(child.tag) == "calculatedColumnFormula" and child.text:
                    sheet.calculated[bounds[1] + offset] = Calculated(
                        child.text, sheet.layout.header_row + 1)


def data_end(package: Package, sheet: RegisterSheet) -> DataEnd:
    return find_end(sheet.xml, package.shared_strings(), sheet.layout,
                    totals_row=sheet.totals_row)


def splice_rows(package: Package, sheet: RegisterSheet, rows: Sequence[Mapping[int, CellValue]],
                writer: CellWriter, *, forced: frozenset[int] = frozenset(),
                register: bool = True) -> Spliced:
    """Every part an append of ``rows`` (column -> value) changes, with its new bytes.

    ``register`` is False for the Journal sheet: no totals row, nothing points at it.
    """
    plan = plan_splice(package, sheet, rows, writer, forced=forced, register=register)
    parts = {sheet.part: sheet.xml.apply(plan.edits), **plan.parts}
    return Spliced(parts, plan.first, plan.last)


def plan_splice(package: Package, sheet: RegisterSheet, rows: Sequence[Mapping[int, CellValue]],
                writer: CellWriter, *, forced: frozenset[int] = frozenset(),
                register: bool = True) -> SplicePlan:
    """The edits of :func:`splice_rows`, not applied: ``sheet.xml`` may be a sketch
    (:mod:`.sketch`), whose rows left out are data rows that only ``plan.fixed`` can touch."""
    shared = package.shared_strings()
    xml, layout = sheet.xml, sheet.layout
    if register:
        read_tables(package, sheet)
        end = data_end(package, sheet)
    else:
        end = find_end(xml, shared, layout)
    template = template_row(xml, layout, end.anchor, end.footer)
    formulas = (formula_columns(xml, shared, layout, template, sheet.calculated)
                if template is not None and end.anchor > layout.header_row
                else dict(sheet.calculated))
    last = end.anchor + len(rows)
    footer = end.footer
    by = max(0, last - footer + 1) if footer is not None else 0
    move = RowMove(anchor=max(end.anchor, layout.header_row + 1), last=last,
                   at=footer if footer is not None else MAX_ROW + 1, by=by)
    if by and xml.rows and xml.rows[-1].number + by > MAX_ROW:
        raise PackageError("the rows under the totals would be pushed off the sheet")

    def fixed(text: str) -> str:  # data rows: references to moved rows move, nothing grows
        return move_references(text, move, sheet=sheet.name, implicit=True, grow=False)

    def grown(text: str) -> str:  # around the data: ranges covering it grow too
        return move_references(text, move, sheet=sheet.name, implicit=True, grow=True)

    plan = plan_append(xml, shared, layout, rows, writer, anchor=end.anchor, footer=footer,
                       formulas=formulas, forced=forced, relocate=fixed if by else None)
    edits = list(plan.edits)
    if register:
        edits.extend(_around_the_data(xml, layout.header_row, end, move, fixed, grown))
    dimension = xml.dimension()
    if dimension is not None:
        ref, start, stop = dimension
        bounds = parse_range(ref)
        if bounds is not None:
            bottom = max(move.row(bounds[2]), plan.last)
            right = max(bounds[3], *layout.headers)
            grown_ref = format_range(bounds[0], bounds[1], bottom, right)
            if grown_ref != ref:
                edits.append(Edit(start, stop, grown_ref.encode()))
    tail_start, tail_end = xml.tail()
    tail = xml.data[tail_start:tail_end]
    moved_tail = move_tail(tail, move, sheet=sheet.name)
    if moved_tail != tail:
        edits.append(Edit(tail_start, tail_end, moved_tail))
    xml.check(edits)
    parts: dict[str, bytes] = {}
    for part, data in sheet.tables.items():
        table = move_table(data, move, header_row=layout.header_row)
        if table != data:
            parts[part] = table
    if register:
        parts.update(_pointing_parts(package, sheet, move))
    if move.by:
        parts.update(_moved_annotations(package, sheet.part, move))
    return SplicePlan(edits, parts, plan.first, plan.last, move, fixed)


def _around_the_data(xml: SheetXml, header: int, end: DataEnd, move: RowMove,
                     fixed: Transform, grown: Transform) -> list[Edit]:
    """Edits of the rows above the data, of the totals block, and of data-row formulas that
    point into the totals block when it moves."""
    edits: list[Edit] = []
    for row in xml.rows:
        number = row.number
        if end.footer is not None and number >= end.footer:
            new = rewrite_cells(xml.data, row.start, row.end, grown, move=move, strip=True)
        elif number <= header:
            segment = xml.data[row.start:row.end]
            if b"<f" not in segment:
                continue
            new = rewrite_cells(xml.data, row.start, row.end, grown, strip=True)
        elif move.by and number <= end.anchor:
            segment = xml.data[row.start:row.end]
            if b"<f" not in segment or not references_at_or_below(segment, move.at):
                continue
            new = rewrite_cells(xml.data, row.start, row.end, fixed)
        else:
            continue
        if new != xml.data[row.start:row.end]:
            edits.append(Edit(row.start, row.end, new))
    return edits


def _moved_annotations(package: Package, part: str, move: RowMove) -> dict[str, bytes]:
    """The sheet's notes, comments, pictures and shapes on the moved rows, moved with them."""
    movers = (("comments", move_comments), ("threadedComment", move_comments),
              ("vmlDrawing", move_vml), ("drawing", move_drawing))
    parts: dict[str, bytes] = {}
    for kind, mover in movers:
        for target in package.related(part, kind):
            if not package.has(target):
                continue
            data = package.read(target)
            moved = mover(data, move)
            if moved != data:
                parts[target] = moved
    return parts


def _pointing_parts(package: Package, sheet: RegisterSheet, move: RowMove) -> dict[str, bytes]:
    """The workbook's defined names and the other sheets' formulas that point at the data."""
    parts: dict[str, bytes] = {}
    workbook = package.read(package.workbook_part)
    names = move_defined_names(workbook, move, sheet=sheet.name)
    if names != workbook:
        parts[package.workbook_part] = names

    def outside(text: str) -> str:
        return move_references(text, move, sheet=sheet.name, implicit=False, grow=True)

    for entry in package.sheets():
        if entry.part == sheet.part or entry.name == JOURNAL_SHEET:
            continue
        data = package.read(entry.part)
        if b"<f" not in data or not mentions_sheet(data, sheet.name):
            continue
        other = SheetXml(data, entry.part)
        new = rewrite_cells(data, other.data_start, other.data_end, outside)
        if new != data[other.data_start:other.data_end]:
            parts[entry.part] = data[:other.data_start] + new + data[other.data_end:]
    return parts
