"""Rows of a register sheet: its header, its last data row, and new rows shaped like it.

A new row copies the last data row: the same format in every column, the office's formula
where the column is a formula column (moved down as Excel's fill-down moves it; see
:mod:`.footer`), and the row's own attributes (height, outline). Rows below the data that are
only formatted are reused in place, up to a totals row; the rest go above it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from automation.records import CellValue
from automation.registers.xlsx.cells import CellWriter
from automation.registers.xlsx.formulas import MAX_ROW, column_letters, shift_formula, split_cell
from automation.registers.xlsx.package import PackageError
from automation.registers.xlsx.package import xml_unescape as unescape
from automation.registers.xlsx.sheet import CellXml, Edit, RowXml, SheetXml, parse_attrs
from automation.text import fold

HEADER_SCAN_ROWS: Final = 30
_CACHED_VALUE: Final = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)v\s*>.*?</(?P=p)v\s*>|"
                                  rb"<(?:[A-Za-z_][\w.-]*:)?v\s*/>", re.DOTALL)
_TYPE_ATTR: Final = re.compile(rb"\st=\"[^\"]*\"")


@dataclass(frozen=True)
class Layout:
    """Where a register's header is, and which column holds each field."""

    header_row: int
    columns: Mapping[str, int]  # field key -> column number
    headers: Mapping[int, str] = field(default_factory=dict)  # column -> header text


@dataclass(frozen=True)
class Calculated:
    """A table's calculated column: its formula as written for ``origin_row``."""

    formula: str
    origin_row: int


@dataclass(frozen=True)
class AppendPlan:
    edits: tuple[Edit, ...]
    anchor: int  # the row the new ones were shaped on (ranges covering it grow)
    first: int
    last: int


def find_layout(sheet: SheetXml, shared: Sequence[str], wanted: Mapping[str, str],
                *, scan: int = HEADER_SCAN_ROWS) -> Layout | None:
    """The row among the first ``scan`` that names most of ``wanted`` (field key -> header)."""
    targets: dict[str, str] = {}
    for key, header in wanted.items():
        targets.setdefault(fold(header), key)
    best: Layout | None = None
    for row in sheet.rows:
        if row.number > scan:
            break
        texts = ((c.col, c.text(shared).strip()) for c in sheet.cells(row))
        headers = {col: text for col, text in texts if text}
        columns: dict[str, int] = {}
        for col, text in sorted(headers.items()):
            found = targets.get(fold(text))
            if found is not None and found not in columns:
                columns[found] = col
        if columns and (best is None or len(columns) > len(best.columns)):
            best = Layout(row.number, columns, headers)
    return best


def resolve_formula(sheet: SheetXml, cell: CellXml) -> str | None:
    """The formula of ``cell`` as text, a shared formula's follower included."""
    attrs = cell.formula_attrs
    if attrs is None or attrs.get("t") == "dataTable":
        return None
    if cell.formula:
        return cell.formula
    if attrs.get("t") != "shared" or "si" not in attrs:
        return None
    target = split_cell(cell.attrs.get("r", ""))
    if sheet.masters is not None:
        found = sheet.masters.get(attrs["si"])
        where = split_cell(found[0]) if found is not None else None
        if found is None or where is None or target is None:
            return None
        return shift_formula(found[1], rows=target[0] - where[0], cols=target[1] - where[1])
    master = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)f(?=\s)(?P<a>[^>]*\bsi=\""
                        + attrs["si"].encode() + rb"\"[^>]*)>(?P<t>[^<]+)</(?P=p)f\s*>")
    for match in master.finditer(sheet.data, sheet.data_start, sheet.data_end):
        if parse_attrs(match["a"]).get("t") != "shared":
            continue
        opening = sheet.data.rfind(b"<" + sheet.prefix.encode() + b"c ", 0, match.start())
        where = split_cell(parse_attrs(sheet.data[opening:match.start()]).get("r", ""))
        if where is None or target is None:
            return None
        return shift_formula(unescape(match["t"].decode()), rows=target[0] - where[0],
                             cols=target[1] - where[1])
    return None


def template_row(sheet: SheetXml, layout: Layout, anchor: int,
                 footer: int | None) -> RowXml | None:
    """The row new rows are shaped on: the last data row, or the formatted row under an empty
    header (never the header itself, never a totals row)."""
    if anchor > layout.header_row:
        return sheet.row(anchor)
    below = layout.header_row + 1
    return sheet.row(below) if footer is None or below < footer else None


