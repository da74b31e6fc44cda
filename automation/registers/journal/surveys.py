"""Survey mails: each invitation and reminder, once (a part of :class:`~.Journal`).

A mail is known by its session, its survey (« À chaud », « À froid », or the yearly
solicitation of funders), its recipient's address and its step (0 the invitation, 1, 2… the
reminders): it is recorded as ``sent`` once the SMTP server took it, or ``draft`` once its
``.eml`` is in ``outbox/``, and never composed again. Also here: filling a cell of a row still
waiting for its workbook (the « Suivi » of a survey answer that opened a difficulty).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from automation.records import CellValue
from automation.registers.journal.values import dump_values, load_values

SURVEYS_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS survey_mails (
    session_ref TEXT NOT NULL,
    survey TEXT NOT NULL,
    address TEXT NOT NULL,
    step INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (session_ref, survey, address, step)
);
"""


class SurveyMailStatus(StrEnum):
    SENT = "sent"  # accepted by the SMTP server
    DRAFT = "draft"  # an .eml in outbox/, for a person to send


@dataclass(frozen=True)
class SurveyMail:
    session_ref: str
    survey: str
    address: str  # lower case
    step: int  # 0 = invitation, n = n-th reminder
    name: str
    due_on: date
    status: SurveyMailStatus
    path: str = ""  # the draft, when there is one
    at: str = ""  # when it was sent or drafted (ISO)


class SurveyLog:
    """Survey mails (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def record_survey_mail(self, mail: SurveyMail, *, now: datetime) -> bool:
        """Keep ``mail``; False when that mail was already recorded."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO survey_mails (session_ref, survey, address, step, name,"
            " due_on, status, path, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (mail.session_ref, mail.survey, mail.address.casefold(), mail.step, mail.name,
             mail.due_on.isoformat(), mail.status.value, mail.path, now.isoformat()))
        return cursor.rowcount == 1

    def survey_mails(self, *, session_ref: str | None = None,
                     survey: str | None = None) -> list[SurveyMail]:
        cursor = self._db.execute(
            "SELECT session_ref, survey, address, step, name, due_on, status, path, at"
            " FROM survey_mails WHERE (? IS NULL OR session_ref = ?) AND (? IS NULL OR"
            " survey = ?) ORDER BY session_ref, survey, address, step",
            (session_ref, session_ref, survey, survey))
        return [SurveyMail(ref, kind, address, step, name, date.fromisoformat(due),
                           SurveyMailStatus(status), path, at)
                for ref, kind, address, step, name, due, status, path, at in cursor]

    def fill_pending(self, register: str, record_id: str,
                     values: Mapping[str, CellValue]) -> bool:
        """Set ``values`` in a row not yet written to its workbook; False when it is written
        (or unknown): its cells are then for a write-back."""
        found = self._db.execute(
            "SELECT values_json FROM rows WHERE register = ? AND record_id = ?"
            " AND written_at IS NULL", (register, record_id)).fetchone()
        if found is None:
            return False
        merged = {**load_values(found[0]), **values}
        self._db.execute("UPDATE rows SET values_json = ? WHERE register = ? AND record_id = ?",
                         (dump_values(merged), register, record_id))
        return True
