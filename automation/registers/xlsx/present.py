"""Is a row already in the sheet? Decided by its content, never by its id alone.

After a crash between the workbook write and the journal's note of it, the same rows are
appended again and must be recognised. A person may also have typed a row under the id the
journal handed out meanwhile (« REC-2026-0004 » for a phone call): that row is theirs, and the
tool's row is written under the next free id. A row counts as already present when every cell
the tool would write holds what it would write there.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import date

from automation.records import CellValue
from automation.registers.xlsx.cells import excel_serial
from automation.registers.xlsx.sheet import RowXml, SheetXml
from automation.text import clean_text


def written_text(value: CellValue, *, date1904: bool = False) -> str | None:
    """The text of the cell the writer makes for ``value`` (None for an empty one)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date):
        return _number(excel_serial(value, date1904=date1904))
    if isinstance(value, int | float):
        return _number(float(value)) if math.isfinite(value) else None
    text = clean_text(str(value))
    return text or None


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def holds(sheet: SheetXml, row: RowXml, shared: Sequence[str], cells: Mapping[int, CellValue],
          *, skip: Collection[int] = (), date1904: bool = False) -> bool:
    """True when ``row`` holds every value of ``cells`` (column -> value) outside ``skip``."""
    current = {c.col: c for c in sheet.cells(row)}
    compared = 0
    for col, value in cells.items():
        expected = written_text(value, date1904=date1904)
        if col in skip or expected is None:
            continue
        here = current.get(col)
        if here is None or here.has_formula:
            return False
        found = here.text(shared)
        if found != expected and not _same_number(found, expected):
            return False
        compared += 1
    return compared > 0


def _same_number(found: str, expected: str) -> bool:
    try:
        return math.isclose(float(found), float(expected), abs_tol=1e-6)
    except ValueError:
        return False
