"""Where a register's data ends, and which of its columns the office fills by formula.

Offices close their logs with a totals row: a row labelled « Total » / « TOTAL » / « Sous-total »,
a table's totals row, or formulas that count or sum the column above (``=COUNTA(A5:A9)``).
The data is what lies between the header and that row; new rows go under the last data row,
above the totals. Rows a person typed after a gap are data too. The sheet is read from the
bottom up, and only until the last data row is found.

A column is a formula column only when the office made it one: a table's calculated column,
or the same relative formula in the last data rows (a fill-down). A formula a person typed
once in the last row is theirs, and a new row takes the tool's value there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from automation.registers.xlsx.formulas import shift_formula
from automation.registers.xlsx.rows import Calculated, Layout, resolve_formula
from automation.registers.xlsx.sheet import CellXml, RowXml, SheetXml
from automation.text import fold

AGGREGATES: Final = frozenset({
    "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS",
    "COUNTBLANK", "AVERAGE", "AVERAGEA", "AVERAGEIF", "AVERAGEIFS", "SUBTOTAL", "AGGREGATE",
    "MIN", "MAX", "MEDIAN", "PRODUCT", "_XLFN.AGGREGATE", "_XLFN.MINIFS", "_XLFN.MAXIFS"})
_LABEL: Final = re.compile(r"^(?:sous )?(?:total|totaux|totale?s?)(?: [a-z0-9 ]{0,40})?$")
_CALL: Final = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_RANGE: Final = re.compile(r"\$?[A-Za-z]{1,3}\$?(\d{1,7}):\$?[A-Za-z]{1,3}\$?(\d{1,7})")
FILL_DOWN_LOOKBACK: Final = 5  # rows above the last data row searched for the same formula


@dataclass(frozen=True)
class DataEnd:
    """The last data row (``anchor``; the header row when there is none) and the first row of
    the totals block under it (``footer``, None when the log has none)."""

    anchor: int
    footer: int | None = None


def is_total_label(text: str) -> bool:
    return bool(_LABEL.match(fold(text)))


def find_end(sheet: SheetXml, shared: Sequence[str], layout: Layout, *,
             totals_row: int | None = None) -> DataEnd:
    """The data's last row and the totals row under it (see the module docstring)."""
    header = layout.header_row
    id_col = layout.columns.get("id")
    footer: int | None = None
    tentative: int | None = None  # a lone typed cell: a note under the totals, or data
    for row in reversed(sheet.rows):
        if row.number <= header:
            break
        if totals_row is not None and row.number > totals_row:
            continue  # under a table's totals row: never data
        cells = sheet.cells(row)
        typed = {c.col: c.text(shared).strip() for c in cells
                 if not c.has_formula and c.col in layout.headers and c.text(shared).strip()}
        if row.number == totals_row or _is_totals(sheet, row, cells, typed, shared, header,
                                                  id_col):
            footer, tentative = row.number, None
            continue
        if not typed:
            continue
        if footer is not None or (id_col is not None and id_col in typed) or len(typed) >= 2:
            return DataEnd(tentative or row.number, footer)
        tentative = tentative or row.number
    return DataEnd(tentative or header, footer)


def _is_totals(sheet: SheetXml, row: RowXml, cells: Sequence[CellXml],
               typed: Mapping[int, str], shared: Sequence[str], header: int,
               id_col: int | None) -> bool:
    labels = [col for col, text in typed.items() if is_total_label(text)]
    if not labels:
        labels = [c.col for c in cells if not c.has_formula and is_total_label(c.text(shared))]
    if labels:
        others = [col for col in typed if col not in labels]
        return len(others) <= 1
    if id_col is not None and id_col in typed:
        return False
    for cell in cells:
        text = resolve_formula(sheet, cell) if cell.has_formula else None
        if text and _aggregates_above(text, row.number, header):
            return len(typed) <= 1
    return False


def _aggregates_above(formula: str, row: int, header: int) -> bool:
    """True when ``formula`` counts or sums a range that lies in the rows above ``row``."""
    if not any(name.upper() in AGGREGATES for name in _CALL.findall(formula)):
        return False
    for match in _RANGE.finditer(formula):
        first, last = sorted((int(match[1]), int(match[2])))
        if first >= header and last < row:
            return True
    return False


def formula_columns(sheet: SheetXml, shared: Sequence[str], layout: Layout, template: RowXml,
                    calculated: Mapping[int, Calculated]) -> dict[int, Calculated]:
    """The columns a new row fills with the office's formula, and that formula."""
    found: dict[int, Calculated] = dict(calculated)
    cells = {c.col: c for c in sheet.cells(template)}
    wanted: dict[int, str] = {}
    for col, cell in cells.items():
        text = resolve_formula(sheet, cell) if cell.has_formula and col not in found else None
        if text is not None:
            wanted[col] = text
    if not wanted:
        return found
    for row in _rows_above(sheet, template.number, layout.header_row):
        above = {c.col: c for c in sheet.cells(row)}
        for col in list(wanted):
            mate = above.get(col)
            if mate is None or not mate.has_formula:
                continue
            text = resolve_formula(sheet, mate)
            if text is not None and shift_formula(text, rows=template.number - row.number) \
                    == wanted[col]:
                found[col] = Calculated(wanted.pop(col), template.number)
        if not wanted:
            break
    return found


def _rows_above(sheet: SheetXml, number: int, header: int) -> list[RowXml]:
    rows: list[RowXml] = []
    for offset in range(1, FILL_DOWN_LOOKBACK + 1):
        if number - offset <= header:
            break
        row = sheet.row(number - offset)
        if row is not None:
            rows.append(row)
    return rows
