"""Formula cells that carry no cached result, in a dropped .xlsx/.xlsm.

Workbooks written by web apps, scripts, openpyxl or xlsxwriter often store a formula with no
``<v>`` result; calamine then reads the cell as empty. A text such as ``=Facture en double``
typed into such a tool becomes that kind of cell. :func:`uncached_formulas` finds them, so that
intake keeps the formula's text as text — never executed, never a formula in a register — and
a row neither loses that text nor is refused for an "empty" required field.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Final

from automation.registers.xlsx.package import Package, PackageError
from automation.registers.xlsx.rows import resolve_formula
from automation.registers.xlsx.sheet import SheetXml

Position = tuple[int, int]  # (row, column), both 1-based as Excel numbers them
MAX_FOUND: Final = 100_000
_FORMULA_TAG: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")  # <f>, <f t=…/>, <x:f>
_PIECE: Final = 1 << 20
_OVERLAP: Final = 256  # longer than any tag the expression finds, with its namespace prefix


def uncached_formulas(data: bytes, sheet: str) -> dict[Position, str]:
    """``=formula`` text of every formula cell of ``sheet`` that has no cached result."""
    found: dict[Position, str] = {}
    try:
        with Package(io.BytesIO(data)) as package:
            part = package.sheet_part(sheet)
            if part is None or not _holds_formula(package, part):
                return found  # most exports: no formula at all, nothing to look at cell by cell
            xml = SheetXml(package.read(part), part)
            for row in xml.rows:
                for cell in xml.cells(row):
                    if cell.has_formula and not cell.value:
                        text = resolve_formula(xml, cell)
                        if text:
                            found[row.number, cell.col] = "=" + text
                            if len(found) >= MAX_FOUND:
                                return found
    except PackageError:
        return found  # calamine read the file; what it gave stands
    return found


def _holds_formula(package: Package, part: str) -> bool:
    """Whether ``part`` has a formula tag, read a piece at a time (the sheet of a
    20,000-row export is not held whole to find that it has none)."""
    try:
        with package.archive.open(part) as stream:
            tail = b""
            while chunk := stream.read(_PIECE):
                if _FORMULA_TAG.search(tail + chunk if tail else chunk):
                    return True
                tail = chunk[-_OVERLAP:]
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:  # zlib errors too
        raise PackageError(f"part {part} cannot be read: {exc}") from exc
    return False
