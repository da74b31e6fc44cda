"""A mailbox cycle takes its mails by groups: one LibreOffice call for the PDFs a group's sent
answers carry, drafts saved once even when a crash comes between saving and noting them.

Real parts: Dovecot on loopback, aiosmtpd as the SMTP server, LibreOffice. LibreOffice's calls
are counted through a ``soffice`` found first on PATH that notes its arguments and runs the
real one.
"""

from __future__ import annotations

import email
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from email import policy
from pathlib import Path

import pytest

from automation.crashpoints import VARIABLE
from automation.intake.mail import mail_fingerprint
from automation.pipeline.mailbox import poll_once
from automation.pipeline.office import open_office
from automation.registers.journal import Journal, LetterStatus
from automation.sources.imap import ImapSource

from .conftest import SmtpSink
from .dovecot import DovecotServer
from .test_imap import french_mail


@pytest.fixture
def user(dovecot: DovecotServer) -> str:
    return dovecot.new_user()


def _configure(root: Path, dovecot: DovecotServer, user: str, extra: str = "") -> None:
    (root / "automation.toml").write_text(textwrap.dedent(f"""
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
        """) + extra, encoding="utf-8")


def _counting_soffice(folder: Path) -> Path:
    """A ``soffice`` that writes one line per call (its arguments), then runs the real one."""
    real = shutil.which("soffice")
    assert real is not None, "LibreOffice (soffice) is required"
    folder.mkdir()
    log = folder / "calls.log"
    script = folder / "soffice"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return log


@pytest.mark.slow
def test_the_pdfs_of_a_groups_sent_answers_come_from_one_libreoffice_call(
        office_dir: Path, dovecot: DovecotServer, user: str, clock,
        smtp_sink: tuple[SmtpSink, int], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sink, port = smtp_sink
    _configure(office_dir, dovecot, user, textwrap.dedent(f"""
        [mail.smtp]
        host = "127.0.0.1"
        port = {port}
        tls = "none"
        from_address = "qualite@formations-azur.fr"
        [letters]
        send = "send"
        """))
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", dovecot.password)
    calls = _counting_soffice(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{calls.parent}{os.pathsep}{os.environ['PATH']}")
    for number in range(1, 4):
        dovecot.deliver(french_mail(number, "Réclamation : formateur absent"), user=user)
    with open_office(office_dir, clock=clock) as office:
        source = ImapSource.from_config(office.config.mail,
                                        state_dir=office.config.registers_dir)
        try:
            reports = poll_once(office, source)
        finally:
            source.close()
        sent = office.journal.letters(statuses=[LetterStatus.SENT])
    assert sorted(r.answered for r in reports) == ["sent", "sent", "sent"]
    (call,) = calls.read_text(encoding="utf-8").splitlines()
    assert call.count(".docx") == 3
    assert len(sink.messages) == 3
    for raw in sink.messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        (attached,) = list(message.iter_attachments())
        assert attached.get_filename().endswith(".pdf")
        assert attached.get_content().startswith(b"%PDF-")
    assert len(sent) == 3  # each acknowledgment sent: its date goes to the register


def test_a_crash_between_saving_drafts_and_noting_them_saves_no_draft_twice(
        office_dir: Path, dovecot: DovecotServer, user: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _configure(office_dir, dovecot, user)
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", dovecot.password)
    for number in range(1, 4):
        dovecot.deliver(french_mail(number, "Réclamation : salle trop froide"), user=user)
    fetch = [sys.executable, "-m", "automation", "--dir", str(office_dir), "mail", "fetch"]
    env = {**os.environ, "COLUMNS": "200"}
    child = subprocess.run(fetch, capture_output=True, text=True, timeout=120, check=False,
                           env={**env, VARIABLE: "after-answers-saved"})
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert len(dovecot.message_ids("Drafts", user=user)) == 3
    assert dovecot.message_ids("Traité", user=user) == []
    with Journal(office_dir / "registers" / ".journal.sqlite3") as journal:
        assert journal.count_rows("reclamations") == 3  # recorded before the drafts
        assert all(not journal.mail(fp).replied for fp in _fingerprints(journal))
    restart = subprocess.run(fetch, capture_output=True, text=True, timeout=120, check=False,
                             env=env)
    assert restart.returncode == 0, restart.stdout + restart.stderr
    drafts = dovecot.message_ids("Drafts", user=user)
    assert len(drafts) == 3 and len(set(drafts)) == 3  # one per mail, none twice
    assert len(dovecot.message_ids("Traité", user=user)) == 3
    with Journal(office_dir / "registers" / ".journal.sqlite3") as journal:
        assert journal.count_rows("reclamations") == 3
        assert all(journal.mail(fp).replied == "draft"
                   for fp in _fingerprints(journal))


def _fingerprints(journal: Journal) -> list[str]:
    """The three mails' fingerprints, each known to the journal."""
    found = [mail_fingerprint(f"<imap-test-{n}@exemple-apprenant.fr>", b"") for n in (1, 2, 3)]
    assert all(journal.mail(fp) is not None for fp in found)
    return found
