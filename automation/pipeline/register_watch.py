"""A person saved a register: compare it with what was last seen, keep what changed, react.

Excel saves by writing a temporary file and renaming it over the workbook; the register
watcher (a :class:`~automation.sources.folder.FolderWatcher` on ``registers/``) hands the
settled file to :func:`look_at_register`, which

1. skips a file whose size and modification time are those last seen (the tool's own write,
   a periodic rescan);
2. gives an id to every row a person typed without one, in its empty id cell
   (:mod:`~.typed_rows`);
3. takes in silently a workbook seen for the first time: the state it is in was not made
   under the tool's eyes, so it calls for nothing;
4. otherwise compares every row with its snapshot and keeps, in one journal transaction, the
   changes (who: the workbook's « last modified by »), the new snapshots, and the letters the
   rows now call for that they did not call for before (:func:`~.reactions.new_letters`);
   a cancellation or dropout typed or changed is completed from the planning and its motive.

Producing those letters and writing their dates back is :mod:`automation.pipeline.followup`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from automation.docprops import LAST_MODIFIED_BY, core_property
from automation.errors import RegisterLocked
from automation.pipeline.improvement import open_after_edits
from automation.pipeline.office import Office
from automation.pipeline.reactions import new_letters
from automation.pipeline.snapshots import first_sight, seen_file
from automation.pipeline.typed_rows import complete_rows, keep_completions, number_typed_rows
from automation.procedures.steps import StepLetter
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.journal import ChangeEntry, Values
from automation.registers.reader import read_rows

log = logging.getLogger(__name__)

EDITED: Final = "Modification"  # a person changed cells of a row
TYPED: Final = "Saisie"  # a person typed a new row in the workbook
REMOVED: Final = "Suppression"  # a row is no longer in the workbook


@dataclass(frozen=True)
class RegisterReport:
    """What one look at a register found."""

    register: str
    first_sight: bool = False
    author: str = ""
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    letters: tuple[tuple[str, str], ...] = ()  # (record id, letter kind) newly asked for

    @property
    def anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def binding_at(office: Office, path: Path) -> RegisterBinding | None:
    """The register whose workbook is ``path``; None for any other file (the dashboard…)."""
    for binding in office.config.bindings():
        if binding.path == path or binding.path.resolve() == path.resolve():
            return binding
    return None


def last_modified_by(path: Path) -> str:
    """The workbook's « last modified by » property (who saved it); "" when unknown."""
    return core_property(path, LAST_MODIFIED_BY)


def look_at_register(office: Office, binding: RegisterBinding) -> RegisterReport | None:
    """Compare the workbook with its snapshots and keep what changed; None when unchanged.

    Raises :class:`~automation.errors.RegisterError` when the workbook cannot be read (half
    copied, a column renamed), and :class:`~automation.errors.RegisterLocked` once the rest
    is kept when rows typed without an id could not be numbered (open in Excel): the caller
    tries again later.
    """
    path = binding.path
    if not path.exists():
        return None
    stamp = seen_file(office, binding)
    journal, key = office.journal, binding.key
    if journal.register_seen(key) == stamp:
        return None
    read = read_rows(binding)
    locked: RegisterLocked | None = None
    try:
        if number_typed_rows(office, binding, read, stamp):
            # the ids are in the file now
            stamp, read = seen_file(office, binding), read_rows(binding)
    except RegisterLocked as exc:  # open in Excel: numbered at the next look
        locked = exc
    rows = read.by_id()
    now = office.clock.now()
    if first_sight(office, binding):
        if locked is not None:
            raise locked
        with journal.transaction():
            journal.keep_snapshots(key, rows, now=now)
            journal.mark_register_seen(key, stamp, now=now)
        log.info("%s: first look, %d row(s) taken as they are", path.name, len(rows))
        return RegisterReport(key, first_sight=True)
    author = last_modified_by(path)
    known = journal.snapshot(key)
    recorded = journal.recorded_ids(key)
    acknowledge = office.config.letters.acknowledgment
    entries: list[ChangeEntry] = []
    taken: dict[str, Values] = {}
    added: list[str] = []
    changed: list[str] = []
    asks: list[tuple[str, StepLetter]] = []
    letters: list[tuple[str, str]] = []
    for rid, values in rows.items():
        before = known.get(rid)
        if before == values:
            continue
        taken[rid] = values
        if before is None and rid in recorded:
            continue  # a row the tool appended itself: its letters were asked for then
        if before is None:
            added.append(rid)
            entries.append(ChangeEntry(key, rid, TYPED, "", None, None, author))
        else:
            edits = _edits(key, rid, before, values, author)
            if not edits:
                continue
            changed.append(rid)
            entries.extend(edits)
        asks.extend((rid, letter) for letter in new_letters(key, before, values,
                                                            acknowledge=acknowledge))
    removed = sorted(set(known) - set(rows))
    entries.extend(ChangeEntry(key, rid, REMOVED, "", None, None, author) for rid in removed)
    done = complete_rows(office, binding, {rid: taken[rid] for rid in [*added, *changed]},
                         typed=added)
    asks = [(rid, letter) for rid, letter in asks if rid not in done.expanded]
    with journal.transaction():
        for rid, letter in asks:
            if journal.queue_letter(key, rid, letter.kind.value, now=now,
                                    date_field=letter.date_field,
                                    recipient_key=letter.recipient_key):
                letters.append((rid, letter.kind.value))
        journal.keep_snapshots(key, taken, now=now)
        journal.forget_snapshots(key, removed)
        journal.add_changes(entries, now=now)
        if locked is None:
            journal.mark_register_seen(key, stamp, now=now)
    keep_completions(office, binding, done)
    open_after_edits(office, binding, {rid: taken[rid] for rid in [*added, *changed]}, known,
                     author=author)  # indicator 32: the actions these rows call for
    report = RegisterReport(key, False, author, tuple(added), tuple(changed), tuple(removed),
                            tuple(letters))
    if report.anything:
        log.info("%s: %d row(s) typed, %d changed, %d removed by %s; %d letter(s) asked for",
                 path.name, len(added), len(changed), len(removed), author or "?",
                 len(letters))
    if locked is not None:
        raise locked  # the rows typed without an id wait; the watcher looks again
    return report


def _edits(register: str, record_id: str, before: Values, after: Values,
           author: str) -> list[ChangeEntry]:
    fields = [*before, *(f for f in after if f not in before)]
    edits: list[ChangeEntry] = []
    for field in fields:
        old: CellValue = before.get(field)
        new: CellValue = after.get(field)
        if old != new and field != "id":
            edits.append(ChangeEntry(register, record_id, EDITED, field, old, new, author))
    return edits
