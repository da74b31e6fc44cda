"""Seeds 000, 001 and 004 end to end: a planning, dropped rows, a person's edits, real letters.

The office's planning (two sessions, five participants) is ``registers/sessions.xlsx``. Rows
are dropped in the inbox; a person edits the registers the way Excel saves them, and the
register watcher answers; every letter is read back from its .docx and converted to PDF.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.clock import PARIS, FixedClock
from automation.letters import convert_to_pdf
from automation.pipeline import sent
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.pipeline.scaffold import init_office
from automation.pipeline.writeback import write_back
from automation.registers.workbook import HEADER_ROW

from .conftest import DATA
from .spine import docx_text, register_rows, write_xlsx

CANCELLATION_HEADERS = ["Date de la demande", "Formation", "Début de la session",
                        "À l'initiative de", "Nom", "Type", "Solution proposée",
                        "Nouvelle date"]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 10, 18, 30, tzinfo=PARIS))


@pytest.fixture
def office(tmp_path: Path, clock: FixedClock) -> Iterator[Office]:
    root = tmp_path / "office"
    init_office(root, clock=clock)
    shutil.copyfile(DATA / "plan-sessions.xlsx", root / "registers" / "sessions.xlsx")
    with open_office(root, clock=clock) as opened:
        yield opened


def drop(office: Office, folder: str, name: str, rows: list[list[Any]]) -> list[Path]:
    """Drop a spreadsheet, let the pipeline do its work, return the letters it produced."""
    report = ingest_file(office, write_xlsx(office.config.inbox_dir / folder / name, rows))
    assert report.rejected == 0, report
    catch_up(office)
    return sorted(report.letters)


def declare_sent(office: Office, record_ids: list[str], on: date) -> None:
    """``automation letters sent ID… --on DATE``: the letters left that day."""
    result = sent.declare_sent(office, record_ids, on=on)
    assert not result.problems, result.problems
    write_back(office)


def rows_of(office: Office, register: str, sheet: str) -> list[dict[str, Any]]:
    return [{k: c.value for k, c in row.items()}
            for row in register_rows(office.config.binding(register).path, sheet)]


def letter_text(path: Path) -> str:
    return docx_text(path).replace("\u00a0", " ")


def save_as_excel_does(path: Path, sheet_name: str, record_id: str,
                       values: dict[str, Any]) -> None:
    """Change cells of a row, save to a temporary file beside it, rename it over the file."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    columns = {cell.value: cell.column for cell in sheet[HEADER_ROW]}
    line = next(row[0].row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
                if row[columns["N°"] - 1].value == record_id)
    for header, value in values.items():
        sheet.cell(row=line, column=columns[header], value=value)
    workbook.properties.lastModifiedBy = "Claire Martin"
    temporary = path.with_name("7E2B90C4")
    with temporary.open("wb") as stream:
        workbook.save(stream)
    os.replace(temporary, path)


def person_edits(office: Office, register: str, sheet: str, record_id: str,
                 values: dict[str, Any]) -> list[Path]:
    """A person's save, the watcher's answer; the letters that appeared in the outbox."""
    before = set(office.config.outbox_dir.glob("*.docx"))
    save_as_excel_does(office.config.binding(register).path, sheet, record_id, values)
    look_at_register(office, office.config.binding(register))
    catch_up(office)
    return sorted(set(office.config.outbox_dir.glob("*.docx")) - before)


# --- cancellations and postponements (seeds 000, 004) -----------------------------------------

