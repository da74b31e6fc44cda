"""The SQLite file behind the journal: opened once, in WAL mode, its schema kept current.

Each part of the journal (rows, ledger, letters, memory, state) declares its tables; this
module creates them, migrates an older file forward (``PRAGMA user_version`` counts the
migrations applied; a copy of the file as it was is kept in ``.backup/`` first) and refuses a
file written by a newer version of the tool, which this one would misread. Every write goes
through :meth:`Database.transaction`: committed together, or not at all, with
``synchronous=FULL`` so that a commit survives a power cut.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Final

from automation import __version__
from automation.errors import JournalTooNew, RegisterError
from automation.registers.journal.letters import letters_sent_before

Migration = Callable[[sqlite3.Connection], None]


def _add_column(table: str, column: str, declaration: str) -> Migration:
    def migrate(db: sqlite3.Connection) -> None:
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    return migrate


# Migrations in order; a journal at version N has had the first N applied. A new release
# appends to this list and never edits what is already in it.
MIGRATIONS: Final[tuple[Migration, ...]] = (
    _add_column("letters", "date_field", "TEXT NOT NULL DEFAULT ''"),
    _add_column("letters", "recipient_key", "TEXT NOT NULL DEFAULT ''"),
    _add_column("rows", "note", "TEXT NOT NULL DEFAULT ''"),
    # letters: prepared is not sent; only a sent letter has a date
    _add_column("letters", "prepared_at", "TEXT NOT NULL DEFAULT ''"),
    _add_column("letters", "sent_on", "TEXT NOT NULL DEFAULT ''"),
    _add_column("letters", "sent_how", "TEXT NOT NULL DEFAULT ''"),
    _add_column("letters", "sent_ref", "TEXT NOT NULL DEFAULT ''"),
    letters_sent_before,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


class Database:
    """The journal's connection, shared by all its parts."""

    def __init__(self, path: Path, schemas: Sequence[str]) -> None:
        self.path = path
        self._nested = 0  # savepoints open inside the current transaction
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                self._db.close()
                raise JournalTooNew(
                    f"le journal {path} a été écrit par une version plus récente de l'outil "
                    f"(journal version {version} ; celle-ci, {__version__}, ne lit que "
                    f"jusqu'à la version {SCHEMA_VERSION}). Rien n'a été modifié : "
                    "réinstallez la version récente (pipx upgrade qualiopi-registres) "
                    "plutôt que de revenir en arrière", path=path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            existing = self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if existing and version < SCHEMA_VERSION:
                self._keep_copy(int(version))
            self._db.executescript("".join(schemas))
            self._migrate(int(version))
        except sqlite3.Error as exc:
            raise RegisterError(f"{path}: the journal cannot be opened: {exc}", path=path) from exc

    def _keep_copy(self, version: int) -> Path:
        """A copy of the journal as it was, in ``.backup/``, before migrating it forward."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.parent / ".backup" / f"{self.path.stem}.v{version}.{stamp}.sqlite3"
        target.parent.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(target)
        try:
            self._db.backup(copy)  # consistent, whatever the write-ahead log holds
        finally:
            copy.close()
        return target

    def _migrate(self, version: int) -> None:
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            for migration in MIGRATIONS[version:]:
                migration(self._db)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside is committed together, or not at all.

        Inside another transaction it is a savepoint: undone alone when it fails, committed
        with the outer one (a pass that records many mails commits — and syncs — once).
        """
        if self._db.in_transaction:
            self._nested += 1
            name = f"inner{self._nested}"
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            finally:
                self._nested -= 1
            self._db.execute(f"RELEASE {name}")
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
