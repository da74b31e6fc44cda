"""Personal data in the journal: stable pseudonyms, erasures done, and rewriting text cells.

* ``pseudonyms``: the code each anonymised person was given (« Personne anonymisée 3F2A »),
  found again by a keyed digest of who they were — so the same person gets the same code in
  every register and every run, and nobody holding the journal without its key can tell
  who a code stands for (the key, ``privacy_key``, never leaves the file);
* ``erasures``: each anonymisation and purge, with its code and counts, never a name;
* :meth:`Privacy.journal_texts` lists every text cell of the journal that may hold a name or
  an address, and :meth:`Privacy.rewrite_texts` replaces them, with SQLite's secure delete
  on; :meth:`Privacy.compact` then rebuilds the file so that no old copy stays in a free
  page or in the write-ahead log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from automation.registers.journal.values import Values, load_values

PRIVACY_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS privacy_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pseudonyms (
    digest TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS erasures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    rows INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT ''
);
"""

# (table, columns holding text, the columns naming the register row and field it is about).
# Names are fixed here and never come from outside.
_ROW: Final = "register, record_id, ''"
_TEXT_COLUMNS: Final[tuple[tuple[str, tuple[str, ...], str], ...]] = (
    ("rows", ("source", "origin", "values_json", "note"), _ROW),
    ("snapshots", ("values_json",), _ROW),
    ("changes", ("old_json", "new_json", "author"), "register, record_id, field"),
    ("writebacks", ("value_json",), "register, record_id, field"),
    ("letters", ("path", "error"), _ROW),
    ("mails", ("place", "sender", "subject", "reason"), _ROW),
    ("sources", ("name", "detail"), "'', '', ''"),
    ("waits", ("reason",), "register, '', ''"),
    ("state", ("value",), "'', '', ''"),
)
JSON_COLUMNS: Final = frozenset({"values_json", "old_json", "new_json", "value_json"})
_CODE_BYTES: Final = 2  # « 3F2A »: 65,536 codes, widened when they run short


@dataclass(frozen=True)
class JournalText:
    """One text cell of the journal: where it is, the row it is about, what it holds."""

    table: str
    rowid: int
    column: str
    text: str
    register: str = ""  # the register row the entry belongs to ("" for none)
    record_id: str = ""
    field: str = ""  # the row's field a single value belongs to (changes, write-backs)

    @property
    def is_json(self) -> bool:
        return self.column in JSON_COLUMNS


@dataclass(frozen=True)
class Erasure:
    at: str
    action: str
    code: str
    rows: int
    detail: str


