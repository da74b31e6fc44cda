"""How far the sheets of a dropped .xlsx/.xlsm reach, measured before calamine opens it.

calamine builds a sheet's whole range before it hands over a row: a 2 KB file with one cell at
XFD1048576, or a ``<dimension ref="A1:XFD1048576"/>``, asks for 512 GB and aborts the process
(PITFALLS.md). :func:`check_extent` reads each sheet's XML as a stream — its declared
dimension, the position of every row and cell (as calamine places a cell without a
reference: after the previous one) — and refuses the file when a sheet reaches beyond
``intake.max_rows`` rows or ``intake.max_cells`` cells counted from A1. The parser expands no
entity and fetches nothing.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from typing import IO, TYPE_CHECKING, Final

from lxml import etree

from automation.errors import IntakeError
from automation.intake import messages
from automation.registers.xlsx.package import Package, PackageError

if TYPE_CHECKING:
    from automation.intake.config import Intake

_NAMESPACES: Final = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                      "http://purl.oclc.org/ooxml/spreadsheetml/main")
_TAGS: Final = tuple(f"{{{ns}}}{tag}" for ns in _NAMESPACES for tag in ("dimension", "row", "c"))
_DIMENSION, _ROW, _CELL = "dimension", "row", "c"
_KINDS: Final = {f"{{{ns}}}{tag}": tag for ns in _NAMESPACES for tag in (_DIMENSION, _ROW, _CELL)}
_REFERENCE: Final = re.compile(r"^\$?([A-Za-z]{1,4})\$?([0-9]{1,9})$")
_SHEETS_FOLDER: Final = "xl/worksheets/"


@dataclass
class Extent:
    rows: int = 0  # the farthest row, from row 1
    columns: int = 0  # the farthest column, from column A
    cells: int = 0  # cells present in the XML

    @property
    def area(self) -> int:
        return self.rows * self.columns

    def reach(self, row: int, column: int) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)


def check_extent(data: bytes, limits: Intake, *, name: str) -> None:
    """Refuse (French :class:`IntakeError`) a workbook with a sheet too large to be read."""
    measure_extent(data, limits, name=name)


def measure_extent(data: bytes, limits: Intake, *, name: str) -> dict[str, Extent]:
    """How far each sheet part reaches (by part name); refused (French :class:`IntakeError`)
    as soon as one reaches beyond the limits."""
    extents: dict[str, Extent] = {}
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            for part, sheet in _sheet_parts(data, archive).items():
                with archive.open(part) as stream:
                    extents[part] = _check_sheet(stream, sheet, limits, name)
    except IntakeError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise IntakeError(messages.unreadable(name, messages.CORRUPT)) from exc
    return extents


def _sheet_parts(data: bytes, archive: zipfile.ZipFile) -> dict[str, str]:
    """Every part calamine may read as a sheet, with the sheet's name (or the part's)."""
    parts = {n: n.rsplit("/", 1)[-1] for n in archive.namelist()
             if n.startswith(_SHEETS_FOLDER) and n.endswith(".xml")}
    try:
        with Package(BytesIO(data)) as package:
            for entry in package.sheets():
                if package.has(entry.part):
                    parts[entry.part] = entry.name
    except (PackageError, KeyError, OSError, ValueError, zipfile.BadZipFile):
        pass  # no usable workbook part: calamine will say what it makes of the file
    return parts


def _check_sheet(stream: IO[bytes], sheet: str, limits: Intake, name: str) -> Extent:
    """The sheet's extent, read as a stream: the opening tags only (a cell's attributes are
    all it has to say; a row is let go when the next one opens). The limits are checked at
    every row and cell, so that a sheet too large is refused as soon as it is seen to be."""
    extent = Extent()
    row = column = rows = columns = cells = 0
    max_rows, max_cells = limits.max_rows, limits.max_cells
    events = etree.iterparse(stream, events=("start",), tag=_TAGS, resolve_entities=False,
                             no_network=True, huge_tree=True, load_dtd=False)
    try:
        for _, element in events:
            kind = _KINDS[element.tag]
            if kind == _CELL:
                position = _position(element.get("r"))
                if position is not None:
                    row, column = position[0] or row, position[1]
                else:
                    column += 1
                cells += 1
                rows, columns = max(rows, row, 1), max(columns, column)
            elif kind == _ROW:
                previous = element.getprevious()
                if previous is not None:  # the rows above are read: let them go
                    previous.clear(keep_tail=False)
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
                row = _number(element.get("r")) or row + 1
                column = 0
                rows = max(rows, row)
            else:
                _judge(_declared(element.get("ref", "")), sheet, limits, name, declared=True)
                continue
            if rows > max_rows or rows * columns > max_cells or cells > max_cells:
                extent.rows, extent.columns, extent.cells = rows, columns, cells
                _judge(extent, sheet, limits, name, declared=False)
    except etree.XMLSyntaxError:
        pass  # calamine says what it makes of a broken sheet; its size was measured so far
    extent.rows, extent.columns, extent.cells = rows, columns, cells
    return extent


def _judge(extent: Extent, sheet: str, limits: Intake, name: str, *, declared: bool) -> None:
    if (extent.rows <= limits.max_rows and extent.area <= limits.max_cells
            and extent.cells <= limits.max_cells):
        return
    if extent.area <= limits.max_cells and extent.cells <= limits.max_cells:
        raise IntakeError(messages.unreadable(name, messages.too_many_rows(sheet,
                                                                           limits.max_rows)))
    corner = f"{_letters(extent.columns)}{extent.rows}"
    raise IntakeError(messages.unreadable(name, messages.sheet_too_large(
        sheet, corner, max(extent.area, extent.cells), declared=declared,
        max_cells=limits.max_cells, max_rows=limits.max_rows)))


def _declared(ref: str) -> Extent:
    extent = Extent()
    for corner in ref.split(":")[:2]:
        position = _position(corner)
        if position is not None:
            extent.reach(*position)
    return extent


def _letters(column: int) -> str:
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "A"


def _position(reference: str | None) -> tuple[int, int] | None:
    """``"XFD1048576"`` → (1048576, 16384); None for anything else."""
    match = _REFERENCE.match(reference or "")
    if match is None:
        return None
    letters, digits = match.groups()
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return int(digits), column


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) <= 9 else 0
