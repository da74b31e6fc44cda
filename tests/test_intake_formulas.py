"""Formula cells without a cached result are found in a dropped workbook, whatever its writer.

A sheet with no formula at all is passed over without looking at its cells; a sheet whose
elements carry a namespace prefix (``<x:c>``, ``<x:f>``, as the Open XML SDK writes them)
is searched like any other.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from automation.intake.formulas import _PIECE, _holds_formula, uncached_formulas
from automation.registers.xlsx.package import Package

DATA = Path(__file__).resolve().parent / "data"
SHEET = "xl/worksheets/sheet1.xml"
FOUND = {(2, 2): "=Facture en double",
         (2, 8): '=HYPERLINK("https://portail.exemple.fr/dossiers/42","dossier 42")',
         (3, 8): '=A2&" (relance)"'}


def _with_sheet(source: Path, rewrite: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as copy:
        for info in original.infolist():
            data = original.read(info)
            copy.writestr(info, rewrite(data) if info.filename == SHEET else data)
    return out.getvalue()


def test_formulas_without_a_result_are_found() -> None:
    data = (DATA / "drop-reclamations-web-formulas.xlsx").read_bytes()
    assert uncached_formulas(data, "Export") == FOUND


def test_formulas_are_found_under_a_namespace_prefix() -> None:
    def prefixed(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)([A-Za-z]+)(?=[\s/>])", rb"<\1x:\2", xml)
        return xml.replace(b'xmlns="', b'xmlns:x="', 1)

    data = _with_sheet(DATA / "drop-reclamations-web-formulas.xlsx", prefixed)
    assert b"<x:f>" in zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    assert uncached_formulas(data, "Export") == FOUND


def test_a_sheet_without_formulas_gives_none() -> None:
    sample = next(DATA.glob("drop-survey-ms-forms-fr *.xlsx"))
    assert uncached_formulas(sample.read_bytes(), "Feuil1") == {}



@pytest.mark.parametrize("tag", [b"<f>", b"<x:f t=\"shared\"/>"])
@pytest.mark.parametrize("cut", [1, 2, 3])
def test_a_formula_tag_cut_between_two_pieces_of_the_sheet_is_seen(tag: bytes, cut: int) -> None:
    """The sheet is searched a piece at a time: a tag across two pieces is one tag."""
    def package_of(sheet: bytes) -> Package:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", b"<workbook/>")
            archive.writestr(SHEET, sheet)
        return Package(io.BytesIO(out.getvalue()))

    filler = b"<c r=\"A1\"><v>1</v></c>" * (_PIECE // 20)
    before = filler[:_PIECE - cut]  # the tag's first ``cut`` bytes end the first piece
    with package_of(before + tag + filler) as package:
        assert _holds_formula(package, SHEET)
    with package_of(before + filler) as package:
        assert not _holds_formula(package, SHEET)
