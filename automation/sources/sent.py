"""Mails a person sent, as found in a mailbox's Sent folder: enough to recognise a letter.

The tool saves its answers as drafts for a person to check; once that person sends one from
Outlook or another mail program, a copy lands in the Sent folder. :class:`SentMail` keeps what
identifies the letter it carried — the attachments' file names (the letter's, or its PDF),
the subject (which carries the register id), the mail it answers — and the date it left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime

from automation.intake.mail import message_id_of
from automation.text import one_line


@dataclass(frozen=True)
class SentMail:
    key: str  # the backend's id in the Sent folder ("UIDVALIDITY:UID")
    message_id: str
    subject: str
    sent_at: datetime | None  # its Date header (timezone-aware), None when unreadable
    in_reply_to: str
    attachments: tuple[str, ...]  # file names


def sent_mail_of(key: str, raw: bytes) -> SentMail:
    """What identifies the letter a sent mail carried; never raises on a damaged mail."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except (ValueError, LookupError, TypeError):
        return SentMail(key, message_id_of(raw), "", None, "", ())
    assert isinstance(message, EmailMessage)
    names: list[str] = []
    for part in message.walk():
        try:
            name = part.get_filename()
        except (ValueError, LookupError, TypeError):
            continue
        if name:
            names.append(one_line(str(name)))
    return SentMail(key, message_id_of(raw), _header(message, "subject"), _date(message),
                    _header(message, "in-reply-to"), tuple(names))


def _header(message: EmailMessage, name: str) -> str:
    try:
        return one_line(str(message.get(name, "") or ""))
    except (ValueError, LookupError, TypeError):
        return ""


def _date(message: EmailMessage) -> datetime | None:
    text = _header(message, "date")
    try:
        moment = parsedate_to_datetime(text) if text else None
    except (ValueError, TypeError, IndexError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None