def plan_append(sheet: SheetXml, shared: Sequence[str], layout: Layout,
                rows: Sequence[Mapping[int, CellValue]], writer: CellWriter, *,
                anchor: int, footer: int | None = None,
                formulas: Mapping[int, Calculated] | None = None,
                forced: frozenset[int] = frozenset(),
                relocate: Callable[[str], str] | None = None) -> AppendPlan:
    """The edits that put ``rows`` (column -> value) under row ``anchor``, the last data row.

    Rows under it that are only formatted are reused, up to the totals row ``footer``; the
    rest are inserted above that row (the caller moves it and what follows). A column of
    ``formulas`` gets the office's formula moved down (``relocate`` first moves its
    references to rows that moved), unless it is in ``forced``: those take the value given.
    """
    template = template_row(sheet, layout, anchor, footer)
    shape = _Shape.of(sheet, layout, template, writer, formulas or {}, forced, relocate)
    edits: list[Edit] = []
    inserted: dict[int, io.BytesIO] = {}  # the new rows' XML, by where it goes (one copy)
    first = anchor + 1
    limit = footer if footer is not None else MAX_ROW + 1
    attrs = {k: v for k, v in (template.attrs if template else {}).items()
             if k not in {"r", "hidden", "collapsed"}}
    openings: dict[tuple[int, int], str] = {}  # the <row> attributes, by span of cells
    moved = sheet.row(footer) if footer is not None else None
    for offset, values in enumerate(rows):
        number = first + offset
        existing = sheet.row(number) if number < limit else None
        if existing is not None:
            cells = shape.cells_over(existing, number, values, shared)
            edits.append(Edit(existing.start, existing.end,
                              merge_row(sheet, existing, cells, writer)))
            continue
        cells = shape.new_cells(number, values)
        span = (min(cells, default=0), max(cells, default=0))
        opening = openings.get(span)
        if opening is None:
            spanned = dict(attrs)
            _fit_spans(spanned, cells)
            opening = openings[span] = writer.attributes(spanned)
        ahead = moved is not None and footer is not None and number >= footer
        position = moved.start if ahead and moved is not None else sheet.insertion_point(number)
        if position not in inserted:
            inserted[position] = io.BytesIO()
        inserted[position].write(writer.rendered_row(number, opening, list(cells.values())))
    edits.extend(Edit(position, position, data.getvalue()) for position, data in inserted.items())
    return AppendPlan(tuple(edits), anchor, first, first + len(rows) - 1)


@dataclass(frozen=True)
class _Column:
    """One column of a new row: its letters, its cells' format, its formula when it is a
    formula column (relocated, and the row it is written for), whether it keeps a blank
    formatted cell."""

    col: int
    letters: str
    style: str | None
    formula: tuple[str, int] | None
    framed: bool


