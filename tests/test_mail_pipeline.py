"""Mails, saved into the inbox or fetched from a real IMAP server, become register rows."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import openpyxl
import pytest

from automation.pipeline.files import ingest_file
from automation.pipeline.mailbox import poll_once
from automation.pipeline.office import Office, open_office
from automation.pipeline.watch import run_watcher
from automation.registers.journal import Journal
from automation.sources.imap import ImapSource

from .conftest import DATA, SHARED_DATA
from .dovecot import DovecotServer
from .spine import docx_text, register_rows

CORPUS = sorted((SHARED_DATA / "mail-corpus").rglob("*.eml")) + sorted(
    (SHARED_DATA / "msg").glob("*.msg"))


def _drop(office: Office, sample: str, folder: str = "mails") -> Path:
    target = office.config.inbox_dir / folder / sample
    shutil.copyfile(DATA / sample, target)
    return target


def test_a_saved_complaint_mail_becomes_a_row_and_an_acknowledgment(office: Office) -> None:
    report = ingest_file(office, _drop(office, "mail-iso8859-euro-reclamation.eml"))
    assert (report.register, report.accepted) == ("reclamations", 1)
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert len(rows) == 1
    row = rows[0]
    assert row["Canal"].value == "Email"
    assert "1 250 €" in row["Objet"].value
    assert "<" in row["Source"].value or "mail" in row["Source"].value.lower()
    assert report.filed_to is not None and report.filed_to.parent.name == "processed"
    letters = list(office.config.outbox_dir.glob("REC-2026-0001*.docx"))
    assert len(letters) == 1 and "REC-2026-0001" in docx_text(letters[0])
    journal = openpyxl.load_workbook(office.config.binding("reclamations").path)["Journal"]
    additions = [[c.value for c in r] for r in journal.iter_rows(min_row=2)
                 if r[1].value == "Ajout"]
    assert additions and "règle" in str(additions[0][4])  # which rule classified the mail


def test_the_same_mail_saved_twice_gives_one_row(office: Office) -> None:
    ingest_file(office, _drop(office, "mail-html-only-reclamation.eml"))
    again = ingest_file(office, _drop(office, "mail-html-only-reclamation.eml", folder=""))
    assert again.accepted == 0
    assert len(register_rows(office.config.binding("reclamations").path, "Réclamations")) == 1


def test_a_spreadsheet_attached_to_a_mail_gives_rows_that_name_their_mail(
        office: Office) -> None:
    report = ingest_file(office, _drop(office, "mail-xlsx-attachment.eml"))
    assert report.register == "reclamations"
    [attachment] = report.attachments
    assert (attachment.name, attachment.register, attachment.accepted) == (
        "réclamations-mars.xlsx", "reclamations", 2)
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert len(rows) == 3  # the mail's own row and the attachment's two rows
    sources = [str(r["Source"].value) for r in rows[1:]]
    assert all(s.startswith("réclamations-mars.xlsx (pièce jointe du mail de ") for s in sources)
    # The attachment is kept with the mail's row, never written back into the inbox.
    kept = office.config.outbox_dir / f"{report.record_id} pièces jointes"
    assert (kept / "réclamations-mars.xlsx").exists()
    assert not list(office.config.inbox_dir.glob("*.xlsx"))
    assert not (office.config.inbox_dir / "processed" / "réclamations-mars.xlsx").exists()


def test_an_attachment_name_cannot_escape_the_office_folder(office: Office) -> None:
    ingest_file(office, _drop(office, "mail-path-traversal.eml"))
    root = office.config.root
    assert not (root.parent / "x.xlsx").exists() and not (root / "x.xlsx").exists()


def test_an_unclassified_mail_is_set_aside_and_listed_for_a_person(office: Office) -> None:
    report = ingest_file(office, _drop(office, "mail-auto-reply.eml"))
    assert report.accepted == 0
    assert report.filed_to is not None and report.filed_to.parent.name == "unclassified"
    assert [" ".join(e.subject.split()) for e in office.journal.mails_left()] == [
        "Réponse automatique : Absent du bureau"]


def test_every_real_mail_of_the_corpus_ends_where_a_person_sees_it(office: Office) -> None:
    assert len(CORPUS) > 100
    for path in CORPUS:
        shutil.copyfile(path, office.config.inbox_dir / "mails" / f"{path.parent.name}-{path.name}")
    reports = run_watcher(office, stop=threading.Event(), once=True)
    assert len(reports) == len(CORPUS)
    assert list((office.config.inbox_dir / "mails").iterdir()) == []
    places = {r.filed_to.parent.name for r in reports if r.filed_to is not None}
    assert places <= {"processed", "unclassified", "rejected", "duplicates"}
    assert all(r.filed_to is not None for r in reports)
    for report in reports:
        if report.filed_to is not None and report.filed_to.parent.name == "rejected":
            note = report.filed_to.with_name(report.filed_to.name + ".LISEZ-MOI.txt")
            assert note.read_text(encoding="utf-8-sig").strip()


# -- a real IMAP server ------------------------------------------------------------------------


@pytest.fixture
def imap_office(office_dir: Path, dovecot: DovecotServer,
                monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    user = dovecot.new_user()
    (office_dir / "automation.toml").write_text(textwrap.dedent(f"""
        [organisation]
        name = "Formations Azur"
        email = "contact@formations-azur.fr"

        [mail]
        source = "imap"

        [mail.imap]
        host = "{dovecot.host}"
        port = {dovecot.port}
        tls = "none"
        username = "{user}"
        idle = false
        """), encoding="utf-8")
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", dovecot.password)
    return office_dir, user


def _deliver_samples(dovecot: DovecotServer, user: str) -> None:
    for sample in ("mail-iso8859-euro-reclamation.eml", "mail-html-only-reclamation.eml",
                   "mail-auto-reply.eml"):
        dovecot.deliver((DATA / sample).read_bytes(), user=user)


def test_imap_mails_become_rows_with_draft_answers_and_are_filed(
        imap_office: tuple[Path, str], dovecot: DovecotServer, clock) -> None:
    root, user = imap_office
    _deliver_samples(dovecot, user)
    with open_office(root, clock=clock) as office:
        source = ImapSource.from_config(office.config.mail, state_dir=office.config.registers_dir)
        try:
            reports = poll_once(office, source)
            again = poll_once(office, source)
        finally:
            source.close()
    assert sorted(r.register for r in reports) == ["", "reclamations", "reclamations"]
    assert again == []
    rows = register_rows(root / "registers" / "reclamations.xlsx", "Réclamations")
    assert len(rows) == 2
    assert len(dovecot.message_ids("Traité", user=user)) == 2
    assert len(dovecot.message_ids("INBOX", user=user)) == 1  # the auto-reply, left alone
    with dovecot.client(user) as imap:
        drafts = [f[2] for f in imap.list_folders() if "Drafts" in f[2] or b"\\Drafts" in f[0]]
        assert drafts
        imap.select_folder(drafts[0], readonly=True)
        assert len(imap.search("ALL")) == 2
    assert sorted(r.answered for r in reports if r.register) == ["draft", "draft"]


CRASHING_CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from automation.pipeline.mailbox import open_source, poll_once
    from automation.pipeline.office import open_office
    from automation.sources.imap import ImapSource

    def crash(self, item):  # the row is written; the mail is not moved yet
        os.kill(os.getpid(), signal.SIGKILL)

    ImapSource.mark_processed = crash
    with open_office(Path(sys.argv[1])) as office:
        poll_once(office, open_source(office.config))
""")


def test_killed_after_the_row_and_before_the_move_then_restarted_gives_one_row(
        imap_office: tuple[Path, str], dovecot: DovecotServer) -> None:
    root, user = imap_office
    dovecot.deliver((DATA / "mail-html-only-reclamation.eml").read_bytes(), user=user)
    child = subprocess.run([sys.executable, "-c", CRASHING_CHILD, str(root)],
                           capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    with Journal(root / "registers" / ".journal.sqlite3") as journal:
        assert journal.count_rows("reclamations") == 1  # recorded before the kill
    assert len(dovecot.message_ids("INBOX", user=user)) == 1

    restart = subprocess.run([sys.executable, "-m", "automation", "--dir", str(root), "mail",
                              "fetch"], capture_output=True, text=True, timeout=120,
                             check=False, env={**os.environ, "COLUMNS": "200"})
    assert restart.returncode == 0, restart.stdout + restart.stderr
    assert len(register_rows(root / "registers" / "reclamations.xlsx", "Réclamations")) == 1
    assert dovecot.message_ids("INBOX", user=user) == []
    assert len(dovecot.message_ids("Traité", user=user)) == 1
    drafts = [f for f in os.listdir(root / "outbox") if f.endswith(".docx")]
    assert len(drafts) == 1


def _watch_in_thread(office: Office) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=run_watcher, args=(office,), kwargs={"stop": stop},
                              daemon=True)
    thread.start()
    return stop, thread


def _wait_until(condition, timeout: float = 120.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_running_watcher_takes_new_imap_mail(imap_office: tuple[Path, str],
                                                 dovecot: DovecotServer, clock) -> None:
    root, user = imap_office
    with open_office(root, clock=clock) as office:
        stop, thread = _watch_in_thread(office)
        try:
            dovecot.deliver((DATA / "mail-html-only-reclamation.eml").read_bytes(), user=user)
            _wait_until(lambda: len(dovecot.message_ids("Traité", user=user)) == 1)
        finally:
            stop.set()
            thread.join(15)
        assert not thread.is_alive()
        assert office.journal.count_rows("reclamations") == 1


def test_an_unreachable_mailbox_does_not_stop_the_drop_folder(
        office_dir: Path, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    from .dovecot import free_port

    (office_dir / "automation.toml").write_text(textwrap.dedent(f"""
        [mail]
        source = "imap"
        [mail.imap]
        host = "127.0.0.1"
        port = {free_port()}
        tls = "none"
        username = "personne"
        [watch]
        settle_seconds = 0.3
        """), encoding="utf-8")
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", "x")
    with open_office(office_dir, clock=clock) as office:
        stop, thread = _watch_in_thread(office)
        try:
            _wait_until(lambda: office.journal.get_state("mailbox_since") is not None)
            shutil.copyfile(DATA / "mail-html-only-reclamation.eml",
                            office_dir / "inbox" / "mails" / "plainte.eml")
            _wait_until(lambda: office.journal.count_rows("reclamations") == 1)
        finally:
            stop.set()
            thread.join(15)
        assert "127.0.0.1" in (office.journal.get_state("mailbox_error") or "")
