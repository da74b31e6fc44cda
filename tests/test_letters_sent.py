"""A sent date is a sent date: a letter written to outbox/ is prepared; the register gets its
date (and the row its status) only when it is sent — by SMTP, from a draft a person sent
(Dovecot's Sent folder), filed in outbox/envoyés/, or declared with ``letters sent``."""

from __future__ import annotations

import email
import os
import shutil
import sqlite3
import stat
import textwrap
import threading
from datetime import date, datetime
from email import policy
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from automation.cli import main
from automation.clock import PARIS, FixedClock
from automation.errors import MailboxError
from automation.letters.catalog import SentHow
from automation.pipeline import sent
from automation.pipeline.deadlines import due_now
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.mailbox import poll_once
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.pipeline.sent_mail import POSITION, check_sent_mail
from automation.pipeline.watch import run_watcher
from automation.registers.journal import Journal, LetterStatus
from automation.sources.imap import ImapSource

from .conftest import DATA, SmtpSink
from .dovecot import DovecotServer
from .spine import register_rows, write_xlsx
from .test_register_watch import fast_office, save_as_excel_does, wait_for, watching

COMPLAINT = [["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email",
              "Nature", "Objet"],
             ["20/11/2026", "Email", "Apprenant", "Mme Élodie Faure", "elodie@exemple.fr",
              "Réclamation", "Retard du formateur"]]
DROPOUT = [["Apprenant", "Formation", "Absence constatée le", "Prescripteur / financeur",
            "Email du prescripteur"],
           ["Julie Morel", "Anglais professionnel", "16/11/2026", "France Travail Nice",
            "conseiller@francetravail-exemple.fr"]]
CANCELLATION = [["Date de la demande", "Formation", "Début de la session", "À l'initiative de",
                 "Nom", "Email", "Type"],
                ["20/11/2026 10:00", "Excel avancé", "30/11/2026 09:00", "Formateur",
                 "Marie Dupont", "marie@exemple.fr", "Annulation"]]
SENT_DATES = {"reclamations": ("Réclamations", "Date d'accusé de réception"),
              "annulations": ("Annulations", "Participants informés le"),
              "abandons": ("Abandons", "Prescripteur informé le")}


def drop(office: Office, register: str, rows: list[list[Any]]) -> None:
    report = ingest_file(office, write_xlsx(office.config.inbox_dir / register / "l.xlsx",
                                            rows))
    assert report.accepted, report
    catch_up(office)


def row_of(office: Office, register: str, record_id: str) -> dict[str, Any]:
    sheet = SENT_DATES[register][0]
    rows = register_rows(office.config.binding(register).path, sheet)
    return next({k: c.value for k, c in r.items()} for r in rows if r["N°"].value == record_id)


def sent_day(office: Office, register: str, record_id: str) -> date | None:
    value = row_of(office, register, record_id)[SENT_DATES[register][1]]
    return value.date() if isinstance(value, datetime) else value


