"""The rejection copy a person fixes and drops again, and the note for a refused file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from automation.intake import read_spreadsheet, write_rejection_copy, write_rejection_note
from automation.intake.config import Intake
from automation.intake.messages import ERRORS_HEADER, LINE_HEADER
from automation.intake.validate import ValidationResult
from automation.records import Rejection

DATA = Path(__file__).resolve().parent / "data"
MESSY = DATA / "drop-reclamations-messy.xlsx"


def messy_copy(tmp_path: Path) -> Path:
    result = read_spreadsheet(MESSY.name, MESSY.read_bytes(), hint=None,
                              limits=Intake(), source_name="plaintes.xlsx")
    return write_rejection_copy(result, tmp_path / "rejected" / "plaintes - lignes refusées.xlsx")


def test_rejection_copy_holds_the_reasons_the_line_and_the_original_cells(
        tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(messy_copy(tmp_path)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == (ERRORS_HEADER, LINE_HEADER, "Objet", "Reçu le (jj/mm/aaaa)")
    assert len(rows) == 2
    errors, line, *cells = rows[1]
    assert errors == ("Date de réception « 31/02/2026 » n'existe pas.\n"
                      "Nom du déclarant est obligatoire : la cellule est vide.")
    assert line == 9
    assert cells[:3] == ["Facture erronée", "31/02/2026", None]
    assert cells[3] == "compta@alpha.fr"


def test_rejection_copy_is_easy_to_work_in(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(messy_copy(tmp_path)).active
    assert sheet.freeze_panes == "C2"
    assert sheet["A1"].font.b and sheet["C1"].font.b
    assert sheet.column_dimensions["A"].width >= 50
    assert sheet["A2"].alignment.wrap_text


def test_formula_like_cells_stay_text_in_the_copy(tmp_path: Path) -> None:
    rejection = Rejection(line=4, cells=("=1+1", "+33 6", "-2", "@x", date(2026, 3, 2), 3.5),
                          reasons=("Canal est obligatoire : la cellule est vide.",))
    result = ValidationResult(register="reclamations", records=[], rejections=[rejection],
                              header=("Objet", "Tél", "Écart", "Pseudo", "Reçu le", "Note"))
    out = write_rejection_copy(result, tmp_path / "copie.xlsx")
    sheet = openpyxl.load_workbook(out).active
    (cells,) = sheet.iter_rows(min_row=2)
    assert [c.value for c in cells[2:6]] == ["=1+1", "+33 6", "-2", "@x"]
    assert all(c.data_type == "s" for c in cells[2:6])
    assert cells[2].quotePrefix
    assert cells[6].value.date() == date(2026, 3, 2)
    assert cells[6].number_format == "DD/MM/YYYY"
    assert not list(tmp_path.glob(".~rejet-*"))


def test_fixed_copy_dropped_again_is_accepted(tmp_path: Path) -> None:
    copy = messy_copy(tmp_path)
    book = openpyxl.load_workbook(copy)
    sheet = book.active
    sheet["D2"] = "28/02/2026"  # "Reçu le"
    sheet["E2"] = "Compta Alpha"  # "Nom"
    book.save(copy)
    result = read_spreadsheet(copy.name, copy.read_bytes(), hint=None, limits=Intake(),
                              source_name=copy.name)
    assert result.register == "reclamations" and not result.rejections
    (record,) = result.records
    assert record.values["received_on"] == date(2026, 2, 28)
    assert record.values["name"] == "Compta Alpha"
    assert record.values["notes"] is None  # the error and line columns are not data


def test_rejection_note_is_french_with_a_bom(tmp_path: Path) -> None:
    refused = tmp_path / "rejected" / "divers.xlsx"
    note = write_rejection_note(refused, "Ce fichier ne correspond à aucun registre.")
    assert note == tmp_path / "rejected" / "divers.xlsx.LISEZ-MOI.txt"
    raw = note.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    assert text.startswith("Le fichier « divers.xlsx » n'a pas été importé.")
    assert "Ce fichier ne correspond à aucun registre." in text
    assert "déposez-le à nouveau" in text


def test_rejection_note_path_can_be_given_whole(tmp_path: Path) -> None:
    wanted = tmp_path / "divers.xlsx.LISEZ-MOI.txt"
    assert write_rejection_note(wanted, "Message") == wanted
    assert "« divers.xlsx »" in wanted.read_text(encoding="utf-8-sig")
