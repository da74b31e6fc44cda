"""What follows a change: produce the letters asked for, then write back what is owed.

Producing a letter makes it *prepared*; the register receives its date and status only once
it is sent (:mod:`.sent`), by the same write-back. A letter whose template is broken stays in
the journal as failed, with the error naming the template and the place; one that could not
be written (an outbox that cannot be written) stays pending and is tried at every turn.
``automation letters --pending`` produces failed ones again; a running watcher does it by
itself as soon as the template is saved again (:class:`TemplateFixes`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from automation.letters.catalog import LetterKind
from automation.pipeline import letters, store
from automation.pipeline.letters import LetterOutcome
from automation.pipeline.office import Office
from automation.pipeline.writeback import WriteBackResult, write_back
from automation.registers.journal import LetterStatus

log = logging.getLogger(__name__)

Stamp = tuple[int, int] | None
RECENT: Final = 5.0  # seconds: a template written this recently may have been read half-written


@dataclass(frozen=True)
class FollowUp:
    letters: tuple[LetterOutcome, ...]
    written: WriteBackResult


@dataclass
class TemplateFixes:
    """Notices a template saved again since its letters failed, for one watcher process.

    A template counts as saved again once its size or modification time differ from when
    its letters failed and have not changed since the previous look (a copy in progress is
    not read half-written). A template that had just been written when its letters failed
    may have been read half-written: it is tried once more when it has settled.
    """

    _broken: dict[Path, Stamp] = field(default_factory=dict)
    _last_look: dict[Path, Stamp] = field(default_factory=dict)

    def note(self, office: Office, outcomes: Sequence[LetterOutcome]) -> None:
        """Remember the state of each template that just failed."""
        for outcome in outcomes:
            if outcome.error and not outcome.waiting:
                path = _template(office, outcome.job.kind)
                self._broken[path] = _baseline(path)

    def requeue(self, office: Office) -> int:
        """Put back in the queue the failed letters whose template changed; return how many."""
        failed = office.journal.letters(statuses=[LetterStatus.FAILED])
        looks: dict[Path, Stamp] = {}
        fixed: set[Path] = set()
        for job in failed:
            path = _template(office, job.kind)
            if path not in looks:
                looks[path] = _stamp(path)
                self._broken.setdefault(path, _baseline(path))  # failed before this process
                if looks[path] != self._broken[path] and looks[path] == self._last_look.get(
                        path):
                    fixed.add(path)
            if path in fixed:
                office.journal.retry_letter(job, now=office.clock.now())
        self._last_look = looks
        for path in fixed:
            del self._broken[path]
            log.info("%s was saved again: its letters are produced again", path.name)
        return sum(1 for job in failed if _template(office, job.kind) in fixed)


def follow_up(office: Office, *, retry_failed: bool = False,
              fixes: TemplateFixes | None = None) -> FollowUp:
    """Produce the letters waiting (``retry_failed``: also those that failed), write back."""
    if fixes is not None:
        fixes.requeue(office)
    outcomes = letters.produce_pending(office, retry_failed=retry_failed)
    if fixes is not None:
        fixes.note(office, outcomes)
    return FollowUp(tuple(outcomes), write_back(office))


def catch_up(office: Office, *, retry_failed: bool = False,
             fixes: TemplateFixes | None = None) -> None:
    """Write rows that wait (a workbook was open, a crash), produce the letters still to
    produce (``retry_failed``: also those a broken template stopped), write their dates back.
    """
    store.flush(office)
    follow_up(office, retry_failed=retry_failed, fixes=fixes)


def _template(office: Office, kind: str) -> Path:
    try:
        name = LetterKind(kind).template
    except ValueError:
        name = f"{kind}.docx"
    return office.config.templates_dir / name


def _baseline(path: Path) -> Stamp:
    """The template's stamp, or None when it was written too recently to be trusted whole."""
    try:
        status = path.stat()
    except OSError:
        return None
    if time.time() - status.st_mtime < RECENT:
        return None
    return status.st_size, status.st_mtime_ns


def _stamp(path: Path) -> Stamp:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns
