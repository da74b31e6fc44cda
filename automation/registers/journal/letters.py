"""The letter queue: each letter a row calls for, once, and whether it was produced.

A letter is asked for once per row and kind; a template error leaves it failed, with the
error naming the template and the place, until it is produced again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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


class LetterStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class LetterJob:
    register: str
    record_id: str
    kind: str
    status: LetterStatus
    path: str
    error: str
    date_field: str = ""  # the row's field that records when the letter was produced
    recipient_key: str = ""  # the row's field naming the recipient ("" = the register's person)
    updated_at: str = ""


class LetterQueue:
    """Letters asked for and produced (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def queue_letter(self, register: str, record_id: str, kind: str, *, now: datetime,
                     date_field: str = "", recipient_key: str = "") -> bool:
        """Ask for a letter once; False when it was already asked for.

        ``date_field`` names the row's cell that receives the date the letter is produced
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
        query = ("SELECT register, record_id, kind, status, path, error, date_field,"  # noqa: S608 - only "?" marks are interpolated
                 f" recipient_key, updated_at FROM letters WHERE status IN ({marks})"
                 " ORDER BY register, record_id, kind")
        cursor = self._db.execute(query, [s.value for s in statuses])
        return [LetterJob(r, i, k, LetterStatus(s), p, e, d, rk, u)
                for r, i, k, s, p, e, d, rk, u in cursor]

    def letter(self, register: str, record_id: str, kind: str) -> LetterJob | None:
        found = self._db.execute(
            "SELECT register, record_id, kind, status, path, error, date_field, recipient_key,"
            " updated_at FROM letters WHERE register = ? AND record_id = ? AND kind = ?",
            (register, record_id, kind)).fetchone()
        if found is None:
            return None
        r, i, k, s, p, e, d, rk, u = found
        return LetterJob(r, i, k, LetterStatus(s), p, e, d, rk, u)

    def retry_letter(self, job: LetterJob, *, now: datetime) -> None:
        """Put a failed letter back in the queue (its template was fixed)."""
        self._set_letter(job, LetterStatus.PENDING, "", job.error, now)

    def letter_failed(self, job: LetterJob, error: str, *, now: datetime) -> None:
        self._set_letter(job, LetterStatus.FAILED, "", error, now)

    def _set_letter(self, job: LetterJob, status: LetterStatus, path: str, error: str,
                    now: datetime) -> None:
        self._db.execute(
            "UPDATE letters SET status = ?, path = ?, error = ?, updated_at = ?"
            " WHERE register = ? AND record_id = ? AND kind = ?",
            (status.value, path, error, now.isoformat(), job.register, job.record_id, job.kind))
