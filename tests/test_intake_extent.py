"""How far a dropped workbook's sheets reach is measured as calamine places their cells.

The streaming measure (:func:`automation.intake.extent.measure_extent`) is compared with a
plain reading of the whole sheet as a tree, on sheets in the shapes writers produce and on
generated ones: rows and cells with and without their reference, references with ``$`` or
lower-case letters, a namespace prefix, the strict OOXML namespace, gaps. A sheet past a
limit is refused with the same French reason whether the limit falls on a row or a cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from automation.errors import IntakeError
from automation.intake.config import Intake
from automation.intake.extent import Extent, measure_extent

DATA = Path(__file__).resolve().parent / "data"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
LIMITS = Intake()
PART = "xl/worksheets/sheet1.xml"


def tree_extent(xml: bytes) -> Extent:
    """Every row and cell of the sheet, read as one tree, placed as calamine places them: a
    row without ``r`` after the previous one, a cell without ``r`` right of the previous (a
    cell on row 0 on the row it is in)."""
    extent = Extent()
    row = column = 0
    root = etree.fromstring(xml)
    for element in root.iter():
        tag = etree.QName(element)
        if tag.namespace not in (MAIN, STRICT):
            continue
        if tag.localname == "row":
            found = element.get("r") or ""
            number = int(found) if found.isdigit() and len(found) <= 9 else 0
            row = number or row + 1  # a row numbered 0, or not at all: the one after
            column = 0
            extent.reach(row, 0)
        elif tag.localname == "c":
            match = re.fullmatch(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,9})", element.get("r") or "")
            if match:
                column = 0
                for letter in match[1].upper():
                    column = column * 26 + ord(letter) - 64
                row = int(match[2]) or row
            else:
                column += 1
            extent.cells += 1
            extent.reach(max(row, 1), column)
    return extent


def workbook(xml: bytes) -> bytes:
    """A package holding ``xml`` as its only sheet part (what the measure opens)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(PART, xml)
    return out.getvalue()


def sheet(rows: list[tuple[int | None, list[str | None]]], *, prefix: str = "",
          namespace: str = MAIN) -> bytes:
    """A sheet part: each row its ``r`` (None: none) and its cells' ``r`` (None: none)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{namespace}"' if prefix else f'xmlns="{namespace}"'
    body = []
    for number, cells in rows:
        attrs = f' r="{number}"' if number is not None else ""
        inner = "".join(f'<{p}c r="{ref}"><{p}v>1</{p}v></{p}c>' if ref is not None
                        else f"<{p}c><{p}v>1</{p}v></{p}c>" for ref in cells)
        body.append(f"<{p}row{attrs}>{inner}</{p}row>")
    return (f"<{p}worksheet {xmlns}><{p}sheetData>{''.join(body)}</{p}sheetData>"
            f"</{p}worksheet>").encode()


def measured(xml: bytes, limits: Intake = LIMITS) -> Extent:
    return measure_extent(workbook(xml), limits, name="réponses.xlsx")[PART]


def same(a: Extent, b: Extent) -> tuple[int, int, int]:
    assert (a.rows, a.columns, a.cells) == (b.rows, b.columns, b.cells)
    return a.rows, a.columns, a.cells


@pytest.mark.parametrize("path", sorted([*DATA.glob("*.xlsx"), *DATA.glob("*.xlsm")]),
                         ids=lambda p: p.name)
def test_the_workbooks_of_the_test_data_measure_as_their_whole_tree(path: Path) -> None:
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist()
                 if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for part, extent in measure_extent(data, LIMITS, name=path.name).items():
            assert part in parts
            same(extent, tree_extent(archive.read(part)))


references = st.one_of(
    st.none(),
    st.builds(lambda col, row, dollar, lower: (
        f"{'$' if dollar else ''}{col.lower() if lower else col}{'$' if dollar else ''}{row}"),
        st.sampled_from(["A", "B", "Z", "AA", "XFD", "AMJ"]), st.integers(0, 1_048_576),
        st.booleans(), st.booleans()))
row_numbers = st.one_of(st.none(), st.integers(1, 1_048_576), st.just(0))


@settings(max_examples=200)
@given(st.lists(st.tuples(row_numbers, st.lists(references, max_size=6)), max_size=8),
       st.sampled_from(["", "x"]), st.sampled_from([MAIN, STRICT]))
def test_generated_sheets_measure_as_their_whole_tree(
        rows: list[tuple[int | None, list[str | None]]], prefix: str, namespace: str) -> None:
    xml = sheet(rows, prefix=prefix, namespace=namespace)
    limits = Intake(max_rows=2_000_000, max_cells=10**12)
    same(measured(xml, limits), tree_extent(xml))


def test_a_cell_far_to_the_right_is_refused_as_a_sheet_too_large() -> None:
    xml = sheet([(1, ["A1", None]), (2, ["XFD2"])])
    with pytest.raises(IntakeError, match=r"réponses\.xlsx"):
        measured(xml, Intake(max_cells=10_000))
    assert same(measured(xml), tree_extent(xml)) == (2, 16384, 3)


def test_a_row_past_the_limit_is_refused_where_the_cells_fit() -> None:
    xml = sheet([(1, ["A1"]), (None, [None]), (200, [])])
    with pytest.raises(IntakeError, match=r"réponses\.xlsx") as refused:
        measured(xml, Intake(max_rows=100))
    with pytest.raises(IntakeError) as at_cells:
        measured(sheet([(1, ["A1"]), (None, [None, None]), (3, ["C3"])]),
                 Intake(max_cells=8))
    assert str(refused.value) != str(at_cells.value)  # too many rows; a range too large
    assert same(measured(xml), tree_extent(xml)) == (200, 1, 2)


def test_many_cells_without_references_count_from_the_left() -> None:
    xml = sheet([(None, [None] * 30), (None, [None, "C9", None])])
    assert same(measured(xml), tree_extent(xml)) == (9, 30, 33)


def test_a_cell_outside_any_row_counts_on_the_first_row() -> None:
    xml = (f'<worksheet xmlns="{MAIN}"><sheetData><c><v>1</v></c><c r="D0"><v>2</v></c>'
           "</sheetData></worksheet>").encode()
    assert same(measured(xml), tree_extent(xml)) == (1, 4, 2)