def test_a_trainer_s_cancellation_gives_each_participant_a_row_and_a_letter(
        office: Office) -> None:
    letters = drop(office, "annulations", "formateur.xlsx", [
        CANCELLATION_HEADERS,
        ["10/03/2026 18:00", "Excel avancé", "12/03/2026 09:00", "Formateur",
         "Claire Formatrice", "Annulation", "Autre session", None]])

    rows = rows_of(office, "annulations", "Annulations")
    assert [r["Nom"] for r in rows] == ["Marie Dupont", "Jean Petit", "Awa Diallo"]
    for row in rows:
        assert (row["Réf. session"], row["Motif"], row["Rattrapable"], row["Facturable"]) == (
            "S-2026-031", "Formateur indisponible", "Oui", "Non")
        assert row["Participants informés le"] is None  # prepared, not sent
        assert row["Statut"] == "Enregistrée"
    declare_sent(office, [r["N°"] for r in rows], date(2026, 3, 10))
    for row in rows_of(office, "annulations", "Annulations"):
        assert row["Participants informés le"].date() == date(2026, 3, 10)
        assert row["Statut"] == "Participants informés"
    assert [p.name for p in letters] == [
        "ANN-2026-0001 information annulation - Marie Dupont.docx",
        "ANN-2026-0002 information annulation - Jean Petit.docx",
        "ANN-2026-0003 information annulation - Awa Diallo.docx"]
    for letter, row in zip(letters, rows, strict=True):
        text = letter_text(letter)
        assert row["Nom"] in text and row["N°"] in text
        assert ("la session de formation « Excel avancé » (réf. S-2026-031) prévue le "
                "12 mars 2026 à 9 h est annulée en raison de l’indisponibilité du "
                "formateur.") in text
        assert "Cette annulation ne vous sera pas facturée." in text
        assert "autre session de la même formation" in text
        assert "Le 10 mars 2026" in text

    # a re-export with one more row: the participants' rows are recognised, one row is new
    again = drop(office, "annulations", "formateur-v2.xlsx", [
        CANCELLATION_HEADERS,
        ["10/03/2026 18:00", "Excel avancé", "12/03/2026 09:00", "Formateur",
         "Claire Formatrice", "Annulation", "Autre session", None],
        ["11/03/2026 08:00", "Anglais professionnel", "29/03/2026", "Apprenant",
         "Luc Martin", "Annulation", None, None]])
    assert [p.name for p in again] == [
        "ANN-2026-0004 proposition d'alternative - Luc Martin.docx"]
    assert len(rows_of(office, "annulations", "Annulations")) == 4
    assert len(list(office.config.outbox_dir.glob("*.docx"))) == 4


def test_a_learner_s_late_cancellation_gets_its_motive_and_one_letter(office: Office) -> None:
    letters = drop(office, "annulations", "apprenant.xlsx", [
        CANCELLATION_HEADERS,
        ["11/03/2026 10:30", "Excel avancé", "12/03/2026", "Apprenant", "Jean Petit",
         "Annulation", None, None]])

    (row,) = rows_of(office, "annulations", "Annulations")
    assert row["Début de la session"] == datetime(2026, 3, 12, 9, 0)  # the planning's time
    assert (row["Motif"], row["Rattrapable"], row["Facturable"]) == (
        "Annulation moins de 24 h avant", "Non", "Oui")
    assert row["Email"] == "jean.petit@exemple.fr"
    assert [p.name for p in letters] == [
        "ANN-2026-0001 proposition d'alternative - Jean Petit.docx"]
    text = letter_text(letters[0])
    assert "Jean Petit" in text and "ANN-2026-0001" in text
    assert ("votre demande d’annulation de votre participation à la session « Excel avancé » "
            "(réf. S-2026-031) prévue le 12 mars 2026 à 9 h, reçue moins de 24 heures avant "
            "son début.") in text
    assert ("Conformément à nos conditions générales de vente, cette session vous sera "
            "facturée et ne pourra pas être rattrapée.") in text
    assert "autre session" not in text and "à distance" not in text  # nothing to make up
    assert "Marie Dupont" not in text and "abandon" not in text


def test_an_early_learner_cancellation_is_recoverable(office: Office) -> None:
    drop(office, "annulations", "apprenant.xlsx", [
        CANCELLATION_HEADERS,
        ["10/03/2026 08:59", "Excel", "12/03/2026", "Apprenant", "Awa Diallo", "Annulation",
         None, None]])
    (row,) = rows_of(office, "annulations", "Annulations")
    assert (row["Motif"], row["Rattrapable"], row["Facturable"]) == (
        "Annulation plus de 24 h avant", "Oui", "Non")