@dataclass(frozen=True)
class _Shape:
    """What every new row takes from the row it is shaped on, decided once per column: its
    cells' formats, the formula columns (their formula already relocated), the columns that
    keep a blank formatted cell, and each column's letters."""

    sheet: SheetXml
    writer: CellWriter
    row_style: str | None  # the template row's own format, when it has one
    shaped: frozenset[int]  # the template's columns
    framed: frozenset[int]  # those and the columns added on its right: kept formatted
    formulas: dict[int, tuple[str, int]]  # column -> (relocated formula, the row it is for)
    columns: frozenset[int]  # the columns every new row has a say in
    order: tuple[int, ...]  # the same, in order
    styles: dict[int, str | None] = field(default_factory=dict)  # a new cell's, by column
    letters: dict[int, str] = field(default_factory=dict)
    # The columns of a new row in order, each with what decides its cell (:meth:`_planned`)
    planned: dict[tuple[int, ...], tuple[_Column, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, sheet: SheetXml, layout: Layout, template: RowXml | None, writer: CellWriter,
           formulas: Mapping[int, Calculated], forced: frozenset[int],
           relocate: Callable[[str], str] | None) -> _Shape:
        shape = {c.col: c for c in sheet.cells(template)} if template else {}
        row_style = None
        if template is not None and template.attrs.get("customFormat") in {"1", "true"}:
            row_style = template.attrs.get("s")
        # Columns added to the right of the office's last one have no cell to copy in the
        # row above: they take the look of its last cell (its borders, not a date format).
        edge = max(shape, default=0)
        borrowed = shape[edge].style if edge else None
        if writer.styles.is_date(borrowed):
            borrowed = None
        added = {col for col in layout.headers if col > edge} if edge else set()
        relocated = {col: (relocate(calc.formula) if relocate is not None else calc.formula,
                           calc.origin_row)
                     for col, calc in formulas.items() if col not in forced}
        columns = frozenset(shape) | frozenset(formulas) | added
        made = cls(sheet, writer, row_style, frozenset(shape), frozenset(shape) | added,
                   relocated, columns, tuple(sorted(columns)))
        for col, cell in shape.items():
            made.styles[col] = cell.style
        for col in added - set(shape):
            made.styles[col] = row_style or sheet.column_style(col) or borrowed
        return made

    def style(self, col: int) -> str | None:
        """The format of a new cell in column ``col`` of a new row."""
        if col not in self.styles:
            self.styles[col] = self.row_style or self.sheet.column_style(col)
        return self.styles[col]

    def ref(self, col: int, line: str) -> str:
        """The reference of the cell in column ``col`` of row ``line``."""
        letters = self.letters.get(col)
        if letters is None:
            letters = self.letters[col] = column_letters(col)
        return letters + line

    def order_of(self, values: Mapping[int, CellValue]) -> Sequence[int]:
        if values.keys() <= self.columns:
            return self.order
        return sorted(self.columns | values.keys())

    def _planned(self, order: Sequence[int]) -> tuple[_Column, ...]:
        """The columns of ``order``, each with its letters, format, formula and whether it
        keeps a blank formatted cell: decided once for every new row of that shape."""
        key = tuple(order)
        found = self.planned.get(key)
        if found is None:
            found = self.planned[key] = tuple(
                _Column(col, self.ref(col, ""), self.style(col), self.formulas.get(col),
                        col in self.framed) for col in key)
        return found

    def new_cells(self, number: int, values: Mapping[int, CellValue]) -> dict[int, bytes]:
        """The cells of new row ``number`` (column -> <c>), in column order."""
        writer = self.writer
        value_of = writer.value
        cells: dict[int, bytes] = {}
        line = str(number)
        for column in self._planned(self.order_of(values)):
            col, style = column.col, column.style
            ref = column.letters + line
            if column.formula is not None:
                text = shift_formula(column.formula[0], rows=number - column.formula[1])
                cells[col] = writer.formula(ref, text, style)
                continue
            value = values.get(col)
            if value is not None:
                cells[col] = value_of(ref, value, style)
            elif style and column.framed:
                cells[col] = writer.blank(ref, style)
        return cells

    def cells_over(self, existing: RowXml, number: int, values: Mapping[int, CellValue],
                   shared: Sequence[str]) -> dict[int, bytes]:
        """The cells to put in ``existing``, a row below the data that is only formatted
        (column -> new <c>); a row the office formatted ahead keeps its formats."""
        sheet, writer = self.sheet, self.writer
        current = {c.col: c for c in sheet.cells(existing)}
        cells: dict[int, bytes] = {}
        for col in self.order_of(values):
            ref = self.ref(col, str(number))
            here = current.get(col)
            style = self.style(col)
            if here is not None and here.style and not (
                    col in self.shaped and writer.styles.is_plain(here.style)):
                style = here.style
            value = values.get(col)
            found = self.formulas.get(col)
            if found is not None:
                if here is not None and here.has_formula:
                    cells[col] = _without_cached_value(sheet.data[here.start:here.end])
                else:
                    text = shift_formula(found[0], rows=number - found[1])
                    cells[col] = writer.formula(ref, text, style)
            elif value is not None:
                if here is not None and (here.has_formula or here.text(shared).strip()):
                    raise PackageError(f"cell {ref} under the last row of the register is "
                                       "not empty; the new row would overwrite it")
                cells[col] = writer.value(ref, value, style)
            elif col in self.framed and style and (here is None or (
                    here.style != style and not here.has_formula
                    and not here.text(shared).strip())):
                cells[col] = writer.blank(ref, style)
        return cells


def merge_row(sheet: SheetXml, row: RowXml, cells: Mapping[int, bytes],
              writer: CellWriter) -> bytes:
    """``row`` with ``cells`` (column -> new <c>) put in place; other cells kept verbatim."""
    existing = sheet.cells(row)
    pieces: list[bytes] = []
    pending = sorted(cells)
    for cell in existing:
        while pending and pending[0] < cell.col:
            pieces.append(cells[pending.pop(0)])
        if pending and pending[0] == cell.col:
            pieces.append(cells[pending.pop(0)])
        else:
            pieces.append(sheet.data[cell.start:cell.end])
    pieces.extend(cells[col] for col in pending)
    attrs = dict(row.attrs)
    spans_before = attrs.get("spans")
    _fit_spans(attrs, {**{c.col: b"" for c in existing}, **cells})
    if row.body is not None and attrs.get("spans") == spans_before:
        opening = sheet.data[row.start:row.body[0]]
        trailer_start = existing[-1].end if existing else row.body[0]
        trailer = sheet.data[trailer_start:row.body[1]]
        closing = sheet.data[row.body[1]:row.end]
        return opening + b"".join(pieces) + trailer + closing
    return writer.row(row.number, attrs, pieces)


def _fit_spans(attrs: dict[str, str], cells: Mapping[int, bytes]) -> None:
    """Widen the row's ``spans`` hint when cells fall outside it."""
    if "spans" not in attrs or not cells:
        return
    low, _, high = attrs["spans"].partition(":")
    if not (low.isdigit() and high.isdigit()):
        del attrs["spans"]
        return
    first, last = min(int(low), *cells), max(int(high), *cells)
    attrs["spans"] = f"{first}:{last}"


def _without_cached_value(cell: bytes) -> bytes:
    """A formula cell without its cached result, so that it is computed again."""
    head, sep, rest = cell.partition(b">")
    if not sep or head.endswith(b"/"):
        return cell
    return _TYPE_ATTR.sub(b"", head) + b">" + _CACHED_VALUE.sub(b"", rest)
