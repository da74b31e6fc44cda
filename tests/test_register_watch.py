"""A person saves a register the way Excel does; the watcher answers once and never loops."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.clock import FixedClock
from automation.config import RegisterOverride, Watch, load_config
from automation.letters.produce import stored_identity
from automation.letters.smtp import SmtpSender
from automation.mail_config import SmtpSettings
from automation.pipeline import sent
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.pipeline.reminders import Send
from automation.pipeline.watch import run_watcher
from automation.pipeline.writeback import write_back
from automation.registers.workbook import HEADER_ROW
from tests.conftest import SmtpSink

from .spine import docx_text, register_rows, write_xlsx

FAST = Watch(settle_seconds=0.3, rescan_seconds=1.0, poll_seconds=0.0, retry_seconds=0.5)
SHEET = "Réclamations"
AUTHOR = "Claire Martin"
COMPLAINT = [
    ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email", "Nature",
     "Objet"],
    ["20/11/2026", "Email", "Apprenant", "Martin Dupont", "martin.dupont@exemple.fr",
     "Réclamation", "Retard du formateur"],
]
ANSWER = "Le planning du formateur a été revu ; la séance manquée est rattrapée le 4 décembre."
ACTION = "Alerte SMS aux apprenants en cas de retard"


# -- helpers ----------------------------------------------------------------------------------

@contextmanager
def fast_office(office_dir: Path, clock: FixedClock) -> Iterator[Office]:
    config = replace(load_config(office_dir), watch=FAST)
    with open_office(office_dir, clock=clock, config=config) as office:
        yield office


def with_complaint(office: Office, rows: list[list[Any]] = COMPLAINT) -> Path:
    """A complaint recorded through the inbox, its acknowledgment prepared (not sent)."""
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "plainte.xlsx", rows)
    ingest_file(office, dropped)
    catch_up(office)
    return office.config.binding("reclamations").path


def save_as_excel_does(path: Path, record_id: str, values: dict[str, Any], *,
                       author: str = AUTHOR, sheet_name: str = SHEET) -> None:
    """Change cells of a row, save to a temporary file beside it, rename it over the register."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    columns = {cell.value: cell.column for cell in sheet[HEADER_ROW]}
    line = next(row[0].row for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
                if row[columns["N°"] - 1].value == record_id)
    for header, value in values.items():
        sheet.cell(row=line, column=columns[header], value=value)
    workbook.properties.lastModifiedBy = author
    temporary = path.with_name("5F3A9C1B")  # Excel's temporary save: 8 hex digits
    with temporary.open("wb") as stream:
        workbook.save(stream)
    os.replace(temporary, path)


def cell(path: Path, record_id: str, header: str, sheet_name: str = SHEET) -> Any:
    row = next(r for r in register_rows(path, sheet_name) if r["N°"].value == record_id)
    return row[header].value


def declare_sent(office: Office, *record_ids: str) -> None:
    """A person says the prepared letters of ``record_ids`` left today (``letters sent``)."""
    result = sent.declare_sent(office, list(record_ids), on=sent.today(office))
    assert result.marked and not result.problems, result
    write_back(office)


def file_as_sent(office: Office, letter: Path) -> Path:
    """A person files a printed and posted letter in outbox/envoyés/."""
    folder = office.config.outbox_dir / "envoyés"
    folder.mkdir(exist_ok=True)
    return letter.rename(folder / letter.name)


def letters_of(office: Office, kind: str) -> list[Path]:
    return [p for p in office.config.outbox_dir.glob("*.docx")
            if stored_identity(p).split("|")[1:2] == [kind]]


def backups(office: Office) -> int:
    return len(list(office.backup_dir.glob("*"))) if office.backup_dir.exists() else 0


def settled(office: Office) -> bool:
    """Nothing left to write: every date and change is in the workbook."""
    return not office.journal.registers_to_write()


