"""A mailbox cycle parses the next group of mails while a group goes through the runner.

Real parts: Dovecot on loopback, the office opened from its folder. The office's reader is
the shipped seam (``Office.reader``): the sandbox's own, or a reader that notes what it was
asked and when, around the in-process reader the sandbox's child runs.
"""

from __future__ import annotations

import threading
from email.message import EmailMessage
from pathlib import Path

import pytest

from automation.clock import FixedClock
from automation.errors import IntakeError
from automation.intake.mail import ParsedMail, mail_fingerprint
from automation.intake.reader import HeadRequest, InProcessReader, MailBatch, MailRead
from automation.intake.tables import Table
from automation.pipeline.mailbox import GROUP, poll_once
from automation.pipeline.office import open_office
from automation.pipeline.report import Report, Verdict
from automation.sources.imap import ImapSource

from .dovecot import DovecotServer
from .test_imap import french_mail
from .test_mail_groups import _configure as configure

pytestmark = pytest.mark.slow

WAIT = 120.0  # only reached when the next group is never asked for: the test then fails


@pytest.fixture
def user(dovecot: DovecotServer) -> str:
    return dovecot.new_user()


@pytest.fixture
def mail_office(office_dir: Path, dovecot: DovecotServer, user: str,
                monkeypatch: pytest.MonkeyPatch) -> Path:
    configure(office_dir, dovecot, user)
    monkeypatch.setenv("AUTOMATION_MAIL_PASSWORD", dovecot.password)
    return office_dir


def _with_list(number: int) -> bytes:
    """A complaint with a participants' list attached (its first rows are read to decide
    what it is)."""
    message = EmailMessage()
    message["Message-ID"] = f"<imap-test-{number}@exemple-apprenant.fr>"
    message["From"] = f"Apprenant {number} <apprenant{number}@exemple-apprenant.fr>"
    message["To"] = "contact@organisme-exemple.fr"
    message["Subject"] = f"Réclamation {number} : liste jointe"
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0100"
    message.set_content("Je suis mécontent ; la liste des présents est jointe.")
    message.add_attachment("Nom;Prénom\nDurand;Zoé\n".encode(), maintype="text",
                           subtype="csv", filename="presents.csv")
    return message.as_bytes()


class _Noting(InProcessReader):
    """Reads in this process and notes the batches asked for. ``hold_first_rows``: a
    spreadsheet's first rows are read only once a second batch of mails was asked for."""

    def __init__(self, *, hold_first_rows: bool = False, refuse: str = "") -> None:
        self.batches: list[list[str]] = []
        self.threads: set[str] = set()
        self.second_batch = threading.Event()
        self.second_batch_before_first_rows: bool | None = None
        self._hold = hold_first_rows
        self._refuse = refuse

    def mails(self, batch: MailBatch) -> list[MailRead]:
        self.threads.add(threading.current_thread().name)
        self.batches.append([request.name for request in batch.requests])
        if len(self.batches) == 2:
            self.second_batch.set()
        answers = super().mails(batch)
        return [IntakeError("Courriel illisible (essai)")
                if isinstance(a, ParsedMail) and a.message_id == self._refuse else a
                for a in answers]

    def first_rows(self, request: HeadRequest) -> list[Table]:
        if self._hold and self.second_batch_before_first_rows is None:
            self.second_batch_before_first_rows = self.second_batch.wait(WAIT)
        return super().first_rows(request)


def _cycle(root: Path, clock: FixedClock, reader: _Noting) -> list[Report]:
    with open_office(root, clock=clock) as office:
        office.reader = reader
        source = ImapSource.from_config(office.config.mail,
                                        state_dir=office.config.registers_dir)
        try:
            return poll_once(office, source)
        finally:
            source.close()


def test_the_next_group_is_read_while_a_group_goes_through_the_runner(
        mail_office: Path, dovecot: DovecotServer, user: str, clock: FixedClock) -> None:
    dovecot.deliver(_with_list(1), user=user)  # its list is read in the first group's stages
    for number in range(2, GROUP + 6):
        dovecot.deliver(french_mail(number, "Réclamation : salle trop froide"), user=user)
    reader = _Noting(hold_first_rows=True)
    reports = _cycle(mail_office, clock, reader)
    assert reader.second_batch_before_first_rows is True
    assert [len(batch) for batch in reader.batches] == [GROUP, 5]
    assert reader.threads == {"mail-reading_0"}
    assert all(r.verdict is Verdict.RECORDED and r.answered == "draft" for r in reports)


def test_mails_of_several_groups_read_ahead_are_each_recorded_once_in_order(
        mail_office: Path, dovecot: DovecotServer, user: str, clock: FixedClock) -> None:
    count = 2 * GROUP + 7
    for number in range(1, count + 1):
        dovecot.deliver(french_mail(number, f"Réclamation n°{number}"), user=user)
    reports = _cycle(mail_office, clock, _Noting())
    assert [r.subject for r in reports] == [f"Réclamation n°{n}" for n in range(1, count + 1)]
    assert len({r.record_id for r in reports}) == count
    assert len(dovecot.message_ids("Traité", user=user)) == count
    assert dovecot.message_ids("INBOX", user=user) == []
    again = _cycle(mail_office, clock, _Noting())
    assert again == []


def test_a_mail_refused_by_the_reader_in_a_group_read_ahead_is_refused_alone(
        mail_office: Path, dovecot: DovecotServer, user: str, clock: FixedClock) -> None:
    for number in range(1, GROUP + 4):
        dovecot.deliver(french_mail(number), user=user)
    refused = f"<imap-test-{GROUP + 2}@exemple-apprenant.fr>"
    reports = _cycle(mail_office, clock, _Noting(refuse=refused))
    verdicts = [r.verdict for r in reports]
    assert verdicts.count(Verdict.REFUSED) == 1
    assert verdicts.count(Verdict.RECORDED) == GROUP + 2
    (unread,) = [r for r in reports if r.verdict is Verdict.REFUSED]
    assert "Courriel illisible (essai)" in unread.message
    assert refused not in dovecot.message_ids("Traité", user=user)


def test_a_mail_again_in_the_next_group_is_answered_once(
        mail_office: Path, dovecot: DovecotServer, user: str, clock: FixedClock) -> None:
    for number in range(1, GROUP + 1):
        dovecot.deliver(french_mail(number), user=user)
    dovecot.deliver(french_mail(1), user=user)  # the same mail twice: in the second group
    reports = _cycle(mail_office, clock, _Noting())
    assert [r.verdict for r in reports].count(Verdict.DUPLICATE) == 1
    assert [r.answered for r in reports].count("draft") == GROUP
    assert len(dovecot.message_ids("Drafts", user=user)) == GROUP
    assert len(dovecot.message_ids("Traité", user=user)) == GROUP + 1


def test_every_groups_answers_are_noted_as_given_the_last_groups_too(
        mail_office: Path, dovecot: DovecotServer, user: str, clock: FixedClock) -> None:
    for number in range(1, 2 * GROUP + 3):
        dovecot.deliver(french_mail(number), user=user)
    reports = _cycle(mail_office, clock, _Noting())
    drafts = set(dovecot.message_ids("Drafts", user=user))
    with open_office(mail_office, clock=clock) as office:
        entries = [office.journal.mail(mail_fingerprint(f"<imap-test-{n}@exemple-apprenant.fr>",
                                                        b"")) for n in range(1, 2 * GROUP + 3)]
    assert all(entry is not None and entry.replied == "draft" for entry in entries)
    assert len(drafts) == len(reports) == 2 * GROUP + 2
