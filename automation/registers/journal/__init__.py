"""The journal: an SQLite file under ``registers/`` that makes every write durable.

It is the tool's own record; the workbooks stay what people read. Its parts, one module
each, share one connection and one transaction (:mod:`.database`):

* :mod:`.rows` — the journal of rows: each accepted row with its id, before any workbook
  write, and the cells still owed to a workbook;
* :mod:`.ledger` — what was seen: source files and mails, and what became of them;
* :mod:`.letters` — the letter queue: pending, prepared, sent;
* :mod:`.memory` — the watch memory: the registers' rows and files as last seen, and the
  changes people made;
* :mod:`.state` — rows waiting for a workbook open in Excel, and what ``status`` shows;
* :mod:`.surveys` — survey invitations and reminders, each mail once.
* :mod:`.privacy` — personal data: pseudonyms, erasures (RGPD), rewriting text cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from automation.errors import JournalTooNew
from automation.records import CellValue, StoredRow
from automation.registers.journal.database import SCHEMA_VERSION, Database
from automation.registers.journal.ledger import (
    LEDGER_SCHEMA,
    Ledger,
    MailEntry,
    MailStatus,
    SourceStatus,
)
from automation.registers.journal.letters import (
    LETTERS_SCHEMA,
    LetterJob,
    LetterQueue,
    LetterStatus,
)
from automation.registers.journal.memory import (
    MEMORY_SCHEMA,
    Change,
    ChangeEntry,
    SeenFile,
    WatchMemory,
)
from automation.registers.journal.privacy import PRIVACY_SCHEMA, JournalText, Privacy
from automation.registers.journal.rows import ROWS_SCHEMA, RecordOutcome, RowJournal, WriteBack
from automation.registers.journal.state import STATE_SCHEMA, OfficeState, Wait
from automation.registers.journal.surveys import (
    SURVEYS_SCHEMA,
    SurveyLog,
    SurveyMail,
    SurveyMailStatus,
)
from automation.registers.journal.values import Values, dump_values

__all__ = ["SCHEMA_VERSION", "Change", "ChangeEntry", "Journal", "JournalText", "JournalTooNew",
           "LetterJob", "LetterStatus", "MailEntry", "MailStatus", "RecordOutcome", "SeenFile",
           "SourceStatus", "SurveyMail", "SurveyMailStatus", "Values", "Wait", "WriteBack"]


class Journal(Database, RowJournal, Ledger, LetterQueue, WatchMemory, OfficeState, SurveyLog,
              Privacy):
    """The tool's durable record. One instance per process; use as a context manager."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, (ROWS_SCHEMA, LEDGER_SCHEMA, LETTERS_SCHEMA, MEMORY_SCHEMA,
                                STATE_SCHEMA, SURVEYS_SCHEMA, PRIVACY_SCHEMA))

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- what spans parts ---------------------------------------------------------------------

    def mark_written(self, register: str, record_ids: Sequence[str], *, now: datetime) -> None:
        """The rows are in the workbook: no longer pending, and the register waits no more."""
        with self.transaction():
            self._set_written(register, record_ids, now=now)
            self.clear_wait(register)

    def letter_done(self, job: LetterJob, path: Path, *, now: datetime) -> None:
        """The letter is in the outbox: *prepared*. Nothing is written into the register
        until it is sent (:meth:`letter_sent`); a letter already sent stays sent."""
        with self.transaction():
            self._set_prepared(job, str(path), now)

    def letter_sent(self, job: LetterJob, *, on: date, how: str, ref: str = "",
                    cells: Mapping[str, CellValue], now: datetime) -> bool:
        """The letter was sent on ``on``: record it and queue ``cells`` (its date, the row's
        new status) for the register. False, and nothing queued, when it was already sent."""
        with self.transaction():
            if not self._set_sent(job, on, how, ref, now):
                return False
            for name, value in cells.items():
                self.queue_writeback(job.register, job.record_id, name, value,
                                     reason=job.kind, now=now)
        return True

    def row(self, register: str, record_id: str) -> StoredRow | None:
        """The row as last known: as recorded, updated by what was last seen in the workbook.

        A row a person typed in the workbook itself is known by what was seen there only.
        """
        found = self.recorded_values(register, record_id)
        seen = self.snapshot_of(register, record_id)
        if found is None:
            return None if seen is None else StoredRow(register, record_id, seen, "")
        recorded, source, fingerprint = found
        values = {**recorded, **(seen or {})}
        values["id"] = record_id
        return StoredRow(register, record_id, values, source, fingerprint)

    def taken_ids(self, register: str) -> set[str]:
        """Ids the tool handed out or saw in the workbook (a person's typed ids among them)."""
        cursor = self._db.execute(
            "SELECT record_id FROM rows WHERE register = ? UNION"
            " SELECT record_id FROM snapshots WHERE register = ?", (register, register))
        return {rid for (rid,) in cursor}

    def rename_row(self, register: str, old: str, new: str) -> None:
        """The row recorded as ``old`` is ``new`` in the workbook (a person had typed ``old``
        for another row): its values, letters and cells owed follow it."""
        found = self.recorded_values(register, old)
        if found is None:
            return
        values = dict(found[0])
        values["id"] = new
        with self.transaction():
            self._db.execute(
                "UPDATE rows SET record_id = ?, values_json = ? WHERE register = ? AND "
                "record_id = ?", (new, dump_values(values), register, old))
            for table in ("letters", "writebacks"):
                self._db.execute(
                    f"UPDATE {table} SET record_id = ? WHERE register = ? AND record_id = ?",  # noqa: S608 - table names are the two above
                    (new, register, old))

    def waits(self) -> list[Wait]:
        """Registers whose rows wait, with why, since when, and how many rows."""
        counts = self.pending_counts()
        return [Wait(w.register, w.reason, w.since, counts.get(w.register, 0))
                for w in self.wait_reasons()]

    def registers_to_write(self) -> list[str]:
        """Registers with cells to fill or changes not yet listed in their Journal sheet."""
        cursor = self._db.execute(
            "SELECT register FROM writebacks UNION"
            " SELECT register FROM changes WHERE noted_at IS NULL ORDER BY 1")
        return [reg for (reg,) in cursor]
