"""Applying a :class:`~automation.rgpd.scope.Scope`: registers, files, journal, backups.

In this order, so that an interruption is finished by running the same command again (every
step finds what is left and nothing else):

1. each register: its rows rewritten through the writer's ``update`` (one line per row in
   its ``Journal`` sheet says what was replaced and why), then every other text of the
   workbook and its unused shared strings (:mod:`automation.rgpd.workbook`); the tool's own
   write is taken in, so the register watcher does not take it for a person's edit;
2. the person's letters, drafts, converted PDFs and attachment folders, and their saved
   mails, removed; the copies that mention them rewritten;
3. the journal's entries rewritten and the file rebuilt (no old page left behind);
4. the backups in ``registers/.backup/``, rewritten like the register (never removed: they
   are the office's way back from a bad write).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from automation.errors import AutomationError, RegisterError
from automation.pipeline.office import Office
from automation.pipeline.snapshots import remember_own_write
from automation.records import CellValue, ChangeNote
from automation.registers.binding import RegisterBinding
from automation.registers.xlsx.appender import XmlAppender
from automation.registers.xlsx.replace import check_not_locked
from automation.rgpd.files import remove, rewrite_copy, scrub_register_texts
from automation.rgpd.plan import Target
from automation.rgpd.scope import RowPlan, Scope, register_rows

log = logging.getLogger(__name__)

ACTION: Final = "Anonymisation (RGPD)"  # the Journal sheet's « Action » for these lines
SOURCE: Final = "automation rgpd"


@dataclass
class Outcome:
    rows: dict[str, int] = field(default_factory=dict)  # register -> rows rewritten
    removed: list[Path] = field(default_factory=list)
    rewritten: list[Path] = field(default_factory=list)  # copies and backups
    journal_entries: int = 0
    journal_compacted: bool = True
    failed: list[str] = field(default_factory=list)  # what could not be done (French)


def apply_scope(office: Office, scope: Scope, *, reason: str, code: str = "") -> Outcome:
    """Carry out ``scope``; ``reason`` ends each Journal-sheet line (why it was done)."""
    outcome = Outcome()
    by_register: dict[str, list[RowPlan]] = defaultdict(list)
    for row in scope.rows:
        if row.line and row.changes:
            by_register[row.register].append(row)
    bindings = {key: office.config.binding(key) for key in by_register}
    for path in scope.workbooks:
        bindings.setdefault(_key_of(office, path), office.config.binding(_key_of(office, path)))
    for binding in bindings.values():
        check_not_locked(binding.path)  # before anything: all or nothing when one is open
    for key, binding in bindings.items():
        _rewrite_register(office, binding, by_register.get(key, []), scope.target,
                          reason=reason)
        outcome.rows[key] = len(by_register.get(key, []))
    for path in (*scope.outbox, *(m.path for m in scope.mails)):
        remove(path)
        outcome.removed.append(path)
    for path in scope.copies:
        try:
            if rewrite_copy(path, scope.target):
                outcome.rewritten.append(path)
        except (AutomationError, OSError) as exc:
            outcome.failed.append(f"{path} : non réécrit ({exc})")
    journal = office.journal
    with journal.transaction():
        journal.rewrite_texts(scope.journal)
        journal.record_erasure(reason, code=code, rows=len(scope.rows),
                               detail=f"{len(scope.journal)} entrée(s) du journal, "
                                      f"{len(outcome.removed)} fichier(s) supprimé(s)",
                               now=office.clock.now())
    outcome.journal_entries = len(scope.journal)
    outcome.journal_compacted = journal.compact()
    for backup in sorted(office.backup_dir.glob("*.xls[xm]")) if office.backup_dir.exists() \
            else ():
        try:
            if _rewrite_backup(office, backup, scope.target):
                outcome.rewritten.append(backup)
        except (AutomationError, OSError) as exc:
            outcome.failed.append(f"{backup} : non réécrite ({exc})")
    return outcome


def _rewrite_register(office: Office, binding: RegisterBinding, rows: list[RowPlan],
                      target: Target, *, reason: str) -> None:
    now = office.clock.now()
    keep = office.config.registers.backups_kept
    written: dict[str, set[str]] = {}
    if rows:
        values = {r.record_id: dict(r.changes) for r in rows}
        notes = [ChangeNote(now, ACTION, SOURCE, r.record_id, _detail(binding, r, reason))
                 for r in rows]
        writer = XmlAppender(binding, backup_dir=office.backup_dir, backups_kept=keep)
        result = writer.update(values, notes, overwrite=True)
        written = {rid: set(fields) for rid, fields in result.changed.items()}
        for rid, fields in result.kept.items():  # formula cells: the workbook computes them
            log.warning("%s %s: %s left as they are (formulas)", binding.path.name, rid,
                        ", ".join(fields))
    if scrub_register_texts(binding.path, binding.key, target, backup_dir=None,
                            dry_run=True).changed:
        scrub_register_texts(binding.path, binding.key, target, backup_dir=office.backup_dir,
                             keep=keep)
    remember_own_write(office, binding, written=written)


def _detail(binding: RegisterBinding, row: RowPlan, reason: str) -> str:
    headers = []
    for key in row.changes:
        try:
            headers.append(binding.header_of(key))
        except KeyError:
            headers.append(key)
    what = "données personnelles remplacées" if row.about else "mention de la personne remplacée"
    return f"{', '.join(headers)} : {what} ({reason})"


def _rewrite_backup(office: Office, backup: Path, target: Target) -> bool:
    """Rewrite one backup like its register: its rows by id, then its other texts."""
    binding = _binding_of(office, backup)
    changed = False
    if binding is not None:
        copy = replace(binding, path=backup)
        try:
            rows = register_rows(copy)
        except RegisterError as exc:  # an older layout: its texts are still gone through
            log.warning("%s: rows not read (%s); its texts are rewritten", backup.name, exc)
            rows = {}
        values: dict[str, dict[str, CellValue]] = {}
        for record_id, (_line, row) in rows.items():
            changes = target.row_changes(binding.key, record_id, row)
            if changes:
                values[record_id] = dict(changes)
        if values:
            scratch = Path(tempfile.mkdtemp(prefix=".rgpd-", dir=backup.parent))
            try:  # the writer keeps a copy before it writes: into a folder removed at once
                XmlAppender(copy, backup_dir=scratch, backups_kept=1).update(
                    values, [], overwrite=True)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            changed = True
    key = binding.key if binding is not None else ""
    return scrub_register_texts(backup, key, target, backup_dir=None).changed or changed


def _key_of(office: Office, path: Path) -> str:
    return next(b.key for b in office.config.bindings() if b.path == path)


def _binding_of(office: Office, backup: Path) -> RegisterBinding | None:
    """The register a backup is a copy of (``reclamations.20261123-093000-000000.xlsx``)."""
    for binding in office.config.bindings():
        if backup.name.startswith(binding.path.stem + ".") and \
                backup.suffix == binding.path.suffix:
            return binding
    return None
