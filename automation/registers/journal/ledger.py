"""The ledger of what was seen: each source file and each mail, and what became of it.

A file's fingerprint says whether its rows were already recorded (dropping it again appends
nothing); a mail's says whether it was recorded, left for a person (no rule classified it) or
could not be read, and whether it was answered.
"""

from __future__ import annotations

import sqlite3
from dataclasses import astuple, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

LEDGER_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS sources (
    fingerprint TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mails (
    fingerprint TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    register TEXT NOT NULL DEFAULT '',
    record_id TEXT NOT NULL DEFAULT '',
    replied TEXT NOT NULL DEFAULT '',
    place TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    received TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
"""


class SourceStatus(StrEnum):
    RECORDED = "recorded"  # its rows are in the journal; the file is not filed yet
    FILED = "filed"  # moved out of the inbox


class MailStatus(StrEnum):
    RECORDED = "recorded"  # its row is in the journal
    UNCLASSIFIED = "unclassified"  # no rule matched: left in place for a person
    UNREADABLE = "unreadable"  # not a mail that can be read: left for a person


@dataclass(frozen=True)
class MailEntry:
    fingerprint: str
    status: str
    register: str = ""
    record_id: str = ""
    replied: str = ""  # "draft" or "sent" once answered
    place: str = ""  # where the mail is: "imap INBOX", "inbox/mails/x.eml"
    sender: str = ""
    subject: str = ""
    received: str = ""
    reason: str = ""  # French, for a mail left for a person


class Ledger:
    """Sources and mails seen (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def source_status(self, fingerprint: str) -> SourceStatus | None:
        found = self._db.execute("SELECT status FROM sources WHERE fingerprint = ?",
                                 (fingerprint,)).fetchone()
        return None if found is None else SourceStatus(found[0])

    def mark_source(self, fingerprint: str, *, name: str, status: SourceStatus, now: datetime,
                    detail: str = "") -> None:
        self._db.execute(
            "INSERT INTO sources (fingerprint, name, status, detail, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET"
            " name = excluded.name, status = excluded.status, detail = excluded.detail,"
            " updated_at = excluded.updated_at",
            (fingerprint, name, status.value, detail, now.isoformat()))

    # -- mails --------------------------------------------------------------------------------

    def mail(self, fingerprint: str) -> MailEntry | None:
        found = self._db.execute(
            "SELECT fingerprint, status, register, record_id, replied, place, sender, subject,"
            " received, reason FROM mails WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return None if found is None else MailEntry(*found)

    def note_mail(self, entry: MailEntry, *, now: datetime) -> None:
        """Record what became of a mail (recorded, replied, left for a person)."""
        self._db.execute(
            "INSERT INTO mails (fingerprint, status, register, record_id, replied, place, sender,"
            " subject, received, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (fingerprint) DO UPDATE SET status = excluded.status,"
            " register = excluded.register, record_id = excluded.record_id,"
            " replied = excluded.replied, place = excluded.place, reason = excluded.reason,"
            " updated_at = excluded.updated_at",
            (*astuple(entry), now.isoformat()))

    def mails_left(self) -> list[MailEntry]:
        """Mails no rule classified, or that could not be read: a person's to look at."""
        cursor = self._db.execute(
            "SELECT fingerprint, status, register, record_id, replied, place, sender, subject,"
            " received, reason FROM mails WHERE status IN (?, ?) ORDER BY received",
            (MailStatus.UNCLASSIFIED.value, MailStatus.UNREADABLE.value))
        return [MailEntry(*row) for row in cursor]