class Privacy:
    """Pseudonyms, erasures and text rewriting (a part of :class:`~.Journal`)."""

    _db: sqlite3.Connection

    def known_pseudonym(self, identity: str) -> str | None:
        """The code already given to ``identity``; None when it has none yet."""
        digest = hmac.new(self._privacy_key(), identity.encode("utf-8"),
                          hashlib.sha256).hexdigest()
        found = self._db.execute("SELECT code FROM pseudonyms WHERE digest = ?",
                                 (digest,)).fetchone()
        return None if found is None else str(found[0])

    def pseudonym_code(self, identity: str, *, now: datetime) -> str:
        """The code of the person known as ``identity``; a new one the first time.

        Call inside :meth:`transaction`.
        """
        known = self.known_pseudonym(identity)
        if known is not None:
            return known
        digest = hmac.new(self._privacy_key(), identity.encode("utf-8"),
                          hashlib.sha256).hexdigest()
        size = _CODE_BYTES
        while True:
            for _ in range(64):
                code = secrets.token_hex(size).upper()
                taken = self._db.execute("SELECT 1 FROM pseudonyms WHERE code = ?",
                                         (code,)).fetchone()
                if taken is None:
                    self._db.execute(
                        "INSERT INTO pseudonyms (digest, code, created_at) VALUES (?, ?, ?)",
                        (digest, code, now.isoformat()))
                    return code
            size += 1

    def _privacy_key(self) -> bytes:
        found = self._db.execute("SELECT key FROM privacy_key WHERE id = 1").fetchone()
        if found is not None:
            return bytes.fromhex(str(found[0]))
        if not self._db.in_transaction:  # a look-up outside any write: no key yet, no code
            return b""
        key = secrets.token_bytes(32)
        self._db.execute("INSERT INTO privacy_key (id, key) VALUES (1, ?)", (key.hex(),))
        return key

    def journal_texts(self) -> Iterator[JournalText]:
        """Every non-empty text cell of the journal that may hold personal data."""
        for table, columns, owner in _TEXT_COLUMNS:
            query = (f"SELECT rowid, {owner}, {', '.join(columns)} "  # noqa: S608 - names from _TEXT_COLUMNS only
                     f"FROM {table}")
            for rowid, register, record_id, field, *texts in self._db.execute(query).fetchall():
                for column, text in zip(columns, texts, strict=True):
                    if isinstance(text, str) and text:
                        yield JournalText(table, int(rowid), column, text, register, record_id,
                                          field)

    def known_rows(self) -> Iterator[tuple[str, str, Values]]:
        """``(register, record id, values)`` of every row the journal knows: as recorded,
        and as last seen in the workbook (a row a person typed is known that way only)."""
        for table in ("rows", "snapshots"):
            cursor = self._db.execute(f"SELECT register, record_id, values_json FROM {table}")  # noqa: S608 - a fixed table name
            for register, record_id, values in cursor.fetchall():
                yield register, record_id, load_values(values)

    def row_origins(self) -> dict[tuple[str, str], str]:
        """``(register, record id)`` → where the row came from (``"folder:inbox/x.csv"``)."""
        cursor = self._db.execute("SELECT register, record_id, origin FROM rows")
        return {(reg, rid): origin for reg, rid, origin in cursor.fetchall()}

    def mail_rows(self) -> list[tuple[str, str, str, str]]:
        """``(fingerprint, register, record id, place)`` of every mail recorded."""
        cursor = self._db.execute(
            "SELECT fingerprint, register, record_id, place FROM mails ORDER BY updated_at")
        return [(fp, reg, rid, place) for fp, reg, rid, place in cursor.fetchall()]

    def filed_sources(self) -> list[tuple[str, str]]:
        """``(file name, where it was filed)`` of every source file filed."""
        cursor = self._db.execute("SELECT name, detail FROM sources WHERE detail != ''")
        return [(name, detail) for name, detail in cursor.fetchall()]

    def rewrite_texts(self, rewritten: Sequence[tuple[JournalText, str]]) -> None:
        """Put each new text in place of the old one, overwriting what is freed.

        Call inside :meth:`transaction`.
        """
        self._db.execute("PRAGMA secure_delete = ON")
        known = {(table, column) for table, columns, _ in _TEXT_COLUMNS for column in columns}
        for cell, text in rewritten:
            if (cell.table, cell.column) not in known:
                raise ValueError(f"not a journal text column: {cell.table}.{cell.column}")
            self._db.execute(f"UPDATE {cell.table} SET {cell.column} = ? WHERE rowid = ?",  # noqa: S608 - names checked against _TEXT_COLUMNS
                             (text, cell.rowid))

    def record_erasure(self, action: str, *, code: str = "", rows: int, detail: str = "",
                       now: datetime) -> None:
        self._db.execute(
            "INSERT INTO erasures (at, action, code, rows, detail) VALUES (?, ?, ?, ?, ?)",
            (now.isoformat(), action, code, rows, detail))

    def erasures(self) -> list[Erasure]:
        cursor = self._db.execute("SELECT at, action, code, rows, detail FROM erasures"
                                  " ORDER BY id")
        return [Erasure(*row) for row in cursor]

    def compact(self) -> bool:
        """Rebuild the file without its free pages and empty the write-ahead log.

        False when another process kept the log from being emptied (``status`` reading
        meanwhile): the old pages are then overwritten at the next checkpoint.
        """
        self._db.execute("PRAGMA secure_delete = ON")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        busy, _, _ = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy) == 0
