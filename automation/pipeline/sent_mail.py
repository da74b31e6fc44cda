"""Drafts a person sent from the mailbox: the letter they carried is then sent, that day.

The tool leaves answers as drafts (``letters.send = "draft"``) for a person to check. Once
sent from Outlook or another mail program, a copy is in the mailbox's Sent folder; each look
(:func:`check_sent_mail`, run by the watcher) reads the mails added there since the last look
and recognises a prepared letter by the file attached (the letter, or its PDF), else by the
register id in the subject when that id has one letter waiting. The letter is sent on the
day of the mail's « Date ». IMAP only: the position in the folder is kept in the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from automation.clock import PARIS
from automation.letters.catalog import SentHow
from automation.pipeline.office import Office
from automation.pipeline.sent import (
    RECORD_ID,
    letter_named,
    mark_job_sent,
    prepared_day,
    prepared_letters,
    today,
)
from automation.pipeline.writeback import write_back
from automation.registers.journal import LetterJob
from automation.sources.sent import SentMail

if TYPE_CHECKING:
    from automation.sources.imap import ImapSource

log = logging.getLogger(__name__)

POSITION: Final = "imap_sent_position"  # journal state: "UIDVALIDITY:UID" last read


def watches_sent_mail(office: Office) -> bool:
    """True when the mailbox is one whose Sent folder the tool reads (IMAP)."""
    return office.config.mail.mail.source == "imap"


def check_sent_mail(office: Office, *, source: ImapSource | None = None) -> int:
    """Look at the Sent folder once; return how many letters it showed as sent.

    Nothing is read while no letter waits to be sent. Raises
    :class:`~automation.errors.MailboxError` when the mailbox cannot be reached.
    """
    if not watches_sent_mail(office):
        return 0
    waiting = prepared_letters(office)
    if not waiting:
        return 0
    since = min(prepared_day(job) or today(office) for job in waiting) - timedelta(days=1)
    from automation.sources.imap import ImapSource  # the IMAP client only where one is used

    reader = source or ImapSource.from_config(office.config.mail,
                                              state_dir=office.config.registers_dir)
    try:
        mails, position = reader.sent_mail(office.journal.get_state(POSITION) or "",
                                           since=since)
    finally:
        if source is None:
            reader.close()
    marked: list[LetterJob] = []
    for mail in mails:
        job = letter_of_mail(waiting, mail)
        day = _day(mail.sent_at) or today(office)
        if job is None or day < (prepared_day(job) or day):
            continue
        if mark_job_sent(office, job, on=day, how=SentHow.MAILBOX, ref=mail.message_id):
            marked.append(job)
            waiting = [j for j in waiting if j != job]
    office.journal.set_state(POSITION, position)
    if marked:
        write_back(office, sorted({job.register for job in marked}))
    return len(marked)


def letter_of_mail(jobs: Sequence[LetterJob], mail: SentMail) -> LetterJob | None:
    """The prepared letter ``mail`` carried, if it is one of ``jobs``."""
    for name in mail.attachments:
        found = letter_named(jobs, name)
        if found is not None:
            return found
    for record_id in RECORD_ID.findall(mail.subject):
        of_id = [job for job in jobs if job.record_id == record_id]
        if len(of_id) == 1:
            return of_id[0]
    return None


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(PARIS).date() if moment is not None else None


