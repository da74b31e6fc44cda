"""The dropdown lists of an office's register: which values each column offers.

Excel keeps a list either in the validation itself (``"Ouverte,En cours,Clôturée"``), as a
range (``Listes!$A$2:$A$4``, ``$H$2:$H$6``) or as a defined name (``=Statuts``); validations
made by Excel 2007 that point at another sheet are in the sheet's x14 extension. All of them
are read here, for ``automation adopt`` to match the office's values to ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from automation.registers.xlsx.formulas import parse_range
from automation.registers.xlsx.locate import RegisterSheet
from automation.registers.xlsx.package import Package
from automation.registers.xlsx.package import xml_unescape as unescape
from automation.registers.xlsx.sheet import SheetXml, parse_attrs

_STANDARD: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)dataValidation(?=\s)(?P<a>[^>]*)>(?P<b>.*?)"
    rb"</(?P=p)dataValidation\s*>", re.DOTALL)
_FORMULA1: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?formula1\s*>(?:\s*<(?:[A-Za-z_][\w.-]*:)?"
                              rb"f\s*>)?([^<]*)<", re.DOTALL)
_SQREF: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sqref\s*>([^<]*)<")
_REF: Final = re.compile(r"^=?(?:(?P<sheet>'(?:[^']|'')+'|[^!'\s]+)!)?(?P<range>\$?[A-Za-z]{1,3}"
                         r"\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)$")
MAX_VALUES: Final = 200


def column_lists(package: Package, sheet: RegisterSheet) -> dict[int, tuple[str, ...]]:
    """Column -> the values its dropdown offers, for the columns that have one."""
    found: dict[int, tuple[str, ...]] = {}
    tail_start, _ = sheet.xml.tail()
    for match in _STANDARD.finditer(sheet.xml.data, tail_start):
        attrs = parse_attrs(match["a"])
        if attrs.get("type") != "list":
            continue
        formula = _FORMULA1.search(match["b"])
        sqref = attrs.get("sqref") or _sqref(match["b"])
        if formula is None or not sqref:
            continue
        values = _values(package, sheet, unescape(formula[1].decode()).strip())
        if not values:
            continue
        for part in sqref.split():
            bounds = parse_range(part)
            if bounds is not None:
                for col in range(bounds[1], bounds[3] + 1):
                    found.setdefault(col, values)
    return found


def _sqref(body: bytes) -> str:
    match = _SQREF.search(body)
    return match[1].decode().strip() if match else ""


def _values(package: Package, sheet: RegisterSheet, formula: str) -> tuple[str, ...]:
    if formula.startswith('"') and formula.endswith('"'):
        return tuple(v.strip() for v in formula[1:-1].replace('""', '"').split(",") if v.strip())
    text = formula.lstrip("=")
    names = _defined_names(package)
    text = names.get(text.casefold(), text)
    found = _REF.match(text)
    if found is None:
        return ()
    name = found["sheet"]
    if name is None:
        part = sheet.part
    else:
        name = name[1:-1].replace("''", "'") if name.startswith("'") else name
        part = package.sheet_part(name) or ""
    bounds = parse_range(found["range"].replace("$", ""))
    if not part or bounds is None:
        return ()
    return _cells(package, part, bounds)


def _cells(package: Package, part: str, bounds: tuple[int, int, int, int]) -> tuple[str, ...]:
    xml = SheetXml(package.read(part), part)
    shared: Sequence[str] = package.shared_strings()
    first_row, first_col, last_row, last_col = bounds
    values: list[str] = []
    for row in xml.rows:
        if not first_row <= row.number <= last_row:
            continue
        for cell in xml.cells(row):
            if first_col <= cell.col <= last_col and (text := cell.text(shared).strip()):
                values.append(text)
        if len(values) >= MAX_VALUES:
            break
    return tuple(dict.fromkeys(values))


def _defined_names(package: Package) -> dict[str, str]:
    data = package.read(package.workbook_part)
    names: dict[str, str] = {}
    for match in re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?definedName(?=\s)([^>]*)>([^<]*)<", data):
        attrs = parse_attrs(match[1])
        if "name" in attrs:
            names[attrs["name"].casefold()] = unescape(match[2].decode()).strip()
    return names
