"""Rows of a register sheet: its header, its last data row, and new rows shaped like it.

A new row copies the last data row: the same format in every column, the same formula where
that row has one (moved down as Excel's fill-down moves it), and the row's own attributes
(height, outline). Rows below the data that are only formatted are reused in place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from automation.records import CellValue
from automation.registers.xlsx.cells import CellWriter
from automation.registers.xlsx.formulas import column_letters, shift_formula, split_cell
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


def last_data_row(sheet: SheetXml, shared: Sequence[str], layout: Layout) -> int:
    """The last row under the header with a typed value in a headed column (formulas aside)."""
    for row in reversed(sheet.rows):
        if row.number <= layout.header_row:
            break
        for cell in sheet.cells(row):
            if (cell.col in layout.headers and not cell.has_formula
                    and cell.text(shared).strip()):
                return row.number
    return layout.header_row


def resolve_formula(sheet: SheetXml, cell: CellXml) -> str | None:
    """The formula of ``cell`` as text, a shared formula's follower included."""
    attrs = cell.formula_attrs
    if attrs is None or attrs.get("t") == "dataTable":
        return None
    if cell.formula:
        return cell.formula
    if attrs.get("t") != "shared" or "si" not in attrs:
        return None
    master = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)f(?=\s)(?P<a>[^>]*\bsi=\""
                        + attrs["si"].encode() + rb"\"[^>]*)>(?P<t>[^<]+)</(?P=p)f\s*>")
    for match in master.finditer(sheet.data, sheet.data_start, sheet.data_end):
        if parse_attrs(match["a"]).get("t") != "shared":
            continue
        opening = sheet.data.rfind(b"<" + sheet.prefix.encode() + b"c ", 0, match.start())
        where = split_cell(parse_attrs(sheet.data[opening:match.start()]).get("r", ""))
        target = split_cell(cell.attrs.get("r", ""))
        if where is None or target is None:
            return None
        return shift_formula(unescape(match["t"].decode()), rows=target[0] - where[0],
                             cols=target[1] - where[1])
    return None


def plan_append(sheet: SheetXml, shared: Sequence[str], layout: Layout,
                rows: Sequence[Mapping[int, CellValue]], writer: CellWriter, *,
                calculated: Mapping[int, Calculated] | None = None,
                forced: frozenset[int] = frozenset()) -> AppendPlan:
    """The edits that put ``rows`` (column -> value) under the last data row.

    Columns in ``forced`` take the given value even where the row above has a formula.
    """
    anchor = last_data_row(sheet, shared, layout)
    template = sheet.row(anchor) if anchor > layout.header_row else sheet.row(anchor + 1)
    shape = {c.col: c for c in sheet.cells(template)} if template else {}
    origin = template.number if template else anchor + 1
    formulas: dict[int, Calculated] = {}
    for col, cell in shape.items():
        text = resolve_formula(sheet, cell)
        if text is not None:
            formulas[col] = Calculated(text, origin)
    for col, calc in (calculated or {}).items():
        formulas.setdefault(col, calc)
    row_style = None
    if template is not None and template.attrs.get("customFormat") in {"1", "true"}:
        row_style = template.attrs.get("s")
    edits: list[Edit] = []
    first = anchor + 1
    for offset, values in enumerate(rows):
        number = first + offset
        existing = sheet.row(number)
        current = {c.col: c for c in sheet.cells(existing)} if existing else {}
        cells: dict[int, bytes] = {}
        for col in sorted(set(shape) | set(values) | set(formulas)):
            ref = f"{column_letters(col)}{number}"
            here = current.get(col)
            style = here.style if here is not None and here.style else (
                shape[col].style if col in shape else row_style or sheet.column_style(col))
            value = values.get(col)
            if col in formulas and col not in forced:
                if here is not None and here.has_formula:
                    cells[col] = _without_cached_value(sheet.data[here.start:here.end])
                else:
                    calc = formulas[col]
                    text = shift_formula(calc.formula, rows=number - calc.origin_row)
                    cells[col] = writer.formula(ref, text, style)
            elif value is not None:
                if here is not None and (here.has_formula or here.text(shared).strip()):
                    raise PackageError(f"cell {ref} under the last row of the register is "
                                       "not empty; the new row would overwrite it")
                cells[col] = writer.value(ref, value, style)
            elif here is None and col in shape and style:
                cells[col] = writer.blank(ref, style)
        if existing is not None:
            edits.append(Edit(existing.start, existing.end,
                              merge_row(sheet, existing, cells, writer)))
        else:
            attrs = {k: v for k, v in (template.attrs if template else {}).items()
                     if k not in {"r", "hidden", "collapsed"}}
            _fit_spans(attrs, cells)
            position = sheet.insertion_point(number)
            edits.append(Edit(position, position,
                              writer.row(number, attrs, [cells[c] for c in sorted(cells)])))
    return AppendPlan(tuple(edits), anchor, first, first + len(rows) - 1)


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