def run(office_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--dir", str(office_dir), *args], terminal_width=200)


# -- prepared is not sent ----------------------------------------------------------------------

def test_a_letter_written_to_the_outbox_writes_no_date_and_moves_no_status(
        office: Office) -> None:
    drop(office, "reclamations", COMPLAINT)
    drop(office, "abandons", DROPOUT)
    drop(office, "annulations", CANCELLATION)
    for _ in range(3):  # however often the watcher comes round
        run_watcher(office, stop=threading.Event(), once=True)
    assert len(list(office.config.outbox_dir.glob("*.docx"))) == 3
    for register, record_id in (("reclamations", "REC-2026-0001"),
                                ("abandons", "ABD-2026-0001"),
                                ("annulations", "ANN-2026-0001")):
        assert sent_day(office, register, record_id) is None
    assert row_of(office, "reclamations", "REC-2026-0001")["Statut"] == "Nouvelle"
    assert row_of(office, "annulations", "ANN-2026-0001")["Statut"] == "Enregistrée"
    assert office.journal.writebacks() == []
    jobs = office.journal.letters(statuses=[LetterStatus.DONE])
    assert len(jobs) == 3 and all(j.prepared_at and not j.sent_on for j in jobs)


def test_status_and_due_count_a_prepared_letter_until_it_is_sent(
        office_dir: Path, clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock) as office:
        drop(office, "reclamations", COMPLAINT)
        # a person moves the complaint on before the acknowledgment has left
        save_as_excel_does(office.config.binding("reclamations").path, "REC-2026-0001",
                           {"Statut": "En cours"})
        look_at_register(office, office.config.binding("reclamations"))
        clock.advance(days=4)  # the acknowledgment is now late
        items = [i for i in due_now(office) if i.step == "acknowledge"]
        assert len(items) == 1 and items[0].late
        assert items[0].task == "Accuser réception (courrier prêt, à envoyer)"
    shown = run(office_dir, "status").output
    assert "Courriers préparés, non envoyés : 1" in shown
    listed = run(office_dir, "letters").output
    assert "REC-2026-0001 — accusé de réception" in listed and "automation letters sent" in listed

    assert run(office_dir, "letters", "sent", "REC-2026-0001").exit_code == 0
    with open_office(office_dir, clock=clock) as office:
        assert [i for i in due_now(office) if i.step == "acknowledge"] == []
        row = row_of(office, "reclamations", "REC-2026-0001")
        assert row["Statut"] == "En cours"  # a status later in the flow is never moved back
        assert row["Date d'accusé de réception"] is not None
    assert "Courriers préparés, non envoyés : 0" in run(office_dir, "status").output


# -- sent by the tool --------------------------------------------------------------------------

def test_the_prescriber_mail_sent_through_smtp_dates_the_register_that_day(
        office_dir: Path, clock: FixedClock, smtp_sink: tuple[SmtpSink, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    sink, port = smtp_sink
    (office_dir / "automation.toml").write_text(textwrap.dedent(f"""
        [mail]
        source = "imap"
        [mail.imap]
        host = "127.0.0.1"
        username = "qualite"
        tls = "none"
        [mail.smtp]
        host = "127.0.0.1"
        port = {port}
        tls = "none"
        from_address = "qualite@organisme-exemple.fr"
        [letters]
        send = "send"
        """), encoding="utf-8")
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", "unused")
    with open_office(office_dir, clock=clock) as office:
        drop(office, "abandons", DROPOUT)
        assert len(sink.messages) == 1
        assert sent_day(office, "abandons", "ABD-2026-0001") == date(2026, 11, 23)
        job = office.journal.letter("abandons", "ABD-2026-0001",
                                    "information-prescripteur-absence")
        assert job is not None and job.status is LetterStatus.SENT
        assert job.sent_how == SentHow.SMTP.value


@pytest.fixture
def imap_office(office_dir: Path, dovecot: DovecotServer, smtp_sink: tuple[SmtpSink, int],
                monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, SmtpSink]:
    user = dovecot.new_user()
    sink, port = smtp_sink
    (office_dir / "automation.toml").write_text(textwrap.dedent(f"""
        [organisation]
        name = "Formations Azur"
        email = "qualite@formations-azur.fr"
        [mail]
        source = "imap"
        [mail.imap]
        host = "{dovecot.host}"
        port = {dovecot.port}
        tls = "none"
        username = "{user}"
        idle = false
        sent_folder = "Éléments envoyés"
        [mail.smtp]
        host = "127.0.0.1"
        port = {port}
        tls = "none"
        from_address = "qualite@formations-azur.fr"
        """), encoding="utf-8")
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", dovecot.password)
    dovecot.deliver((DATA / "mail-html-only-reclamation.eml").read_bytes(), user=user)
    return office_dir, user, sink


def _poll(office: Office) -> None:
    source = ImapSource.from_config(office.config.mail, state_dir=office.config.registers_dir)
    try:
        reports = poll_once(office, source)
    finally:
        source.close()
    assert [r.register for r in reports] == ["reclamations"]
    catch_up(office)


def test_an_acknowledgment_sent_as_a_reply_is_dated_and_moves_the_status(
        imap_office: tuple[Path, str, SmtpSink], clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    root, _, sink = imap_office
    monkeypatch.setenv("AUTOMATION_LETTERS_SEND", "send")
    with open_office(root, clock=clock) as office:
        _poll(office)
        assert len(sink.messages) == 1
        row = row_of(office, "reclamations", "REC-2026-0001")
        assert row["Date d'accusé de réception"].date() == date(2026, 11, 23)
        assert row["Statut"] == "Accusé envoyé"


def test_a_draft_a_person_sends_from_the_mailbox_dates_the_letter_with_the_mail_s_date(
        imap_office: tuple[Path, str, SmtpSink], dovecot: DovecotServer,
        clock: FixedClock) -> None:
    root, user, sink = imap_office
    with open_office(root, clock=clock) as office:
        _poll(office)  # letters.send = auto: the acknowledgment is a draft reply
        assert sink.messages == []
        assert row_of(office, "reclamations", "REC-2026-0001")["Statut"] in ("Nouvelle",
                                                                            "À compléter")
        with pytest.raises(MailboxError, match="no folder 'Éléments envoyés'"):
            check_sent_mail(office)  # the configured Sent folder is named when missing
    with dovecot.client(user) as imap:
        imap.create_folder("Éléments envoyés")
    with open_office(root, clock=clock) as office:
        assert check_sent_mail(office) == 0  # nothing sent yet

    with dovecot.client(user) as imap:  # two days later a person sends it from Thunderbird
        imap.select_folder("Drafts", readonly=True)
        (uid,) = imap.search("ALL")
        draft = email.message_from_bytes(imap.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"],
                                         policy=policy.default)
    del draft["X-Unsent"], draft["Date"], draft["Message-ID"]
    draft["Date"] = format_datetime(datetime(2026, 11, 25, 16, 40, tzinfo=PARIS))
    draft["Message-ID"] = make_msgid(domain="formations-azur.fr")
    draft.replace_header("Subject", "RE: " + str(draft["Subject"]))  # a person edits it
    other = email.message.EmailMessage()
    other["Subject"], other["Date"] = "Planning de décembre", draft["Date"]
    other.set_content("Sans rapport avec un courrier.")
    dovecot.deliver(other.as_bytes(), "Éléments envoyés", user=user)
    dovecot.deliver(draft.as_bytes(), "Éléments envoyés", user=user)

    with open_office(root, clock=clock) as office:
        assert check_sent_mail(office) == 1
        assert check_sent_mail(office) == 0  # read once: the position is kept
        assert office.journal.get_state(POSITION)
        row = row_of(office, "reclamations", "REC-2026-0001")
        assert row["Date d'accusé de réception"].date() == date(2026, 11, 25)  # the mail's day
        assert row["Statut"] == "Accusé envoyé"
        job = office.journal.letter("reclamations", "REC-2026-0001",
                                    "accuse-reception-reclamation")
        assert job is not None and job.sent_how == SentHow.MAILBOX.value
        assert job.sent_ref == draft["Message-ID"]


# -- sent by a person --------------------------------------------------------------------------

def test_a_letter_filed_in_outbox_envoyes_is_sent_the_day_it_is_filed(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        drop(office, "annulations", CANCELLATION)
        drop(office, "reclamations", COMPLAINT)
        outbox = office.config.outbox_dir
        (notice,) = outbox.glob("ANN-2026-0001*.docx")
        (acknowledgment,) = outbox.glob("REC-2026-0001*.docx")
        clock.advance(days=1)
        filed = outbox / "envoyés"
        filed.mkdir(exist_ok=True)
        with watching(office):
            # the notice moved as it is; the acknowledgment printed, renamed by a person
            notice.rename(filed / notice.name)
            shutil.move(str(acknowledgment), str(filed / "courrier Faure posté.docx"))
            (filed / "sans rapport.pdf").write_bytes(b"%PDF-1.4 not a letter")
            wait_for(lambda: sent_day(office, "annulations", "ANN-2026-0001") is not None)
            wait_for(lambda: sent_day(office, "reclamations", "REC-2026-0001") is not None)
        assert sent_day(office, "annulations", "ANN-2026-0001") == date(2026, 11, 24)
        assert row_of(office, "annulations", "ANN-2026-0001")["Statut"] == (
            "Participants informés")
        assert row_of(office, "reclamations", "REC-2026-0001")["Statut"] == "Accusé envoyé"
        assert office.journal.letters(statuses=[LetterStatus.DONE]) == []
        assert (filed / "sans rapport.pdf").exists()  # the office's archive is left as it is


def test_a_pdf_copy_or_a_draft_eml_filed_in_envoyes_counts_for_its_letter(
        office: Office) -> None:
    drop(office, "reclamations", COMPLAINT)
    drop(office, "abandons", DROPOUT)
    (letter,) = office.config.outbox_dir.glob("REC-2026-0001*.docx")
    jobs = sent.prepared_letters(office)
    pdf = letter.with_suffix(".pdf").name
    assert sent.letter_of_file(office, Path(pdf), jobs) is not None
    copy = Path(letter.stem + " - Copie.pdf")
    assert sent.letter_of_file(office, copy, jobs).record_id == "REC-2026-0001"
    scan = Path("ABD-2026-0001 scan signé.pdf")
    assert sent.letter_of_file(office, scan, jobs).record_id == "ABD-2026-0001"
    eml = office.config.outbox_dir / "envoyés" / "réponse.eml"
    eml.parent.mkdir(exist_ok=True)
    message = email.message.EmailMessage()
    message["Subject"] = "Votre réclamation"
    message.set_content("Ci-joint.")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename=pdf)
    eml.write_bytes(message.as_bytes())
    assert sent.letter_of_file(office, eml, jobs).record_id == "REC-2026-0001"
    assert sent.letter_of_file(office, Path("autre.docx"), jobs) is None


def test_letters_sent_marks_the_letters_of_the_ids_with_the_day_given(
        office_dir: Path, clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock) as office:
        drop(office, "annulations", CANCELLATION)
        drop(office, "reclamations", COMPLAINT)
    bad = run(office_dir, "letters", "sent", "ANN-2026-0001", "--on", "31/02/2026")
    assert bad.exit_code == 2 and "n'est pas une date" in bad.output
    future = run(office_dir, "letters", "sent", "ANN-2026-0001", "--on", "01/01/2100")
    assert future.exit_code == 2 and "n'est pas encore arrivé" in future.output
    done = run(office_dir, "letters", "sent", "ann-2026-0001", "REC-2026-0009", "--on",
               "24/11/2026")
    assert done.exit_code == 1, done.output  # one id has no letter
    assert "ANN-2026-0001 — information annulation : envoyé le 24/11/2026" in done.output
    assert "REC-2026-0009 : aucun courrier n'est prévu pour ce numéro" in done.output
    with open_office(office_dir, clock=clock) as office:
        assert sent_day(office, "annulations", "ANN-2026-0001") == date(2026, 11, 24)
        assert sent_day(office, "reclamations", "REC-2026-0001") is None


def test_letters_sent_while_the_watcher_runs_is_written_by_the_watcher(
        office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        drop(office, "reclamations", COMPLAINT)
        with watching(office):
            result = run(office_dir, "letters", "sent", "REC-2026-0001")
            assert result.exit_code == 0, result.output
            assert "« automation watch » reporte ces dates" in result.output
            wait_for(lambda: sent_day(office, "reclamations", "REC-2026-0001") is not None)


# -- what the journal keeps --------------------------------------------------------------------

def test_a_journal_of_the_previous_version_counts_its_dated_letters_as_sent(
        tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE letters (register TEXT NOT NULL, record_id TEXT NOT NULL,
            kind TEXT NOT NULL, status TEXT NOT NULL, path TEXT NOT NULL DEFAULT '',
            error TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL, date_field TEXT NOT NULL
            DEFAULT '', recipient_key TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (register, record_id, kind));
        CREATE TABLE rows (register TEXT NOT NULL, record_id TEXT NOT NULL, fingerprint TEXT
            NOT NULL UNIQUE, source TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '',
            values_json TEXT NOT NULL, recorded_at TEXT NOT NULL, written_at TEXT,
            note TEXT NOT NULL DEFAULT '', PRIMARY KEY (register, record_id));
        INSERT INTO letters VALUES ('reclamations', 'REC-2026-0001',
            'accuse-reception-reclamation', 'done', 'x.docx', '', '2026-11-20T09:00:00+01:00',
            'acknowledged_on', 'name');
        PRAGMA user_version = 3;
    """)
    old.close()
    with Journal(path) as journal:
        (job,) = journal.letters(statuses=[LetterStatus.SENT])
    assert job.sent_on == "2026-11-20" and job.prepared_at


def test_a_letter_is_sent_once_whatever_says_so_next(office: Office) -> None:
    drop(office, "reclamations", COMPLAINT)
    on = date(2026, 11, 23)
    args = ("reclamations", "REC-2026-0001", "accuse-reception-reclamation")
    assert sent.mark_sent(office, *args, on=on, how=SentHow.FILED)
    assert not sent.mark_sent(office, *args, on=date(2026, 11, 24), how=SentHow.DECLARED)
    job = office.journal.letter(*args)
    assert job is not None and (job.sent_on, job.sent_how) == ("2026-11-23", SentHow.FILED)
    assert not sent.mark_sent(office, "reclamations", "REC-2026-0404",
                              "accuse-reception-reclamation", on=on, how=SentHow.FILED)


# -- a letter that could not be written ---------------------------------------------------------

def test_a_letter_stopped_by_an_unwritable_outbox_comes_once_the_folder_is_fixed(
        office: Office) -> None:
    outbox = office.config.outbox_dir
    if outbox.exists():
        shutil.rmtree(outbox)
    outbox.write_text("a file where the folder should be", encoding="utf-8")
    drop(office, "reclamations", COMPLAINT)
    (job,) = office.journal.letters(statuses=[LetterStatus.PENDING])
    assert "outbox" in job.error
    outbox.unlink()  # a person puts the folder back
    catch_up(office)  # the watcher's next turn: no command needed
    assert office.journal.letters(statuses=[LetterStatus.PENDING]) == []
    assert len(list(outbox.glob("REC-2026-0001*.docx"))) == 1


def test_a_letter_is_created_with_the_folder_s_usual_permissions(office: Office) -> None:
    previous = os.umask(0o022)
    try:
        drop(office, "reclamations", COMPLAINT)
    finally:
        os.umask(previous)
    (letter,) = office.config.outbox_dir.glob("*.docx")
    assert stat.S_IMODE(letter.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_a_status_a_person_sets_meanwhile_is_never_moved_back(office: Office) -> None:
    drop(office, "reclamations", COMPLAINT)
    assert sent.mark_sent(office, "reclamations", "REC-2026-0001",
                          "accuse-reception-reclamation", on=date(2026, 11, 23),
                          how=SentHow.DECLARED)
    # a person escalates the complaint in Excel; the tool has not looked at the file since
    save_as_excel_does(office.config.binding("reclamations").path, "REC-2026-0001",
                       {"Statut": "Escaladée"})
    catch_up(office)
    row = row_of(office, "reclamations", "REC-2026-0001")
    assert row["Statut"] == "Escaladée"
    assert row["Date d'accusé de réception"].date() == date(2026, 11, 23)


def test_a_letter_cannot_be_declared_sent_before_it_was_written(
        office_dir: Path, clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock) as office:
        drop(office, "reclamations", COMPLAINT)
    early = run(office_dir, "letters", "sent", "REC-2026-0001", "--on", "01/11/2026")
    assert early.exit_code == 1
    assert "le courrier n'a été préparé que le 23/11/2026" in early.output
    with open_office(office_dir, clock=clock) as office:
        assert sent_day(office, "reclamations", "REC-2026-0001") is None
