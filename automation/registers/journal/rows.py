"""The journal of rows: every accepted row, with its id, before it reaches a workbook.

Every accepted row is recorded here, with its register id and the fingerprint of its source,
*before* it reaches a workbook. A crash, a workbook open in Excel or a restart therefore loses
nothing (pending rows are written on the next flush) and duplicates nothing (a fingerprint is
recorded once; the writer skips rows already in the sheet). ``sequences`` hands out ids, per
register (and office id scheme) and year; ``writebacks`` holds the cells the tool still owes a
workbook (a letter's date), kept here while the workbook is open in Excel.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from automation.records import CellValue, Record, StoredRow, kept_once
from automation.registers.ids import IdScheme
from automation.registers.journal.values import (
    Values,
    dump_value,
    dump_values,
    load_value,
    load_values,
)

ROWS_SCHEMA: Final = """
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
CREATE TABLE IF NOT EXISTS writebacks (
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value_json TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    queued_at TEXT NOT NULL,
    PRIMARY KEY (register, record_id, field)
);
"""


_INSERT_BATCH: Final = 500  # rows per INSERT statement of a recording


@dataclass(frozen=True)
class RecordOutcome:
    stored: tuple[StoredRow, ...]
    duplicates: tuple[Record, ...]


@dataclass(frozen=True)
class WriteBack:
    register: str
    record_id: str
    field: str
    value: CellValue
    reason: str  # what asked for it: the letter kind


class RowJournal:
    """Rows, ids and cells owed to the workbooks (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def record(self, records: Sequence[Record], *, scheme: IdScheme, year: int, floor: int,
               now: datetime, origin: str = "", sequence: str = "",
               values_of: Callable[[Record], Values] | None = None) -> RecordOutcome:
        """Give new records their ids and keep them as pending rows; recognise duplicates.

        Ids follow ``scheme`` (the office's numbering, or ours), counted per ``sequence``
        (default: the register's key) and year. ``floor`` is the highest number already
        present in the workbook, so that ids typed by a person are never reused.
        ``values_of(record)`` makes the new values a row is kept with (default: a copy of its
        own). Call inside :meth:`transaction`.
        """
        stored: list[StoredRow] = []
        duplicates: list[Record] = []
        fingerprints = [r.fingerprint for r in records]
        known = self._known_fingerprints(fingerprints)
        seen: set[str] = set()
        period = scheme.period(year)
        last: dict[str, int] = {}  # sequence -> the last number handed out, written once
        inserts: list[tuple[str, ...]] = []
        recorded_at = now.isoformat()
        for record in records:
            if record.fingerprint in known or record.fingerprint in seen:
                duplicates.append(record)
                continue
            seen.add(record.fingerprint)
            key = sequence or record.register
            if key not in last:
                last[key] = self._last_number(key, period)
            last[key] = number = max(last[key], floor) + 1
            record_id = scheme.format(year, number)
            values = dict(record.values) if values_of is None else values_of(record)
            values["id"] = record_id
            inserts.append((record.register, record_id, record.fingerprint, record.source,
                            origin, dump_values(values), recorded_at, record.note))
            stored.append(StoredRow(record.register, record_id, values, record.source,
                                    record.fingerprint, record.note))
            if len(inserts) >= _INSERT_BATCH:  # the texts of 20,000 rows are not held at once
                self._insert(inserts)
                inserts = []
        self._insert(inserts)
        for key, number in last.items():
            self._set_last_number(key, period, number)
        return RecordOutcome(tuple(stored), tuple(duplicates))

    def _insert(self, rows: Sequence[tuple[str, ...]]) -> None:
        self._db.executemany(
            "INSERT INTO rows (register, record_id, fingerprint, source, origin, values_json,"
            " recorded_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def has_sequence(self, sequence: str, year: int) -> bool:
        row = self._db.execute("SELECT 1 FROM sequences WHERE register = ? AND year = ?",
                               (sequence, year)).fetchone()
        return row is not None

    def next_id(self, sequence: str, scheme: IdScheme, year: int, floor: int) -> str:
        """The next id of ``scheme`` for ``year``, above ``floor`` and every id handed out."""
        number = self._next_number(sequence, scheme.period(year), floor)
        return scheme.format(year, number)

    def pending(self, register: str) -> list[StoredRow]:
        """Rows recorded but not yet confirmed in the workbook, in id order."""
        cursor = self._db.execute(
            "SELECT record_id, values_json, source, fingerprint, note FROM rows"
            " WHERE register = ? AND written_at IS NULL ORDER BY record_id", (register,))
        shared: dict[str, str] = {}  # a text many rows hold (a file's note, a training) once
        return [StoredRow(register, rid, _sharing(load_values(vals), shared), src, fp,
                          shared.setdefault(note, note) if note else note)
                for rid, vals, src, fp, note in cursor]

    def pending_counts(self) -> dict[str, int]:
        cursor = self._db.execute(
            "SELECT register, COUNT(*) FROM rows WHERE written_at IS NULL GROUP BY register")
        return dict(cursor.fetchall())

    def amend_pending(self, register: str, record_id: str,
                      values: Mapping[str, CellValue]) -> bool:
        """Change values of a row not yet in its workbook (its id now known); False when the
        row is already written or unknown. Call inside the transaction that recorded it."""
        found = self._db.execute(
            "SELECT values_json FROM rows WHERE register = ? AND record_id = ?"
            " AND written_at IS NULL", (register, record_id)).fetchone()
        if found is None:
            return False
        merged = {**load_values(found[0]), **values}
        self._db.execute("UPDATE rows SET values_json = ? WHERE register = ? AND record_id = ?",
                         (dump_values(merged), register, record_id))
        return True

    def _set_written(self, register: str, record_ids: Sequence[str], *, now: datetime) -> None:
        self._db.executemany(
            "UPDATE rows SET written_at = ? WHERE register = ? AND record_id = ?",
            [(now.isoformat(), register, rid) for rid in record_ids])

    def recorded_values(self, register: str, record_id: str) -> tuple[Values, str, str] | None:
        """The row as recorded (values, source, fingerprint); None for a row not recorded."""
        found = self._db.execute(
            "SELECT values_json, source, fingerprint FROM rows"
            " WHERE register = ? AND record_id = ?",
            (register, record_id)).fetchone()
        return None if found is None else (load_values(found[0]), found[1], found[2])

    def row_by_fingerprint(self, fingerprint: str) -> StoredRow | None:
        found = self._db.execute(
            "SELECT register, record_id, values_json, source FROM rows WHERE fingerprint = ?",
            (fingerprint,)).fetchone()
        if found is None:
            return None
        return StoredRow(found[0], found[1], load_values(found[2]), found[3], fingerprint)

    def recorded_ids(self, register: str) -> set[str]:
        """Ids of the rows the tool itself recorded (from a file or a mail)."""
        cursor = self._db.execute("SELECT record_id FROM rows WHERE register = ?", (register,))
        return {rid for (rid,) in cursor}

    def count_rows(self, register: str) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM rows WHERE register = ?",
                                    (register,)).fetchone()
        return int(count)

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
        number = max(self._last_number(register, year), floor) + 1
        self._set_last_number(register, year, number)
        return number

    def _last_number(self, register: str, year: int) -> int:
        found = self._db.execute("SELECT last FROM sequences WHERE register = ? AND year = ?",
                                 (register, year)).fetchone()
        return int(found[0]) if found else 0

    def _set_last_number(self, register: str, year: int, number: int) -> None:
        self._db.execute(
            "INSERT INTO sequences (register, year, last) VALUES (?, ?, ?)"
            " ON CONFLICT (register, year) DO UPDATE SET last = excluded.last",
            (register, year, number))

    # -- cells to write back ------------------------------------------------------------------

    def queue_writeback(self, register: str, record_id: str, field: str, value: CellValue, *,
                        reason: str, now: datetime) -> bool:
        """Ask for a cell to be filled once; False when it was already asked for."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO writebacks (register, record_id, field, value_json, reason,"
            " queued_at) VALUES (?, ?, ?, ?, ?, ?)",
            (register, record_id, field, dump_value(value), reason, now.isoformat()))
        return cursor.rowcount == 1

    def writebacks(self, register: str | None = None) -> list[WriteBack]:
        cursor = self._db.execute(
            "SELECT register, record_id, field, value_json, reason FROM writebacks"
            " WHERE (? IS NULL OR register = ?) ORDER BY register, record_id, field",
            (register, register))
        return [WriteBack(reg, rid, field, load_value(value), reason)
                for reg, rid, field, value, reason in cursor]

    def drop_writebacks(self, register: str, cells: Collection[tuple[str, str]]) -> None:
        self._db.executemany(
            "DELETE FROM writebacks WHERE register = ? AND record_id = ? AND field = ?",
            [(register, rid, field) for rid, field in cells])


def _sharing(values: Values, shared: dict[str, str]) -> Values:
    """``values`` with its keys and each short text replaced by the one equal text in
    ``shared``: the JSON decoder makes new key strings for every row, and 20,000 rows'
    keys alone would take as much memory as their values."""
    return {shared.setdefault(key, key): kept_once(value, shared)
            for key, value in values.items()}
