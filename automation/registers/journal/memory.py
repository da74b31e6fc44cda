"""The watch memory: the registers as the tool last saw them (a part of :class:`~.Journal`).

* ``snapshots``: each row as the tool last saw it in the workbook, so that a person's save is
  compared with it and only what changed is acted on;
* ``register_files``: the workbook's size and modification time when last seen (or last
  written by the tool), so that an unchanged file is not read again and the tool's own
  writes do not trigger it;
* ``changes``: what changed, from what, by whom and when, and whether the change is already
  listed in the register's ``Journal`` sheet.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from automation.records import CellValue
from automation.registers.journal.values import (
    Values,
    dump_value,
    dump_values,
    load_value,
    load_values,
)

MEMORY_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS snapshots (
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    values_json TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (register, record_id)
);
CREATE TABLE IF NOT EXISTS register_files (
    register TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    register TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT NOT NULL,
    old_json TEXT NOT NULL,
    new_json TEXT NOT NULL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    noted_at TEXT
);
CREATE INDEX IF NOT EXISTS changes_unnoted ON changes (register) WHERE noted_at IS NULL;
"""



@dataclass(frozen=True)
class SeenFile:
    """A workbook as last seen: where it was, its size and modification time."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ChangeEntry:
    """One change to keep: ``field`` is ``""`` for a whole row (added or removed)."""

    register: str
    record_id: str
    action: str
    field: str
    old: CellValue
    new: CellValue
    author: str


@dataclass(frozen=True)
class Change:
    id: int
    entry: ChangeEntry
    at: str
    noted: bool


class WatchMemory:
    """Snapshots, files seen and changes (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    # -- snapshots ----------------------------------------------------------------------------

    def snapshot(self, register: str) -> dict[str, Values]:
        cursor = self._db.execute(
            "SELECT record_id, values_json FROM snapshots WHERE register = ?", (register,))
        return {rid: load_values(text) for rid, text in cursor}

    def snapshot_of(self, register: str, record_id: str) -> Values | None:
        found = self._db.execute(
            "SELECT values_json FROM snapshots WHERE register = ? AND record_id = ?",
            (register, record_id)).fetchone()
        return None if found is None else load_values(found[0])

    def keep_snapshots(self, register: str, rows: Mapping[str, Mapping[str, CellValue]], *,
                       now: datetime) -> None:
        seen_at = now.isoformat()
        self._db.executemany(
            "INSERT INTO snapshots (register, record_id, values_json, seen_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (register, record_id) DO UPDATE SET"
            " values_json = excluded.values_json, seen_at = excluded.seen_at",
            ((register, rid, dump_values(values), seen_at) for rid, values in rows.items()))

    def forget_snapshots(self, register: str, record_ids: Collection[str]) -> None:
        self._db.executemany("DELETE FROM snapshots WHERE register = ? AND record_id = ?",
                             [(register, rid) for rid in record_ids])

    # -- the workbook file as last seen -------------------------------------------------------

    def register_seen(self, register: str) -> SeenFile | None:
        found = self._db.execute(
            "SELECT path, size, mtime_ns FROM register_files WHERE register = ?",
            (register,)).fetchone()
        return None if found is None else SeenFile(found[0], int(found[1]), int(found[2]))

    def mark_register_seen(self, register: str, seen: SeenFile, *, now: datetime) -> None:
        self._db.execute(
            "INSERT INTO register_files (register, path, size, mtime_ns, seen_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (register) DO UPDATE SET path = excluded.path,"
            " size = excluded.size, mtime_ns = excluded.mtime_ns, seen_at = excluded.seen_at",
            (register, seen.path, seen.size, seen.mtime_ns, now.isoformat()))

    # -- changes ------------------------------------------------------------------------------

    def add_changes(self, entries: Sequence[ChangeEntry], *, now: datetime,
                    noted: bool = False) -> None:
        noted_at = now.isoformat() if noted else None
        self._db.executemany(
            "INSERT INTO changes (register, record_id, action, field, old_json, new_json,"
            " author, at, noted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.register, e.record_id, e.action, e.field, dump_value(e.old), dump_value(e.new),
              e.author, now.isoformat(), noted_at) for e in entries])

    def changes(self, *, register: str | None = None, unnoted: bool = False) -> list[Change]:
        cursor = self._db.execute(
            "SELECT id, register, record_id, action, field, old_json, new_json, author, at,"
            " noted_at FROM changes WHERE (? IS NULL OR register = ?)"
            " AND (? = 0 OR noted_at IS NULL) ORDER BY id", (register, register, int(unnoted)))
        return [Change(cid, ChangeEntry(reg, rid, action, field, load_value(old),
                                        load_value(new), author), at, noted is not None)
                for cid, reg, rid, action, field, old, new, author, at, noted in cursor]

    def mark_noted(self, change_ids: Collection[int], *, now: datetime) -> None:
        self._db.executemany("UPDATE changes SET noted_at = ? WHERE id = ?",
                             [(now.isoformat(), cid) for cid in change_ids])