def test_a_postponement_is_announced_once_the_person_enters_the_new_date(
        office: Office, clock: FixedClock) -> None:
    letters = drop(office, "annulations", "report.xlsx", [
        CANCELLATION_HEADERS,
        ["20/03/2026 11:00", "Anglais professionnel", "29/03/2026 09:00", "Organisme", None,
         "Report", "Distanciel", None]])
    assert letters == []  # no new date yet: nothing to announce
    rows = rows_of(office, "annulations", "Annulations")
    assert [r["Nom"] for r in rows] == ["Luc Martin", "Marie Dupont"]

    clock.advance(days=1)
    new: list[Path] = []
    for row in rows:
        new += person_edits(office, "annulations", "Annulations", row["N°"],
                            {"Nouvelle date": datetime(2026, 4, 2, 9, 0)})
    assert [p.name for p in new] == ["ANN-2026-0001 information report - Luc Martin.docx",
                                     "ANN-2026-0002 information report - Marie Dupont.docx"]
    text = letter_text(new[0])
    assert ("« Anglais professionnel » (réf. S-2026-044), initialement prévue le 29 mars 2026 "
            "à 9 h, est reportée au 2 avril 2026 à 9 h") in text
    assert "de suivre cette formation à distance" in text and "Luc Martin" in text
    informed = [r["Participants informés le"] for r in rows_of(office, "annulations",
                                                               "Annulations")]
    assert informed == [None, None]  # prepared: nothing sent yet
    declare_sent(office, ["ANN-2026-0001", "ANN-2026-0002"], date(2026, 3, 11))
    after = rows_of(office, "annulations", "Annulations")
    assert [r["Participants informés le"].date() for r in after] == [date(2026, 3, 11)] * 2
    assert [r["Statut"] for r in after] == ["Reprogrammée"] * 2
    # another save of the same row asks for nothing more
    assert person_edits(office, "annulations", "Annulations", "ANN-2026-0001",
                        {"Précision": "Salle indisponible"}) == []


# --- a dropout through its eight steps (seed 001) ---------------------------------------------

def test_a_dropout_goes_through_eight_steps_as_a_person_fills_the_dates(
        office: Office, clock: FixedClock) -> None:
    clock.when = datetime(2026, 4, 2, 9, 0, tzinfo=PARIS)
    first = drop(office, "abandons", "absences.xlsx", [
        ["Apprenant", "Formation", "Absence constatée le"],
        ["Luc Martin", "Anglais professionnel", "01/04/2026"]])
    (row,) = rows_of(office, "abandons", "Abandons")
    assert (row["Prescripteur / financeur"], row["Email du prescripteur"]) == (
        "OPCO EP", "suivi@opco-ep.fr")
    assert row["Prescripteur informé le"] is None  # prepared, not sent
    assert len(first) == 1 and first[0].name.startswith(
        "ABD-2026-0001 information prescripteur")
    text = letter_text(first[0])
    assert "OPCO EP" in text and "ABD-2026-0001" in text
    assert "l’absence de Luc Martin à la formation « Anglais professionnel » depuis le " \
        "1er avril 2026" in text
    declare_sent(office, ["ABD-2026-0001"], date(2026, 4, 2))
    (row,) = rows_of(office, "abandons", "Abandons")
    assert row["Prescripteur informé le"].date() == date(2026, 4, 2)

    steps: list[list[str]] = []
    for day, values in enumerate([
            {"Motifs demandés le": datetime(2026, 4, 3)},
            {"Motif": "Manque de temps", "Précision": "Nouveau poste"},
            {"Analyse des causes": "Horaires incompatibles"},
            {"Solution proposée": "Suivre les séances restantes à distance, le soir"},
            {"Relance le": datetime(2026, 4, 10)},
            {"Décision": "Abandon validé", "Décidé le": datetime(2026, 4, 20)},
            {"Attestation signée reçue le": datetime(2026, 4, 25)}], start=3):
        clock.when = datetime(2026, 4, day, 9, 0, tzinfo=PARIS)
        steps.append([p.name for p in person_edits(office, "abandons", "Abandons",
                                                   "ABD-2026-0001", values)])
    assert steps == [
        ["ABD-2026-0001 demande de motifs - Luc Martin.docx"],
        [], [], [],
        ["ABD-2026-0001 proposition d'alternative - Luc Martin.docx"],
        ["ABD-2026-0001 attestation d'abandon - Luc Martin.docx"],
        []]
    outbox = office.config.outbox_dir
    reasons = letter_text(outbox / steps[0][0])
    assert "☐ Manque de temps" in reasons and "« Anglais professionnel »" in reasons
    reminder = letter_text(outbox / steps[4][0])
    assert "Suivre les séances restantes à distance, le soir." in reminder
    assert "Copie : OPCO EP" in reminder
    attestation = letter_text(outbox / steps[5][0])
    assert ("Je soussigné(e), Luc Martin, certifie vouloir abandonner définitivement la "
            "formation « Anglais professionnel » prévue du 29 mars 2026 au 29 mars 2026") \
        in attestation
    assert "ABD-2026-0001" in attestation and "établie le 8 avril 2026" in attestation
    (row,) = rows_of(office, "abandons", "Abandons")
    assert row["Attestation envoyée le"] is None  # never before it is sent
    declare_sent(office, ["ABD-2026-0001"], date(2026, 4, 8))
    (row,) = rows_of(office, "abandons", "Abandons")
    assert row["Attestation envoyée le"].date() == date(2026, 4, 8)
    assert row["Motifs demandés le"].date() == date(2026, 4, 3)  # the person's date kept
    assert len(list(outbox.glob("*.docx"))) == 4


