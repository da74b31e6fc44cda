"""The default registers print: A4 landscape at a readable scale, a few columns a page with the
id and the header row repeated, the controlled document's reference in the footer — read back
with openpyxl and printed to PDF by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from automation.pipeline.office import Office
from automation.registers.schema import DEFAULT_REGISTERS, REGISTERS_BY_KEY
from automation.registers.workbook import HEADER_ROW, MIN_SCALE, print_layout


@pytest.mark.parametrize("schema", DEFAULT_REGISTERS, ids=lambda s: s.key)
def test_a_default_register_is_set_up_to_print_on_a4_landscape(office: Office,
                                                                schema: object) -> None:
    key = schema.key
    binding = office.config.binding(key)
    sheet = openpyxl.load_workbook(binding.path)[binding.sheet_name]
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation) == (9, "landscape")  # 9 = A4
    scale, pages = print_layout(REGISTERS_BY_KEY[key])
    assert MIN_SCALE <= scale <= 100 and setup.scale == scale
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage  # no shrinking to one width
    assert sheet.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
    assert sheet.print_title_cols.replace("$", "") == "A:A"
    printed = [f.key for page in pages for f in page]
    assert "source" not in printed and "imported_at" not in printed
    assert [b.id for b in sheet.col_breaks.brk] == [
        sum(len(p) for p in pages[:n + 1]) for n in range(len(pages) - 1)]
    assert REGISTERS_BY_KEY[key].reference in sheet.oddFooter.left.text
    assert sheet.oddFooter.right.text == "Page &P / &N"


def _page_texts(pdf: Path) -> list[str]:
    program = shutil.which("pdftotext")
    if program is None:
        pytest.fail("pdftotext is not installed (Debian: poppler-utils)", pytrace=False)
    text = subprocess.run([program, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    return text.split("\f")[:-1]


def test_libreoffice_prints_each_register_page_with_its_header_and_reference(
        office: Office, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed", pytrace=False)
    paths = [office.config.binding(s.key).path for s in DEFAULT_REGISTERS]
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str,
                                                                                         paths)],
                   capture_output=True, check=True, timeout=180)
    for schema in DEFAULT_REGISTERS:
        pdf = tmp_path / f"{schema.key}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        assert "841.89 x 595.3" in info  # A4 landscape
        _, pages = print_layout(schema)
        texts = _page_texts(pdf)
        # The register's pages across, (the actions' risk analysis,) then its Journal.
        risks = 1 if schema.key == "actions" else 0
        assert len(texts) == len(pages) + risks + 1
        if risks:
            words = " ".join(texts[len(pages)].split())
            assert words.startswith("Analyse des risques") and "Probabilité" in words
            assert f"Réf. {schema.reference}" in words
        for text, page in zip(texts, pages, strict=False):
            words = " ".join(text.split())
            assert words.startswith(schema.title) and "N°" in words
            assert f"Réf. {schema.reference}" in words
            for field in page[1:]:
                assert field.header.split()[0] in words, (schema.key, field.header)
            assert "Importé le" not in words
