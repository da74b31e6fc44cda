"""The edits people make to a register never make a row vanish, a value blank, or a formula
spread: each test is named after the symptom it closes.

A person edits the register in Excel (here: openpyxl, as a stand-in that writes a real
workbook) between two drops; the next drop must still land whole, in the right place.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office
from automation.pipeline.status import office_status
from automation.records import ChangeNote, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.schema import RECLAMATIONS
from automation.registers.workbook import HEADER_ROW
from automation.registers.xlsx.appender import XmlAppender

from .spine import docx_text, register_rows, write_xlsx

SHEET = "Réclamations"
HEADERS = ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email",
           "Nature", "Objet"]
FIRST = ["20/11/2026", "Email", "Apprenant", "Martin Dupont", "martin.dupont@exemple.fr",
         "Réclamation", "Retard du formateur"]
SECOND = ["21/11/2026", "Email", "Apprenant", "Léa Petit", "lea.petit@exemple.fr",
          "Réclamation", "Facture en double"]


def drop(office: Office, name: str, row: list[Any]) -> Any:
    report = ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / name,
                                            [HEADERS, row]))
    assert report.rejected == 0, report
    return report


def edit(path: Path, change: Any, *, sheet: str = SHEET) -> None:
    """A person's edit in Excel, saved (``change`` gets the sheet and its header columns)."""
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet]
    columns = {c.value: c.column for c in worksheet[HEADER_ROW]}
    change(worksheet, columns)
    workbook.properties.lastModifiedBy = "Claire Martin"
    workbook.save(path)


def rows(path: Path, sheet: str = SHEET) -> list[dict[str, Any]]:
    return [{k: c.value for k, c in row.items()} for row in register_rows(path, sheet)]


def test_a_typed_id_never_makes_the_tools_row_vanish(office: Office) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path

    def phone_call(sheet: Any, columns: dict[str, int]) -> None:
        for header, value in {"N°": "REC-2026-0002", "Date de réception": datetime(2026, 11, 21),
                              "Canal": "Téléphone", "Nom du déclarant": "Appel Durand",
                              "Objet": "Convocation reçue en retard"}.items():
            sheet.cell(HEADER_ROW + 2, columns[header], value)

    edit(register, phone_call)
    report = drop(office, "seconde.xlsx", SECOND)
    found = {r["N°"]: r for r in rows(register)}
    assert list(found) == ["REC-2026-0001", "REC-2026-0002", "REC-2026-0003"]
    assert found["REC-2026-0002"]["Nom du déclarant"] == "Appel Durand"  # the person's, intact
    assert found["REC-2026-0003"]["Nom du déclarant"] == "Léa Petit"  # the tool's, written
    assert office.journal.recorded_values("reclamations", "REC-2026-0003") is not None
    assert office.journal.recorded_values("reclamations", "REC-2026-0002") is None
    (letter,) = report.letters
    assert letter.name == "REC-2026-0003 accuse de reception - Lea Petit.docx"
    text = docx_text(letter)
    assert "Léa Petit" in text and "REC-2026-0003" in text and "Appel Durand" not in text
    journal = [[c.value for c in r] for r in openpyxl.load_workbook(register)["Journal"]
               .iter_rows()]
    assert any("REC-2026-0002 était déjà pris" in str(line[4]) for line in journal)


def test_a_formula_typed_in_the_last_row_is_not_copied_into_new_rows(office: Office) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path

    formula = f'=E{HEADER_ROW + 1}&" (voir)"'  # the name, « (voir) »

    def note_formula(sheet: Any, columns: dict[str, int]) -> None:
        sheet.cell(HEADER_ROW + 1, columns["Objet"], formula)

    edit(register, note_formula)
    drop(office, "seconde.xlsx", SECOND)
    sheet = openpyxl.load_workbook(register)[SHEET]
    column = next(c.column for c in sheet[HEADER_ROW] if c.value == "Objet")
    assert sheet.cell(HEADER_ROW + 1, column).value == formula  # the person's, kept
    assert sheet.cell(HEADER_ROW + 2, column).value == "Facture en double"


