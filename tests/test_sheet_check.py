"""The check of an append's new rows: thousands of rows in one edit are parsed row by row, and
still refused when one of them is not well-formed XML."""

from __future__ import annotations

import pytest

from automation.registers.xlsx.package import PackageError
from automation.registers.xlsx.sheet import Edit, SheetXml

SHEET = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
         b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>N&#176;</t></is></c></row>'
         b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
         b'header="0.3" footer="0.3"/></worksheet>')


def rows(count: int, *, broken: bytes | None = None, at: int = -1) -> bytes:
    made = [b'<row r="%d" x14ac:dyDescent="0.25"><c r="A%d" t="inlineStr"><is><t>REC-%d &amp; '
            b"suite</t></is></c></row>" % (n, n, n) for n in range(2, count + 2)]
    if broken is not None:
        made[at] = broken
    return b"".join(made)


def insert(data: bytes) -> list[Edit]:
    sheet = SheetXml(SHEET, "xl/worksheets/sheet1.xml")
    return [Edit(sheet.data_end, sheet.data_end, data)]


def test_thousands_of_new_rows_in_one_edit_pass() -> None:
    sheet = SheetXml(SHEET, "xl/worksheets/sheet1.xml")
    sheet.check(insert(rows(5_000)))


@pytest.mark.parametrize("broken", [
    b'<row r="9"><c r="A9"><v>1</v></row>',  # a cell never closed
    b'<row r="9"><c r="A9" t="inlineStr"><is><t>a < b</t></is></c></row>',  # a bare "<"
    b'<row r="9" x15:hidden="1"><c r="A9"/></row>',  # a prefix the sheet does not declare
    b'<row r="9"><c r="A9" t="inlineStr"><is><t>\x01</t></is></c></row>',  # a control char
    b'<!DOCTYPE x [<!ENTITY e "boom">]><row r="9"><c r="A9"><v>&e;</v></c></row>',
])
def test_one_broken_row_among_thousands_is_refused(broken: bytes) -> None:
    sheet = SheetXml(SHEET, "xl/worksheets/sheet1.xml")
    with pytest.raises(PackageError, match="not well-formed"):
        sheet.check(insert(rows(3_000, broken=broken, at=2_500)))


def test_a_broken_tail_is_refused() -> None:
    sheet = SheetXml(SHEET, "xl/worksheets/sheet1.xml")
    start, end = sheet.tail()
    with pytest.raises(PackageError, match="not well-formed"):
        sheet.check([Edit(start, end, b"<pageMargins left=0.7/></worksheet>")])
    sheet.check([Edit(start, end, SHEET[start:end])])