def wait_for(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    """Wait for ``condition``; the bound only keeps a broken watcher from hanging CI."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@contextmanager
def watching(office: Office, *, poll: float = 0.0, send: Send | None = None) -> Iterator[None]:
    """The real watcher (both folders, the periodic tasks) in a thread."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            run_watcher(office, stop=stop, poll=poll, send_digest=send)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert not failures, failures


def quiet(office: Office, seconds: float = 3.5) -> tuple[int, int]:
    """Letters and backups before and after a few rescans with nothing to do."""
    before = (len(list(office.config.outbox_dir.glob("*.docx"))), backups(office))
    time.sleep(seconds)
    after = (len(list(office.config.outbox_dir.glob("*.docx"))), backups(office))
    assert after == before, "the watcher kept writing after it answered"
    return after


# -- the person's edit --------------------------------------------------------------------------

@pytest.mark.parametrize("poll", [0.0, 0.3], ids=["os-events", "polling"])
def test_complaint_resolved_in_excel_gets_one_answer_and_its_date(
        office_dir: Path, clock: FixedClock, poll: float) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        assert cell(register, "REC-2026-0001", "Date d'accusé de réception") is None  # unsent
        with watching(office, poll=poll):
            save_as_excel_does(register, "REC-2026-0001", {
                "Statut": "Résolue", "Réponse apportée": ANSWER,
                "Action corrective / d'amélioration": ACTION})
            wait_for(lambda: len(letters_of(office, "reponse-reclamation")) == 1)
            answers = letters_of(office, "reponse-reclamation")
            body = docx_text(answers[0]).replace("\u00a0", " ")
            time.sleep(1.0)  # a few turns of the watcher: nothing is dated before it is sent
            assert cell(register, "REC-2026-0001", "Date de réponse") is None
            file_as_sent(office, answers[0])
            wait_for(lambda: cell(register, "REC-2026-0001", "Date de réponse") is not None)
            quiet(office)

        assert letters_of(office, "reponse-reclamation") == []  # filed in outbox/envoyés/
        assert ANSWER in body and "REC-2026-0001" in body
        assert ACTION not in body  # the office's corrective action is not the recipient's
        assert cell(register, "REC-2026-0001", "Date de réponse").date() == date(2026, 11, 23)
        assert cell(register, "REC-2026-0001", "Statut") == "Résolue"  # the person's value

        changes = office.journal.changes(register="reclamations")
        fills = [c.entry for c in changes if c.entry.field == "responded_on"]
        assert len(fills) == 1 and fills[0].author == "automation"
        edits = {c.entry.field: c.entry for c in changes if c.entry.author == AUTHOR}
        assert edits["status"].old == "Nouvelle" and edits["status"].new == "Résolue"
        assert edits["response"].new == ANSWER
        assert all(c.noted for c in changes)

        journal_sheet = openpyxl.load_workbook(register)["Journal"]
        lines = [[c.value for c in row] for row in journal_sheet.iter_rows()]
        edited = [line for line in lines if "Modification" in line]
        assert len(edited) == 1 and AUTHOR in edited[0]
        assert any("Résolue" in str(value) for value in edited[0])


def test_a_response_date_typed_by_a_person_is_kept_and_the_letter_still_comes_once(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        count = backups(office)
        with watching(office):
            save_as_excel_does(register, "REC-2026-0001", {
                "Statut": "Résolue", "Réponse apportée": ANSWER,
                "Date de réponse": datetime(2026, 11, 20)})
            wait_for(lambda: len(letters_of(office, "reponse-reclamation")) == 1
                     and settled(office))
            wait_for(lambda: backups(office) > count)  # the edit listed in the Journal sheet
            quiet(office)
        assert cell(register, "REC-2026-0001", "Date de réponse").date() == date(2026, 11, 20)
        assert len(letters_of(office, "reponse-reclamation")) == 1
        fills = [c for c in office.journal.changes() if c.entry.field == "responded_on"]
        assert [c.entry.author for c in fills] == [AUTHOR]  # the person's, none by the tool
        assert office.journal.writebacks() == []
        declare_sent(office, "REC-2026-0001")  # sent later: the person's date still stands
        assert cell(register, "REC-2026-0001", "Date de réponse").date() == date(2026, 11, 20)


def test_a_register_seen_for_the_first_time_calls_for_nothing(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        save_as_excel_does(register, "REC-2026-0001", {"Statut": "Résolue",
                                                       "Réponse apportée": ANSWER})
        # The office points the tool at its own workbook, already full of answered rows.
        own = register.with_name("Registre réclamations 2026.xlsx")
        shutil.copyfile(register, own)
        config = replace(office.config, register_overrides={
            "reclamations": RegisterOverride(file=own.name)})
        moved = Office(config=config, journal=office.journal, clock=office.clock)
        report = look_at_register(moved, moved.config.binding("reclamations"))
        assert report is not None and report.first_sight and not report.letters
        catch_up(moved)
        assert letters_of(moved, "reponse-reclamation") == []
        assert look_at_register(moved, moved.config.binding("reclamations")) is None


def test_an_edit_that_reaches_no_new_step_is_journaled_without_a_letter(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        save_as_excel_does(register, "REC-2026-0001", {"Analyse des causes": "Train en retard"})
        report = look_at_register(office, office.config.binding("reclamations"))
        assert report is not None and report.changed == ("REC-2026-0001",)
        assert report.letters == () and report.author == AUTHOR
        catch_up(office)
        assert letters_of(office, "reponse-reclamation") == []
        assert look_at_register(office, office.config.binding("reclamations")) is None


def test_rows_appended_after_a_person_s_save_are_known_and_the_save_is_compared_once(
        office_dir: Path, clock: FixedClock) -> None:
    """The append after a person's save takes in its own rows and leaves the file to the
    comparison to come, which finds the person's edit and not the tool's new row."""
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        binding = office.config.binding("reclamations")
        save_as_excel_does(register, "REC-2026-0001", {"Analyse des causes": "Train en retard"})
        second = [COMPLAINT[0], ["21/11/2026", *COMPLAINT[1][1:3], "Lucie Bernard",
                                 "lucie.bernard@exemple.fr", *COMPLAINT[1][5:]]]
        dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "seconde.xlsx", second)
        assert ingest_file(office, dropped).accepted == 1
        status = register.stat()
        seen = office.journal.register_seen("reclamations")
        assert seen is not None and (seen.size, seen.mtime_ns) != (status.st_size,
                                                                  status.st_mtime_ns)
        kept = office.journal.snapshot("reclamations")
        assert kept["REC-2026-0002"]["name"] == "Lucie Bernard"
        assert kept["REC-2026-0001"].get("cause_analysis") in (None, "")  # not yet compared
        report = look_at_register(office, binding)
        assert report is not None
        assert report.changed == ("REC-2026-0001",) and report.added == ()
        assert office.journal.snapshot("reclamations")["REC-2026-0001"]["cause_analysis"] == (
            "Train en retard")
        assert look_at_register(office, binding) is None


def test_a_row_typed_in_the_workbook_gets_its_acknowledgment(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        workbook = openpyxl.load_workbook(register)
        sheet = workbook[SHEET]
        columns = {c.value: c.column for c in sheet[HEADER_ROW]}
        line = HEADER_ROW + 2
        for header, value in {"N°": "REC-2026-0042", "Date de réception": datetime(2026, 11, 22),
                              "Canal": "Téléphone", "Partie prenante": "Entreprise",
                              "Nom du déclarant": "Durand SARL", "Nature": "Réclamation",
                              "Objet": "Facture en double", "Statut": "Nouvelle"}.items():
            sheet.cell(row=line, column=columns[header], value=value)
        workbook.save(register)
        report = look_at_register(office, office.config.binding("reclamations"))
        assert report is not None and report.added == ("REC-2026-0042",)
        assert report.letters == (("REC-2026-0042", "accuse-reception-reclamation"),)
        catch_up(office)
        acknowledgments = letters_of(office, "accuse-reception-reclamation")
        assert len(acknowledgments) == 2
        assert cell(register, "REC-2026-0042", "Date d'accusé de réception") is None
        declare_sent(office, "REC-2026-0042")
        assert cell(register, "REC-2026-0042", "Date d'accusé de réception") is not None
        assert cell(register, "REC-2026-0042", "Statut") == "Accusé envoyé"


def test_edits_wait_while_the_workbook_is_open_in_excel(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        save_as_excel_does(register, "REC-2026-0001", {"Statut": "Résolue",
                                                       "Réponse apportée": ANSWER})
        owner = register.with_name("~$" + register.name)
        owner.write_bytes(b"Claire")
        look_at_register(office, office.config.binding("reclamations"))
        catch_up(office)
        assert len(letters_of(office, "reponse-reclamation")) == 1  # the letter does not wait
        sent.declare_sent(office, ["REC-2026-0001"], on=sent.today(office),
                          kinds=["reponse-reclamation"])
        catch_up(office)
        assert cell(register, "REC-2026-0001", "Date de réponse") is None
        assert [w.register for w in office.journal.waits()] == ["reclamations"]
        owner.unlink()
        catch_up(office)
        assert cell(register, "REC-2026-0001", "Date de réponse") is not None
        assert office.journal.waits() == [] and office.journal.writebacks() == []
        assert look_at_register(office, office.config.binding("reclamations")) is None


def test_each_dropout_step_a_person_enters_gets_its_letter_once(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        dropped = write_xlsx(office.config.inbox_dir / "abandons" / "absences.xlsx", [
            ["Apprenant", "Email", "Formation", "Absence constatée le",
             "Prescripteur / financeur", "Email du prescripteur"],
            ["Léa Petit", "lea.petit@exemple.fr", "Excel avancé", "16/11/2026",
             "France Travail", "conseiller@francetravail.fr"]])
        ingest_file(office, dropped)
        catch_up(office)
        binding = office.config.binding("abandons")
        sheet = binding.sheet_name
        assert len(letters_of(office, "information-prescripteur-absence")) == 1
        assert cell(binding.path, "ABD-2026-0001", "Prescripteur informé le", sheet) is None
        declare_sent(office, "ABD-2026-0001")
        assert cell(binding.path, "ABD-2026-0001", "Prescripteur informé le", sheet) is not None

        save_as_excel_does(binding.path, "ABD-2026-0001",
                           {"Motifs demandés le": datetime(2026, 11, 20)}, sheet_name=sheet)
        look_at_register(office, binding)
        catch_up(office)
        assert len(letters_of(office, "demande-motifs-abandon")) == 1

        save_as_excel_does(binding.path, "ABD-2026-0001", {
            "Décision": "Abandon validé", "Décidé le": datetime(2026, 11, 23)},
            sheet_name=sheet)
        look_at_register(office, binding)
        catch_up(office)
        assert len(letters_of(office, "attestation-abandon")) == 1
        assert cell(binding.path, "ABD-2026-0001", "Attestation envoyée le", sheet) is None
        file_as_sent(office, letters_of(office, "attestation-abandon")[0])
        run_watcher(office, stop=threading.Event(), once=True)
        assert cell(binding.path, "ABD-2026-0001", "Attestation envoyée le", sheet) is not None
        assert cell(binding.path, "ABD-2026-0001", "Motifs demandés le",
                    sheet).date() == date(2026, 11, 20)
        assert look_at_register(office, binding) is None
        assert len(letters_of(office, "demande-motifs-abandon")) == 1
        assert len(letters_of(office, "information-prescripteur-absence")) == 1


# -- the daily digest -------------------------------------------------------------------------

def test_the_watcher_sends_one_digest_a_day_however_many_changes(
        office_dir: Path, clock: FixedClock, smtp_sink: tuple[SmtpSink, int]) -> None:
    sink, port = smtp_sink
    (office_dir / "automation.toml").write_text(
        '[deadlines.owners]\n"Responsable qualité" = "qualite@exemple.fr"\n', encoding="utf-8")
    send = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none",
                                   timeout_seconds=5)).send
    late = [COMPLAINT[0], ["01/10/2026", *COMPLAINT[1][1:]]]  # answer due long ago
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office, late)
        with watching(office, send=send):
            wait_for(lambda: len(sink.messages) == 1)
            for analysis in ("Train en retard", "Train en retard, formateur prévenu tard"):
                count = backups(office)
                save_as_excel_does(register, "REC-2026-0001", {"Analyse des causes": analysis})
                # the change is noted and written: the next save starts from the tool's file
                wait_for(lambda count=count: backups(office) > count and settled(office))
            quiet(office)
        assert len(sink.messages) == 1
        text = sink.messages[0].decode("utf-8", "replace")
        assert "qualite@exemple.fr" in text and "REC-2026-0001" in text


def test_automation_watch_answers_an_edit_and_stops_cleanly(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
    env = {**os.environ, "AUTOMATION_WATCH_SETTLE_SECONDS": "0.3",
           "AUTOMATION_WATCH_RESCAN_SECONDS": "1", "AUTOMATION_WATCH_RETRY_SECONDS": "0.5"}
    watcher = subprocess.Popen([sys.executable, "-m", "automation", "--dir", str(office_dir),
                                "watch"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        save_as_excel_does(register, "REC-2026-0001", {"Statut": "Résolue",
                                                       "Réponse apportée": ANSWER})
        outbox = office_dir / "outbox"
        wait_for(lambda: any("reponse" in p.name for p in outbox.glob("*.docx")))
        answer = next(p for p in outbox.glob("*.docx") if "reponse" in p.name)
        (outbox / "envoyés").mkdir(exist_ok=True)
        answer.rename(outbox / "envoyés" / answer.name)  # printed, posted, filed
        wait_for(lambda: cell(register, "REC-2026-0001", "Date de réponse") is not None)
    finally:
        watcher.send_signal(signal.SIGTERM)
        output, _ = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, output
    assert len([p for p in (outbox / "envoyés").glob("*.docx") if "reponse" in p.name]) == 1