def test_a_header_renamed_to_a_synonym_keeps_its_field(office: Office) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path
    edit(register, lambda sheet, columns: setattr(
        sheet.cell(HEADER_ROW, columns["Objet"]), "value", "Sujet"))
    drop(office, "seconde.xlsx", SECOND)
    assert [r["Sujet"] for r in rows(register)] == ["Retard du formateur", "Facture en double"]


def test_a_header_renamed_beyond_recognition_keeps_rows_waiting_with_a_french_reason(
        office: Office) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path
    edit(register, lambda sheet, columns: setattr(
        sheet.cell(HEADER_ROW, columns["Objet"]), "value", "Quoi de neuf"))
    report = drop(office, "seconde.xlsx", SECOND)
    assert "colonne « Objet » introuvable" in report.waiting
    assert "Les lignes attendent" in report.waiting
    assert len(rows(register)) == 1  # nothing written with a blank where the value belongs
    (wait,) = office_status(office, count_late=False).waits
    assert wait.register == "reclamations" and wait.rows == 1 and "introuvable" in wait.reason
    edit(register, lambda sheet, columns: setattr(
        sheet.cell(HEADER_ROW, columns["Quoi de neuf"]), "value", "Objet"))
    catch_up(office)
    assert [r["Objet"] for r in rows(register)] == ["Retard du formateur", "Facture en double"]
    assert office_status(office, count_late=False).waits == ()


def test_a_renamed_sheet_gets_the_rows_all_the_same(office: Office) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path
    workbook = openpyxl.load_workbook(register)
    workbook[SHEET].title = "Réclamations 2026"
    workbook.save(register)
    drop(office, "seconde.xlsx", SECOND)
    assert [r["Nom du déclarant"] for r in rows(register, "Réclamations 2026")] == [
        "Martin Dupont", "Léa Petit"]


def test_a_totals_row_added_by_a_person_stays_under_the_new_rows(office: Office) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path

    def totals(sheet: Any, columns: dict[str, int]) -> None:
        sheet.cell(HEADER_ROW + 2, 1, "TOTAL")
        sheet.cell(HEADER_ROW + 2, 2, f"=COUNTA(A{HEADER_ROW + 1}:A{HEADER_ROW + 1})")

    edit(register, totals)
    drop(office, "seconde.xlsx", SECOND)
    sheet = openpyxl.load_workbook(register)[SHEET]
    assert [sheet.cell(HEADER_ROW + n, 1).value for n in (1, 2, 3)] == [
        "REC-2026-0001", "REC-2026-0002", "TOTAL"]
    assert sheet.cell(HEADER_ROW + 3, 2).value == f"=COUNTA(A{HEADER_ROW + 1}:A{HEADER_ROW + 2})"
    assert sheet.cell(HEADER_ROW + 2, 2).value == datetime(2026, 11, 21)  # a date, no formula


def test_a_crash_after_writing_under_a_new_id_writes_nothing_twice(tmp_path: Path) -> None:
    """The journal has not yet followed the new id when the process dies: the same append
    again finds the row by its content under the id it was given."""
    path = tmp_path / "registre.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(["N°", "Date de réception", "Nom du déclarant", "Objet"])
    sheet.append(["REC-2026-0001", datetime(2026, 11, 2), "Appel Durand", "Tapé à la main"])
    workbook.save(path)
    binding = RegisterBinding(RECLAMATIONS, path, columns={
        "id": "N°", "received_on": "Date de réception", "name": "Nom du déclarant",
        "subject": "Objet"}, adopted=True)
    appender = XmlAppender(binding, backup_dir=tmp_path / ".backup")
    row = StoredRow("reclamations", "REC-2026-0001", {
        "received_on": datetime(2026, 11, 20).date(), "name": "Léa Petit",
        "subject": "Facture en double"}, "seconde.xlsx")
    note = ChangeNote(datetime(2026, 11, 23, 9, 30), "Ajout", "seconde.xlsx", row.record_id)
    first = appender.append([row], [note])
    assert first.written == ("REC-2026-0002",) and first.renamed == {
        "REC-2026-0001": "REC-2026-0002"}
    written = path.read_bytes()
    again = appender.append([row], [note])  # as after a crash: still under its first id
    assert again.written == () and again.renamed == {"REC-2026-0001": "REC-2026-0002"}
    assert again.already_present == ("REC-2026-0002",)
    assert path.read_bytes() == written
    names = [r[2].value for r in openpyxl.load_workbook(path)[SHEET].iter_rows(min_row=2)]
    assert names == ["Appel Durand", "Léa Petit"]


