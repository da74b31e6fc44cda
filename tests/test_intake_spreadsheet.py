"""Reading dropped spreadsheets of every accepted format, end to end on real files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from automation.errors import IntakeError
from automation.intake import SpreadsheetIntake, read_spreadsheet
from automation.intake.config import Intake
from automation.intake.spreadsheet import Spreadsheet, make_table, sniff_delimiter

DATA = Path(__file__).resolve().parent / "data"
LIMITS = Intake()


def read(path: Path, hint: str | None = None, limits: Intake = LIMITS) -> SpreadsheetIntake:
    return read_spreadsheet(path.name, path.read_bytes(), hint=hint, limits=limits,
                            source_name=path.name)


def values(result: SpreadsheetIntake, key: str) -> list[object]:
    return [r.values.get(key) for r in result.records]


def test_messy_complaints_workbook_is_read_from_its_header_row_on_the_right_sheet() -> None:
    result = read(DATA / "drop-reclamations-messy.xlsx")
    assert (result.register, result.sheet, result.routed_by_headers) == (
        "reclamations", "Plaintes", True)
    assert result.header[:3] == ("Objet", "Reçu le (jj/mm/aaaa)", "Nom")
    assert [r.source.rsplit(" ", 1)[1] for r in result.records] == ["5", "6", "8", "10", "11"]
    assert values(result, "received_on") == [date(2026, 3, 2), date(2026, 3, 12),
                                             date(2026, 3, 1), date(2026, 3, 5),
                                             date(2026, 3, 15)]
    assert values(result, "channel") == ["Email", "Email", "Téléphone", "Oral", "Formulaire"]
    assert values(result, "stakeholder")[:3] == ["Apprenant", "Apprenant", "Entreprise"]
    assert values(result, "nature")[:3] == ["Réclamation", "Réclamation", "Difficulté"]


def test_formula_like_text_stays_text() -> None:
    result = read(DATA / "drop-reclamations-messy.xlsx")
    second = result.records[1].values
    assert second["subject"] == "=1+1"
    assert second["description"] == "Le support affichait =1+1"


def test_unknown_column_ends_up_in_notes_without_losing_digits() -> None:
    result = read(DATA / "drop-reclamations-messy.xlsx")
    assert result.unknown_columns == ("Téléphone",)
    assert values(result, "notes")[:3] == ["Téléphone : 612345678", "Téléphone : 06 98 76 54 32",
                                           None]


def test_invalid_row_is_rejected_with_every_reason_in_french() -> None:
    result = read(DATA / "drop-reclamations-messy.xlsx")
    assert len(result.rejections) == 1
    rejection = result.rejections[0]
    assert rejection.line == 9
    assert rejection.reasons == ("Date de réception « 31/02/2026 » n'existe pas.",
                                 "Nom du déclarant est obligatoire : la cellule est vide.")
    assert rejection.cells[:2] == ("Facture erronée", "31/02/2026")


@pytest.mark.parametrize(("name", "register", "expected"), [
    ("drop-reclamations-minimal.csv", "reclamations",
     {"received_on": date(2026, 3, 2), "channel": "Email", "name": "Jeanne Martin",
      "status": "Nouvelle", "severity": "À qualifier"}),
    ("drop-annulations-minimal.csv", "annulations",
     {"requested_on": datetime(2026, 3, 10, 9, 15), "session_start": datetime(2026, 3, 16, 14),
      "initiator": "Apprenant", "kind": "Annulation", "status": "Enregistrée"}),
    ("drop-abandons-minimal.csv", "abandons",
     {"learner": "Marc Blanc", "absence_noted_on": date(2026, 3, 9), "decision": "En cours"}),
    ("drop-satisfaction-minimal.csv", "satisfaction",
     {"answered_on": date(2026, 3, 20), "survey": "À chaud", "overall": 4}),
])
def test_each_register_from_a_minimal_csv(name: str, register: str,
                                          expected: dict[str, object]) -> None:
    result = read(DATA / name)
    assert result.register == register and not result.rejections
    (record,) = result.records
    assert {k: record.values[k] for k in expected} == expected
    assert record.source == f"{name}, ligne 2"
    assert "id" not in record.values and "imported_at" not in record.values


def test_cp1252_csv_with_semicolons_and_a_quoted_newline() -> None:
    result = read(DATA / "drop-satisfaction-cp1252-semicolon.csv")
    assert result.register == "satisfaction" and not result.rejections
    first, second = result.records
    assert first.values["comment"] == "Très bien, merci.\nPrix : 450 € — un peu cher"
    assert (first.values["overall"], first.values["nps"]) == (4, 9)
    assert second.values["survey"] == "À froid" and second.values["comment"] == "Élevé"
    assert second.source.endswith("ligne 3")  # a quoted newline stays in one row


def test_utf8_bom_csv_with_semicolons_and_decimal_commas() -> None:
    result = read(DATA / "drop-annulations-utf8-bom.csv")
    assert result.header[0] == "Demandé le"  # no BOM glued to the first header
    assert values(result, "session_hours") == [3.5, 7]
    assert values(result, "requested_on") == [datetime(2026, 3, 10, 9, 15),
                                              datetime(2026, 3, 11)]


def test_ods_workbook_is_read() -> None:
    result = read(DATA / "drop-satisfaction.ods")
    assert (result.register, result.sheet) == ("satisfaction", "Réponses")
    assert values(result, "answered_on") == [date(2026, 3, 20)]
    assert values(result, "overall") == [5]
    assert [r.reasons for r in result.rejections] == [
        ("Accueil « 6 » doit être un nombre entier de 1 à 5.",)]


def test_xls_workbook_is_read() -> None:
    result = read(DATA / "drop-abandons.xls")
    assert result.register == "abandons" and not result.rejections
    assert values(result, "learner") == ["Marc Blanc", "Nina Vidal"]
    assert values(result, "start") == [date(2026, 1, 12), date(2026, 2, 2)]
    assert values(result, "hours_done") == [10.5, 3]
    assert values(result, "absence_noted_on") == [date(2026, 3, 9), date(2026, 3, 16)]


def test_hint_routes_to_the_named_register() -> None:
    result = read(DATA / "drop-reclamations-minimal.csv", hint="reclamations")
    assert (result.register, result.routed_by_headers) == ("reclamations", False)


def test_corrupt_workbook_gives_a_french_message(tmp_path: Path) -> None:
    dropped = tmp_path / "plaintes.xlsx"
    dropped.write_bytes((DATA / "drop-reclamations-messy.xlsx").read_bytes()[:1500])
    with pytest.raises(IntakeError, match="n'a pas pu être lu : il est endommagé"):
        read(dropped)


def test_password_protected_xlsx_is_named_as_such(tmp_path: Path) -> None:
    dropped = tmp_path / "plaintes.xlsx"  # Office stores encrypted workbooks as OLE files
    dropped.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(IntakeError, match="protégé par un mot de passe"):
        read(dropped)


def test_a_web_page_saved_as_xls_is_refused_with_advice(tmp_path: Path) -> None:
    dropped = tmp_path / "export.xls"
    dropped.write_text("<html><table><tr><td>Nom</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(IntakeError, match=r"enregistrez-le au format \.xlsx"):
        read(dropped)


def test_unsupported_format_is_refused(tmp_path: Path) -> None:
    dropped = tmp_path / "scan.pdf"
    dropped.write_bytes(b"%PDF-1.4")
    with pytest.raises(IntakeError, match="n'est pas pris en charge"):
        read(dropped)


def test_a_workbook_without_data_is_refused(tmp_path: Path) -> None:
    dropped = tmp_path / "vide.xlsx"
    openpyxl.Workbook().save(dropped)
    with pytest.raises(IntakeError, match="aucune donnée"):
        read(dropped)


def test_too_many_rows_is_refused(tmp_path: Path) -> None:
    dropped = tmp_path / "long.csv"
    dropped.write_text("Apprenant,Formation,Date\n" + "Marc,Paie,02/03/2026\n" * 20,
                       encoding="utf-8")
    with pytest.raises(IntakeError, match="plus de 10 lignes"):
        read(dropped, limits=Intake(max_rows=10))
    workbook = tmp_path / "long.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Apprenant", "Formation", "Date"])
    for _ in range(20):
        book.active.append(["Marc", "Paie", "02/03/2026"])
    book.save(workbook)
    with pytest.raises(IntakeError, match="plus de 10 lignes"):
        read(workbook, limits=Intake(max_rows=10))


def test_row_numbers_are_those_excel_shows(tmp_path: Path) -> None:
    dropped = tmp_path / "décalé.xlsx"
    book = openpyxl.Workbook()
    book.active["C4"] = "Apprenant"
    book.active["D4"] = "Formation"
    book.active["E4"] = "Absence constatée le"
    book.active["C7"] = "Marc Blanc"
    book.active["D7"] = "Paie"
    book.active["E7"] = "09/03/2026"
    book.save(dropped)
    with Spreadsheet(dropped.name, dropped.read_bytes(), LIMITS) as sheet:
        table = sheet.table(sheet.sheets[0])
    assert [(r.number, r.cells[2]) for r in table.rows] == [(4, "Apprenant"), (7, "Marc Blanc")]
    assert read(dropped).records[0].source == "décalé.xlsx, ligne 7"


def test_excel_sep_line_sets_the_delimiter_and_is_not_a_row(tmp_path: Path) -> None:
    dropped = tmp_path / "export.csv"
    dropped.write_text(
        "sep=;\nApprenant;Formation;Absence constatée le\nMarc, Jr;Paie;09/03/2026\n",
        encoding="utf-8")
    result = read(dropped)
    assert values(result, "learner") == ["Marc, Jr"]
    assert result.records[0].source == "export.csv, ligne 2"


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a;b;c\n1;2,5;3\n", ";"),
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\n1\t2\n", "\t"),
    ("Titre\na;b\n1,5;2\n3;4,5\n", ";"),
])
def test_delimiter_sniffing(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_a_table_keeps_a_text_many_rows_repeat_once() -> None:
    rows = [["".join(["Très ", "satisfait"]), f"Réponse {n}"] for n in range(3)]
    assert rows[0][0] is not rows[1][0]  # one string per cell, as a parser gives them
    table = make_table("Feuil1", rows)
    first, *others = (row.cells for row in table.rows)
    assert all(cells[0] is first[0] for cells in others)
    assert [cells[1] for cells in (first, *others)] == ["Réponse 0", "Réponse 1", "Réponse 2"]
