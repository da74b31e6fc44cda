"""The journal: an SQLite file under ``registers/`` that makes every write durable.

Every accepted row is recorded here, with its register id and the fingerprint of its source,
*before* it reaches a workbook. A crash, a workbook open in Excel or a restart therefore loses
nothing (pending rows are written on the next flush) and duplicates nothing (a fingerprint is
recorded once; the writer skips ids already in the sheet). The workbook stays what people
read; this file is the tool's own record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Final

from automation.clock import paris_naive
from automation.errors import RegisterError
from automation.records import Record, StoredRow
from automation.registers.journal_watch import (
    WATCH_SCHEMA,
    WatchJournal,
    dump_values,
    load_values,
)

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS rows (
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    values_json TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    written_at TEXT,
    PRIMARY KEY (register, record_id)
);
CREATE INDEX IF NOT EXISTS rows_pending ON rows (register) WHERE written_at IS NULL;
CREATE TABLE IF NOT EXISTS sequences (
    register TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (register, year)
);
CREATE TABLE IF NOT EXISTS sources (
    fingerprint TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
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
CREATE TABLE IF NOT EXISTS waits (
    register TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    since TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
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
# Columns added after the first release: (table, column, declaration).
_ADDED_COLUMNS: Final = (
    ("letters", "date_field", "TEXT NOT NULL DEFAULT ''"),
    ("letters", "recipient_key", "TEXT NOT NULL DEFAULT ''"),
    ("rows", "note", "TEXT NOT NULL DEFAULT ''"),
)


class SourceStatus(StrEnum):
    RECORDED = "recorded"  # its rows are in the journal; the file is not filed yet
    FILED = "filed"  # moved out of the inbox


class LetterStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


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


@dataclass(frozen=True)
class RecordOutcome:
    stored: tuple[StoredRow, ...]
    duplicates: tuple[Record, ...]


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


@dataclass(frozen=True)
class Wait:
    register: str
    reason: str
    since: str
    rows: int


class Journal(WatchJournal):
    """The tool's durable record. One instance per process; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA + WATCH_SCHEMA)
            self._add_columns()
        except sqlite3.Error as exc:
            raise RegisterError(f"{path}: the journal cannot be opened: {exc}", path=path) from exc

    def _add_columns(self) -> None:
        for table, column, declaration in _ADDED_COLUMNS:
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together, or not at all."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- rows -------------------------------------------------------------------------------

    def record(self, records: Sequence[Record], *, prefix: str, year: int, floor: int,
               now: datetime, origin: str = "") -> RecordOutcome:
        """Give new records their ids and keep them as pending rows; recognise duplicates.

        ``floor`` is the highest sequence number already present in the workbook, so that ids
        typed by a person are never reused. Call inside :meth:`transaction`.
        """
        stored: list[StoredRow] = []
        duplicates: list[Record] = []
        fingerprints = [r.fingerprint for r in records]
        known = self._known_fingerprints(fingerprints)
        seen: set[str] = set()
        for record in records:
            if record.fingerprint in known or record.fingerprint in seen:
                duplicates.append(record)
                continue
            seen.add(record.fingerprint)
            number = self._next_number(record.register, year, floor)
            record_id = f"{prefix}-{year}-{number:04d}"
            values = dict(record.values)
            values["id"] = record_id
            self._db.execute(
                "INSERT INTO rows (register, record_id, fingerprint, source, origin, values_json,"
                " recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (record.register, record_id, record.fingerprint, record.source, origin,
                 dump_values(values), now.isoformat(), record.note))
            stored.append(StoredRow(record.register, record_id, values, record.source,
                                    record.fingerprint, record.note))
        return RecordOutcome(tuple(stored), tuple(duplicates))

    def has_sequence(self, register: str, year: int) -> bool:
        row = self._db.execute("SELECT 1 FROM sequences WHERE register = ? AND year = ?",
                               (register, year)).fetchone()
        return row is not None

    def pending(self, register: str) -> list[StoredRow]:
        """Rows recorded but not yet confirmed in the workbook, in id order."""
        cursor = self._db.execute(
            "SELECT record_id, values_json, source, fingerprint, note FROM rows"
            " WHERE register = ? AND written_at IS NULL ORDER BY record_id", (register,))
        return [StoredRow(register, rid, load_values(vals), src, fp, note)
                for rid, vals, src, fp, note in cursor]

    def pending_counts(self) -> dict[str, int]:
        cursor = self._db.execute(
            "SELECT register, COUNT(*) FROM rows WHERE written_at IS NULL GROUP BY register")
        return dict(cursor.fetchall())

    def mark_written(self, register: str, record_ids: Sequence[str], *, now: datetime) -> None:
        with self.transaction():
            self._db.executemany(
                "UPDATE rows SET written_at = ? WHERE register = ? AND record_id = ?",
                [(now.isoformat(), register, rid) for rid in record_ids])
            self._db.execute("DELETE FROM waits WHERE register = ?", (register,))

    def row(self, register: str, record_id: str) -> StoredRow | None:
        """The row as last known: as recorded, updated by what was last seen in the workbook.

        A row a person typed in the workbook itself is known by what was seen there only.
        """
        found = self._db.execute(
            "SELECT values_json, source, fingerprint FROM rows"
            " WHERE register = ? AND record_id = ?",
            (register, record_id)).fetchone()
        seen = self.snapshot_of(register, record_id)
        if found is None:
            return None if seen is None else StoredRow(register, record_id, seen, "")
        values = {**load_values(found[0]), **(seen or {})}
        values["id"] = record_id
        return StoredRow(register, record_id, values, found[1], found[2])

    def row_by_fingerprint(self, fingerprint: str) -> StoredRow | None:
        found = self._db.execute(
            "SELECT register, record_id, values_json, source FROM rows WHERE fingerprint = ?",
            (fingerprint,)).fetchone()
        if found is None:
            return None
        return StoredRow(found[0], found[1], load_values(found[2]), found[3], fingerprint)

    def count_rows(self, register: str) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM rows WHERE register = ?",
                                    (register,)).fetchone()
        return int(count)

    # -- sources ----------------------------------------------------------------------------

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

    # -- letters ----------------------------------------------------------------------------

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

    def letter_done(self, job: LetterJob, path: Path, *, now: datetime) -> None:
        """The letter is in the outbox; its date is to be written into ``job.date_field``."""
        with self.transaction():
            self._set_letter(job, LetterStatus.DONE, str(path), "", now)
            if job.date_field:
                self.queue_writeback(job.register, job.record_id, job.date_field,
                                     paris_naive(now).date(), reason=job.kind, now=now)

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

    # -- waits (a register open in Excel) ---------------------------------------------------

    def note_wait(self, register: str, reason: str, *, now: datetime) -> None:
        self._db.execute(
            "INSERT INTO waits (register, reason, since) VALUES (?, ?, ?)"
            " ON CONFLICT (register) DO UPDATE SET reason = excluded.reason",
            (register, reason, now.isoformat()))

    def waits(self) -> list[Wait]:
        counts = self.pending_counts()
        cursor = self._db.execute("SELECT register, reason, since FROM waits ORDER BY register")
        return [Wait(r, reason, since, counts.get(r, 0)) for r, reason, since in cursor]

    # -- small key/value state (status display) ---------------------------------------------

    def set_state(self, key: str, value: str) -> None:
        self._db.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key)"
                         " DO UPDATE SET value = excluded.value", (key, value))

    def clear_state(self, *keys: str) -> None:
        self._db.executemany("DELETE FROM state WHERE key = ?", [(k,) for k in keys])

    def get_state(self, key: str) -> str | None:
        found = self._db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if found is None else str(found[0])

    # -- mails ------------------------------------------------------------------------------

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

    # -- internals --------------------------------------------------------------------------

    def _known_fingerprints(self, fingerprints: Sequence[str]) -> set[str]:
        known: set[str] = set()
        for start in range(0, len(fingerprints), 500):
            chunk = fingerprints[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            query = f"SELECT fingerprint FROM rows WHERE fingerprint IN ({marks})"  # noqa: S608 - only "?" marks are interpolated
            cursor = self._db.execute(query, chunk)
            known.update(fp for (fp,) in cursor)
        return known

    def _next_number(self, register: str, year: int, floor: int) -> int:
        found = self._db.execute("SELECT last FROM sequences WHERE register = ? AND year = ?",
                                 (register, year)).fetchone()
        number = max(int(found[0]) if found else 0, floor) + 1
        self._db.execute(
            "INSERT INTO sequences (register, year, last) VALUES (?, ?, ?)"
            " ON CONFLICT (register, year) DO UPDATE SET last = excluded.last",
            (register, year, number))
        return number