@pytest.mark.parametrize("typed", ["REC-2026-0002", "REC-2026-0007"])
def test_ids_continue_above_the_highest_a_person_typed(office: Office, typed: str) -> None:
    drop(office, "premiere.xlsx", FIRST)
    register = office.config.binding("reclamations").path
    edit(register, lambda sheet, columns: [
        sheet.cell(HEADER_ROW + 2, columns["N°"], typed),
        sheet.cell(HEADER_ROW + 2, columns["Nom du déclarant"], "Appel Durand")])
    drop(office, "seconde.xlsx", SECOND)
    ids = [r["N°"] for r in rows(register)]
    assert ids[:2] == ["REC-2026-0001", typed]
    assert ids[2] == ("REC-2026-0003" if typed == "REC-2026-0002" else "REC-2026-0008")


def test_a_value_with_no_column_goes_to_the_notes_never_nowhere(tmp_path: Path) -> None:
    """An old adoption, or a person-only field a file happened to carry: the value is kept in
    the notes column, or failing one in the row's Journal-sheet line."""
    path = tmp_path / "registre.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(["N°", "Date de réception", "Nom du déclarant", "Objet", "Remarques"])
    journal = workbook.create_sheet("Journal")
    journal.append(["Horodatage", "Action", "Source", "N°", "Détail"])
    workbook.save(path)
    columns = {"id": "N°", "received_on": "Date de réception", "name": "Nom du déclarant",
               "subject": "Objet"}
    row = StoredRow("reclamations", "REC-2026-0001", {
        "received_on": datetime(2026, 11, 20).date(), "name": "Léa Petit",
        "subject": "Facture en double", "email": "lea.petit@exemple.fr",
        "response": "Rappelée le 21/11", "source": "mail.eml"}, "mail.eml")
    note = ChangeNote(datetime(2026, 11, 23, 9, 30), "Ajout", "mail.eml", row.record_id, "")
    with_notes = RegisterBinding(RECLAMATIONS, path, columns={**columns, "notes": "Remarques"},
                                 adopted=True)
    XmlAppender(with_notes, backup_dir=tmp_path / ".b").append([row], [note])
    written = openpyxl.load_workbook(path)
    assert written[SHEET]["E2"].value == ("Email : lea.petit@exemple.fr\n"
                                          "Réponse apportée : Rappelée le 21/11")
    without = RegisterBinding(RECLAMATIONS, path, columns=columns, adopted=True)
    second = StoredRow("reclamations", "REC-2026-0002", {**row.values, "name": "Marc Roy"},
                       "mail2.eml")
    XmlAppender(without, backup_dir=tmp_path / ".b").append(
        [second], [ChangeNote(note.when, "Ajout", "mail2.eml", "REC-2026-0002", "")])
    lines = [[c.value for c in r] for r in openpyxl.load_workbook(path)["Journal"].iter_rows()]
    assert lines[-1][3] == "REC-2026-0002"
    assert lines[-1][4] == ("sans colonne dans ce registre : Email : lea.petit@exemple.fr ; "
                            "Réponse apportée : Rappelée le 21/11")
