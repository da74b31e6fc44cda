"""What the tool remembers of a register's rows, and how its own writes are taken in silently.

The register watcher compares each save with the rows as last seen (the journal's
snapshots). After the tool itself writes a workbook (rows appended, dates filled), the cells
it wrote are taken in here and the file's new size and modification time are recorded, so
that the event of its own write finds nothing new: no loop. When something else changed in
the same instant (a person saved too), the file is left unrecorded and the watcher compares
it again.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping

from automation.errors import RegisterError
from automation.pipeline.office import Office
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.journal import SeenFile, Values
from automation.registers.reader import read_rows
from automation.registers.writer import AppendResult

log = logging.getLogger(__name__)


def seen_file(office: Office, binding: RegisterBinding) -> SeenFile:
    """The register's file as it is now: where (:func:`where`), its size and time."""
    status = binding.path.stat()
    return SeenFile(where(office, binding), status.st_size, status.st_mtime_ns)


def where(office: Office, binding: RegisterBinding) -> str:
    """The register's path as the journal keeps it: relative to the office folder when it
    lies inside (the office moved or mounted elsewhere keeps what the tool knows of it)."""
    try:
        return binding.path.absolute().relative_to(office.config.root.absolute()).as_posix()
    except ValueError:
        return str(binding.path)


def first_sight(office: Office, binding: RegisterBinding) -> bool:
    """True until the workbook at the binding's path has been looked at once (a journal
    that kept it by its absolute path knows it still)."""
    seen = office.journal.register_seen(binding.key)
    return seen is None or seen.path not in {where(office, binding), str(binding.path)}


def current_rows(binding: RegisterBinding) -> dict[str, Values]:
    """The workbook's rows by id (the first row of an id a person typed twice wins)."""
    return read_rows(binding).by_id()


def remember_own_write(office: Office, binding: RegisterBinding, *,
                       appended: Collection[str] = (),
                       written: Mapping[str, Collection[str]] | None = None,
                       result: AppendResult | None = None) -> None:
    """Take in what the tool just wrote: ``appended`` rows, ``written`` fields by row id.

    ``result`` is the writer's account of an append: when the file it read was the one last
    seen (or, never seen, held no row under its header), and the file now is the one it
    wrote, the rows it read back are all that changed, and the workbook is not read again.
    When a person saved the file since it was last compared, the rows it read back are
    taken in and the file is left to that comparison (the register watcher's), which reads
    it whole anyway: the workbook is not read twice.
    """
    if result is not None and not written and _take_in_own_append(office, binding, appended,
                                                                   result):
        return
    try:
        stamp = seen_file(office, binding)
        rows = current_rows(binding)
    except (OSError, RegisterError) as exc:  # the watcher will compare the file later
        log.warning("%s: not re-read after writing it: %s", binding.path.name, exc)
        return
    journal, key = office.journal, binding.key
    now = office.clock.now()
    first = first_sight(office, binding)
    known = journal.snapshot(key)
    taken: dict[str, Values] = {}
    if first:
        taken = rows
    else:
        taken = {rid: rows[rid] for rid in appended if rid in rows}
        for rid, fields in (written or {}).items():
            if rid in rows and rid not in taken:
                merged = dict(known.get(rid) or rows[rid])
                merged.update({f: rows[rid].get(f) for f in fields})
                taken[rid] = merged
    after = {**known, **taken}
    clean = first or (set(after) == set(rows)
                      and all(after[rid] == values for rid, values in rows.items()))
    with journal.transaction():
        journal.keep_snapshots(key, taken, now=now)
        if clean:
            journal.mark_register_seen(key, stamp, now=now)
    if not clean:
        log.info("%s changed while the tool wrote it: it will be compared again",
                 binding.path.name)


def _take_in_own_append(office: Office, binding: RegisterBinding, appended: Collection[str],
                        result: AppendResult) -> bool:
    before, after = result.read_from, result.written_as
    if result.read_back is None or before is None or after is None:
        return False
    journal, key, at = office.journal, binding.key, where(office, binding)
    seen = journal.register_seen(key)
    now = office.clock.now()
    if seen is not None and seen != SeenFile(at, before.size, before.mtime_ns):
        # A person saved it since it was last compared: the comparison to come sees the
        # person's changes, and these rows as the tool wrote them.
        fresh = _fresh(result, appended)
        if fresh is None:
            return False
        with journal.transaction():
            journal.keep_snapshots(key, fresh, now=now)
        log.info("%s: saved by a person since it was last compared; its %d new row(s) taken "
                 "in, the rest compared by the watcher", binding.path.name, len(appended))
        return True
    if seen is None and not (result.only and not journal.snapshot(key)):
        return False  # never looked at: every row taken as it is
    written = SeenFile(at, after.size, after.mtime_ns)
    try:
        if seen_file(office, binding) != written:
            return False  # saved again since the write
        fresh = _fresh(result, appended)
        if fresh is None or seen_file(office, binding) != written:
            return False  # (saved while the rows were read back from it)
    except OSError:
        return False
    with journal.transaction():
        journal.keep_snapshots(key, fresh, now=now)
        journal.mark_register_seen(key, written, now=now)
    log.debug("%s: its own %d new row(s) taken in without reading it again",
              binding.path.name, len(appended))
    return True


def _fresh(result: AppendResult,
           appended: Collection[str]) -> dict[str, Mapping[str, CellValue]] | None:
    """The ``appended`` rows as the writer reads them back; None when it cannot."""
    rows = result.fresh_rows()
    if rows is None or not set(appended) <= set(rows):
        return None
    return {rid: rows[rid] for rid in appended}
