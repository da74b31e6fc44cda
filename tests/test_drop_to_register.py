"""Drop a spreadsheet, get register rows, a rejection copy and acknowledgment letters."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office

from .spine import MESSY_COMPLAINTS, docx_text, register_rows, write_xlsx


def _drop(office: Office, name: str, rows, folder: str = "reclamations") -> Path:
    return write_xlsx(office.config.inbox_dir / folder / name, rows)


def test_messy_spreadsheet_gives_rows_a_rejection_copy_and_letters(office: Office) -> None:
    dropped = _drop(office, "plaintes.xlsx", MESSY_COMPLAINTS)
    report = ingest_file(office, dropped)

    assert (report.register, report.accepted, report.rejected) == ("reclamations", 3, 1)
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert [r["N°"].value for r in rows] == ["REC-2026-0001", "REC-2026-0002", "REC-2026-0003"]
    first = rows[0]
    assert first["Date de réception"].value.date().isoformat() == "2026-03-12"
    assert first["Date de réception"].number_format.upper().startswith("DD/MM/YYYY")
    assert first["Canal"].value == "Email"
    assert first["Partie prenante"].value == "Apprenant"
    assert first["Nature"].value == "Réclamation"
    assert first["Statut"].value == "Nouvelle"
    assert "06 12 34 56 78" in first["Autres informations"].value
    assert first["Source"].value == "plaintes.xlsx, ligne 5"
    assert rows[2]["Nature"].value == "Difficulté"

    assert not dropped.exists()
    assert report.filed_to == office.config.inbox_dir / "processed" / "plaintes.xlsx"
    assert report.filed_to.exists()

    assert report.rejection_copy is not None
    rejected = openpyxl.load_workbook(report.rejection_copy).active
    text = "\n".join(str(c.value) for row in rejected.iter_rows() for c in row if c.value)
    assert "31/02/2026" in text and "Sophie Bernard" in text
    assert "Martin Dupont" not in text

    letters = sorted(office.config.outbox_dir.glob("*.docx"))
    assert len(letters) == 3 and letters == sorted(report.letters)
    body = docx_text(next(p for p in letters if "REC-2026-0001" in p.name))
    assert "REC-2026-0001" in body and "Martin Dupont" in body
    assert "23 novembre 2026" in body


def test_same_file_dropped_twice_appends_nothing(office: Office) -> None:
    first = _drop(office, "plaintes.xlsx", MESSY_COMPLAINTS)
    kept = first.with_name("copy.bin")
    shutil.copyfile(first, kept)
    ingest_file(office, first)
    shutil.copyfile(kept, first)
    again = ingest_file(office, first)

    assert again.accepted == 0
    assert again.filed_to is not None and again.filed_to.parent.name == "duplicates"
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert len(rows) == 3
    assert len(list(office.config.outbox_dir.glob("*.docx"))) == 3


def test_a_re_export_with_one_more_row_appends_only_that_row(office: Office) -> None:
    ingest_file(office, _drop(office, "plaintes.xlsx", MESSY_COMPLAINTS))
    longer = [*MESSY_COMPLAINTS, ["16/03/2026", "Support illisible", "Hugo Roux",
                                  "hugo@exemple.fr", "Apprenant", "Email", "Réclamation"]]
    report = ingest_file(office, _drop(office, "plaintes-v2.xlsx", longer))
    assert (report.accepted, report.duplicates) == (1, 3)
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert [r["Nom du déclarant"].value for r in rows][-1] == "Hugo Roux"
    assert rows[-1]["N°"].value == "REC-2026-0004"


def test_a_formula_like_value_is_stored_as_text(office: Office) -> None:
    ingest_file(office, _drop(office, "plaintes.xlsx", MESSY_COMPLAINTS))
    path = office.config.binding("reclamations").path
    cell = register_rows(path, "Réclamations")[1]["Objet"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type != "f"
    values = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Réclamations").to_python()
    assert '=HYPERLINK("http://x")' in [v for row in values for v in row]


def test_an_ampersand_and_angle_brackets_give_a_complete_letter(office: Office) -> None:
    report = ingest_file(office, _drop(office, "plaintes.xlsx", MESSY_COMPLAINTS))
    letter = next(p for p in report.letters if "REC-2026-0002" in p.name)
    body = docx_text(letter)
    assert "Durand & Fils <SARL>" in body
    assert "REC-2026-0002" in body
    # Without autoescaping, everything after the value would vanish: the letter must go on to
    # its signature, and be as long as the letter of a name with no special character.
    after = body[body.index("Durand & Fils <SARL>"):]
    assert "La direction" in after  # the default signatory, at the end of the letter
    plain = docx_text(next(p for p in report.letters if "REC-2026-0001" in p.name))
    assert len(body.splitlines()) == len(plain.splitlines())


def test_a_file_no_register_fits_is_returned_with_a_french_explanation(office: Office) -> None:
    dropped = _drop(office, "divers.xlsx", [["Produit", "Prix"], ["Stylo", 2]], folder="")
    report = ingest_file(office, dropped)
    assert report.accepted == 0 and report.message
    assert report.filed_to == office.config.inbox_dir / "rejected" / "divers.xlsx"
    note = report.filed_to.with_name("divers.xlsx.LISEZ-MOI.txt").read_text(encoding="utf-8-sig")
    assert "registre" in note.lower()


def test_a_file_at_the_top_of_the_inbox_is_routed_by_its_headers(office: Office) -> None:
    rows = [["Horodateur", "Type d'enquête", "Formation", "Note globale", "Commentaires"],
            ["02/11/2026 10:00", "à chaud", "Excel avancé", 4, "Bien"]]
    report = ingest_file(office, _drop(office, "enquete.xlsx", rows, folder=""))
    assert (report.register, report.routed_by_headers, report.accepted) == ("satisfaction",
                                                                            True, 1)


def test_an_unsupported_file_is_returned_with_an_explanation(office: Office) -> None:
    dropped = office.config.inbox_dir / "scan.pdf"
    dropped.write_bytes(b"%PDF-1.4 ...")
    report = ingest_file(office, dropped)
    assert report.filed_to == office.config.inbox_dir / "rejected" / "scan.pdf"
    assert "pris en charge" in report.message


def test_rows_wait_while_the_register_is_open_in_excel_then_land_once(office: Office) -> None:
    register = office.config.binding("reclamations").path
    owner = register.with_name("~$" + register.name)
    owner.write_bytes(b"owner")
    report = ingest_file(office, _drop(office, "plaintes.xlsx", MESSY_COMPLAINTS))
    assert report.accepted == 3 and report.waiting
    assert register_rows(register, "Réclamations") == []
    assert office.journal.pending_counts() == {"reclamations": 3}
    assert [w.register for w in office.journal.waits()] == ["reclamations"]

    catch_up(office)  # still open: nothing changes
    assert register_rows(register, "Réclamations") == []
    owner.unlink()
    catch_up(office)
    catch_up(office)
    assert len(register_rows(register, "Réclamations")) == 3
    assert office.journal.pending_counts() == {}
    assert office.journal.waits() == []
