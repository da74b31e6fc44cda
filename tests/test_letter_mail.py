"""Step 1 of a dropout: the prescriber is told by letter, and by mail once a mailbox is set."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from automation.pipeline.files import ingest_file
from automation.pipeline.office import open_office

from .conftest import SmtpSink

DROPOUT = ("Apprenant;Formation;Absence constatée le;Prescripteur;Email du prescripteur\n"
           "Julie Morel;Anglais professionnel;16/11/2026;France Travail Nice;"
           "conseiller@francetravail-exemple.fr\n")


def _office_with(office_dir: Path, toml: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (office_dir / "automation.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", "unused")
    dropped = office_dir / "inbox" / "abandons" / "absences.csv"
    dropped.write_text(DROPOUT, encoding="utf-8")
    return dropped


MAILBOX = ('[mail]\nsource = "imap"\n[mail.imap]\nhost = "127.0.0.1"\nusername = "qualite"\n'
           'tls = "none"\n')


def test_the_prescriber_letter_is_sent_by_mail_when_sending_is_on(
        office_dir: Path, clock, smtp_sink: tuple[SmtpSink, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    sink, port = smtp_sink
    dropped = _office_with(office_dir, MAILBOX + (
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n'
        'from_address = "qualite@organisme-exemple.fr"\n[letters]\nsend = "send"\n'),
        monkeypatch)
    with open_office(office_dir, clock=clock) as office:
        assert ingest_file(office, dropped).accepted == 1
    assert len(sink.messages) == 1
    message = email.message_from_bytes(sink.messages[0], policy=policy.default)
    assert message["To"] == "conseiller@francetravail-exemple.fr"
    assert "ABD-2026-0001" in message["Subject"]
    names = [part.get_filename() for part in message.iter_attachments()]
    assert len(names) == 1 and names[0].endswith(".docx")


def test_the_prescriber_mail_is_left_as_a_draft_by_default_with_a_mailbox(
        office_dir: Path, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    dropped = _office_with(office_dir, MAILBOX, monkeypatch)
    with open_office(office_dir, clock=clock) as office:
        ingest_file(office, dropped)
    drafts = list((office_dir / "outbox").glob("ABD-2026-0001*.eml"))
    assert len(drafts) == 1
    draft = email.message_from_bytes(drafts[0].read_bytes(), policy=policy.default)
    assert draft["X-Unsent"] == "1"
    assert draft["To"] == "conseiller@francetravail-exemple.fr"


def test_without_a_mailbox_the_prescriber_gets_the_letter_only(
        office_dir: Path, clock, monkeypatch: pytest.MonkeyPatch) -> None:
    dropped = _office_with(office_dir, "", monkeypatch)
    with open_office(office_dir, clock=clock) as office:
        ingest_file(office, dropped)
    assert len(list((office_dir / "outbox").glob("ABD-2026-0001*.docx"))) == 1
    assert list((office_dir / "outbox").glob("*.eml")) == []