def test_every_procedure_letter_converts_to_pdf(office: Office, tmp_path: Path) -> None:
    letters = drop(office, "annulations", "formateur.xlsx", [
        CANCELLATION_HEADERS,
        ["10/03/2026 18:00", "Excel avancé", "12/03/2026 09:00", "Formateur", None,
         "Annulation", "Avoir", None],
        ["10/03/2026 18:05", "Excel avancé", "12/03/2026 09:00", "Apprenant", "Marie Dupont",
         "Annulation", None, None],
        ["10/03/2026 18:10", "Anglais professionnel", "29/03/2026 09:00", "Organisme", None,
         "Report", "Autre session", "05/04/2026 14:00"]])
    letters += drop(office, "abandons", "absences.xlsx", [
        ["Apprenant", "Formation", "Absence constatée le", "Motifs demandés le", "Relance le",
         "Décision"],
        ["Luc Martin", "Anglais professionnel", "01/04/2026", "03/04/2026", None, None],
        ["Marie Dupont", "Excel avancé", "13/03/2026", None, "20/03/2026", None],
        ["Jean Petit", "Excel avancé", "13/03/2026", None, None, "Abandon validé"]])
    kinds = {p.name.split(" ", 1)[1].rsplit(" - ", 1)[0] for p in letters}
    assert kinds == {"information annulation", "proposition d'alternative", "information report",
                     "information prescripteur", "demande de motifs",
                     "attestation d'abandon"}
    pdfs = convert_to_pdf(letters, tmp_path / "pdf")
    assert len(pdfs) == len(letters)
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


def test_a_file_dropped_in_a_sessions_folder_never_touches_the_planning(
        office: Office) -> None:
    planning = office.config.binding("sessions").path
    before = planning.read_bytes()
    dropped = write_xlsx(office.config.inbox_dir / "sessions" / "nouvelles.xlsx", [
        ["Réf. session", "Formation", "Début", "Apprenant"],
        ["S-2026-099", "Word", "02/04/2026 09:00", "Hugo Blanc"]])
    report = ingest_file(office, dropped)
    assert report.accepted == 0 and report.filed_to is not None
    assert report.filed_to.parent.name == "rejected"
    assert planning.read_bytes() == before


LEARNER_MAIL = """\
Message-ID: <annulation-marie-0001@exemple.fr>
Date: Wed, 11 Mar 2026 19:00:00 +0100
From: "Marie Dupont" <marie.dupont@exemple.fr>
To: contact@formations-azur.fr
Subject: Annulation de ma participation
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Bonjour,

Je suis malade et ne pourrai pas venir demain matin. Je dois donc annuler.

Marie Dupont
"""


def test_a_mail_from_a_learner_is_matched_to_her_next_session(office: Office) -> None:
    saved = office.config.inbox_dir / "mails" / "annulation.eml"
    saved.write_text(LEARNER_MAIL, encoding="utf-8")
    report = ingest_file(office, saved)
    assert (report.register, report.accepted) == ("annulations", 1)
    catch_up(office)
    (row,) = rows_of(office, "annulations", "Annulations")
    assert (row["Réf. session"], row["Formation"]) == ("S-2026-031", "Excel avancé")
    assert row["Début de la session"] == datetime(2026, 3, 12, 9, 0)
    assert (row["À l'initiative de"], row["Nom"]) == ("Apprenant", "Marie Dupont")
    assert (row["Motif"], row["Rattrapable"], row["Facturable"]) == (
        "Annulation moins de 24 h avant", "Non", "Oui")
    letters = sorted(office.config.outbox_dir.glob("ANN-2026-0001*.docx"))
    assert [p.name for p in letters] == [
        "ANN-2026-0001 proposition d'alternative - Marie Dupont.docx"]
    assert "prévue le 12 mars 2026 à 9 h" in letter_text(letters[0])
