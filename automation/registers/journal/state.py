"""The office's state: registers whose rows wait (open in Excel), and what status shows.

``waits`` says, per register, why rows wait and since when; ``state`` is a small key/value
table (the watcher's start, the last file and mail handled, a mailbox outage).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Final

STATE_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS waits (
    register TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Wait:
    register: str
    reason: str
    since: str
    rows: int


class OfficeState:
    """Waits and state (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def note_wait(self, register: str, reason: str, *, now: datetime) -> None:
        self._db.execute(
            "INSERT INTO waits (register, reason, since) VALUES (?, ?, ?)"
            " ON CONFLICT (register) DO UPDATE SET reason = excluded.reason",
            (register, reason, now.isoformat()))

    def wait_reasons(self) -> list[Wait]:
        """Why each waiting register waits (``rows`` is 0: the journal of rows counts them)."""
        cursor = self._db.execute("SELECT register, reason, since FROM waits ORDER BY register")
        return [Wait(r, reason, since, 0) for r, reason, since in cursor]

    # -- small key/value state (status display) ---------------------------------------------

    def set_state(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key)"
                         " DO UPDATE SET value = excluded.value", (key, value))

    def clear_state(self, *keys: str) -> None:
        self._db.executemany("DELETE FROM state WHERE key = ?", [(k,) for k in keys])

    def get_state(self, key: str) -> str | None:
        found = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if found is None else str(found[0])

    def clear_wait(self, register: str) -> None:
        self._db.execute("DELETE FROM waits WHERE register = ?", (register,))
