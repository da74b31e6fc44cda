"""The letter queue: each letter a row calls for, once, and what became of it.

A letter is asked for once per row and kind. It is then *pending* (to produce), *failed*
(a template error, naming the template and the place, until the template is fixed),
*prepared* (written to ``outbox/``: nothing has left yet) or *sent* — by the tool (SMTP,
Graph, EWS), by a person (a draft sent from the mailbox, a letter filed in
``outbox/envoyés/``, ``automation letters sent``). Only a sent letter has a sent date; it is
the one the register receives. A letter that could not be written for a reason that may go
away (an outbox that cannot be written) stays pending with its error, and is tried again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

LETTERS_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS letters (
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (register, record_id, kind)
);
"""
_COLUMNS: Final = ("register, record_id, kind, status, path, error, date_field, recipient_key,"
                   " updated_at, prepared_at, sent_on, sent_how, sent_ref")


class LetterStatus(StrEnum):
    PENDING = "pending"  # to produce (again)
    DONE = "done"  # prepared: written to the outbox, not sent
    FAILED = "failed"  # a template error stops it
    SENT = "sent"  # sent (by the tool, or a person said so)



@dataclass(frozen=True)
class LetterJob:
    register: str
    record_id: str
    kind: str
    status: LetterStatus
    path: str
    error: str
    date_field: str = ""  # the row's field that records when the letter was sent
    recipient_key: str = ""  # the row's field naming the recipient ("" = the register's person)
    updated_at: str = ""
    prepared_at: str = ""  # when it was written to the outbox (ISO)
    sent_on: str = ""  # the day it was sent (ISO date), "" until then
    sent_how: str = ""  # how it left (a SentHow value, French)
    sent_ref: str = ""  # what proves it: a Message-ID, the file filed in outbox/envoyés/

    @property
    def prepared(self) -> bool:
        return self.status is LetterStatus.DONE

    @property
    def sent_day(self) -> date | None:
        return date.fromisoformat(self.sent_on) if self.sent_on else None


def _job(found: Sequence[str]) -> LetterJob:
    r, i, k, s, p, e, d, rk, u, pa, so, sh, sr = found
    return LetterJob(r, i, k, LetterStatus(s), p, e, d, rk, u, pa, so, sh, sr)


class LetterQueue:
    """Letters asked for, produced and sent (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def queue_letter(self, register: str, record_id: str, kind: str, *, now: datetime,
                     date_field: str = "", recipient_key: str = "") -> bool:
        """Ask for a letter once; False when it was already asked for.

        ``date_field`` names the row's cell that receives the date the letter is sent
        (filled only when empty); ``recipient_key`` the field naming its recipient.
        """
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO letters (register, record_id, kind, status, updated_at,"
            " date_field, recipient_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (register, record_id, kind, LetterStatus.PENDING.value, now.isoformat(),
             date_field, recipient_key))
        return cursor.rowcount == 1

    def letters(self, *, statuses: Sequence[LetterStatus]) -> list[LetterJob]:
        marks = ", ".join("?" for _ in statuses)
        query = (f"SELECT {_COLUMNS} FROM letters WHERE status IN ({marks})"  # noqa: S608 - only "?" marks are interpolated
                 " ORDER BY register, record_id, kind")
        cursor = self._db.execute(query, [s.value for s in statuses])
        return [_job(found) for found in cursor]

    def letters_of(self, record_id: str) -> list[LetterJob]:
        """Every letter of the row ``record_id`` (ids are unique across registers)."""
        cursor = self._db.execute(
            f"SELECT {_COLUMNS} FROM letters WHERE record_id = ? ORDER BY kind",  # noqa: S608 - a constant
            (record_id,))
        return [_job(found) for found in cursor]

    def letter(self, register: str, record_id: str, kind: str) -> LetterJob | None:
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM letters"  # noqa: S608 - a constant
            " WHERE register = ? AND record_id = ? AND kind = ?",
            (register, record_id, kind)).fetchone()
        return None if found is None else _job(found)

    def retry_letter(self, job: LetterJob, *, now: datetime) -> None:
        """Put a failed letter back in the queue (its template was fixed)."""
        self._set_letter(job, LetterStatus.PENDING, "", job.error, now)

    def letter_failed(self, job: LetterJob, error: str, *, now: datetime) -> None:
        self._set_letter(job, LetterStatus.FAILED, "", error, now)

    def letter_waits(self, job: LetterJob, error: str, *, now: datetime) -> None:
        """The letter could not be written for a reason that may go away: it stays pending,
        with why, and is tried again."""
        self._set_letter(job, LetterStatus.PENDING, "", error, now)

    def _set_letter(self, job: LetterJob, status: LetterStatus, path: str, error: str,
                    now: datetime) -> None:
        self._db.execute(
            "UPDATE letters SET status = ?, path = ?, error = ?, updated_at = ?"
            " WHERE register = ? AND record_id = ? AND kind = ?",
            (status.value, path, error, now.isoformat(), job.register, job.record_id, job.kind))

    def _set_prepared(self, job: LetterJob, path: str, now: datetime) -> None:
        self._db.execute(
            "UPDATE letters SET status = ?, path = ?, error = '', updated_at = ?,"
            " prepared_at = ? WHERE register = ? AND record_id = ? AND kind = ?"
            " AND status != ?",
            (LetterStatus.DONE.value, path, now.isoformat(), now.isoformat(), job.register,
             job.record_id, job.kind, LetterStatus.SENT.value))

    def _set_sent(self, job: LetterJob, on: date, how: str, ref: str, now: datetime) -> bool:
        cursor = self._db.execute(
            "UPDATE letters SET status = ?, sent_on = ?, sent_how = ?, sent_ref = ?,"
            " updated_at = ? WHERE register = ? AND record_id = ? AND kind = ?"
            " AND status != ?",
            (LetterStatus.SENT.value, on.isoformat(), how, ref, now.isoformat(), job.register,
             job.record_id, job.kind, LetterStatus.SENT.value))
        return cursor.rowcount == 1


def letters_sent_before(db: sqlite3.Connection) -> None:
    """Migration: letters produced by a version that wrote their date on production had that
    date written already; they count as sent that day, so nothing old shows as unsent."""
    db.execute("UPDATE letters SET status = 'sent', sent_on = substr(updated_at, 1, 10),"
               " sent_how = 'daté à la production (version précédente)',"
               " prepared_at = updated_at WHERE status = 'done'")
