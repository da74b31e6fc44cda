"""Where a handled file goes, so that nothing stays in the inbox and nothing is overwritten.

A file dropped into the inbox is *moved* to ``processed/``, ``rejected/`` (with a
``.LISEZ-MOI.txt`` note), ``duplicates/`` or ``unclassified/``. A file given to ``automation
ingest`` from elsewhere stays where the person keeps it: a *copy* goes to ``processed/`` or
``rejected/``, so that the register's « Source » and a refusal note point at something in
the office folder. Rows refused one by one come back in ``rejected/<file> - lignes
refusées.xlsx`` whatever the source.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Final

from automation.arrival import Arrival, Source
from automation.errors import FileNotReady
from automation.intake.rejection import Rejected, write_rejection_copy, write_rejection_note
from automation.pipeline.report import Verdict

PROCESSED: Final = Verdict.RECORDED.value
REJECTED: Final = Verdict.REFUSED.value
DUPLICATES: Final = Verdict.DUPLICATE.value
UNCLASSIFIED: Final = Verdict.LEFT.value
FILED_FOLDERS: Final = frozenset({PROCESSED, REJECTED, DUPLICATES, UNCLASSIFIED})

log = logging.getLogger(__name__)


def file_arrival(inbox: Path, arrival: Arrival, verdict: Verdict, *,
                 note: str = "") -> Path | None:
    """Move (inbox) or copy (ingest) the file of ``arrival`` to the folder of ``verdict``.

    ``note`` is the French explanation written beside a refused file. Returns where the
    file (or its copy) is now; None when there is nothing to file (a mailbox's mail, an
    attachment, a duplicate given to ``ingest``).
    """
    path = arrival.path
    if path is None or verdict is Verdict.KEPT:
        return None
    if arrival.source is Source.INGEST:
        if verdict is Verdict.DUPLICATE:
            return None
        target = unique_path(inbox / verdict.value / path.name)
        if arrival.data is None:  # too large to copy: the note alone says what happened
            if note:
                return write_rejection_note(target, note)
            return None
        target = _copy(path, target)
    else:
        target = move_to(inbox, path, verdict.value)
    if note:
        write_rejection_note(target, note)
    return target


def move_to(inbox: Path, path: Path, folder: str) -> Path:
    """Move ``path`` into ``inbox/folder``; FileNotReady while another program holds it."""
    target = unique_path(inbox / folder / path.name)
    try:
        shutil.move(path, target)
    except PermissionError as exc:
        raise FileNotReady(f"{path.name}: cannot be moved yet (open in another program)",
                           path=path) from exc
    log.info("%s → %s/", path.name, folder)
    return target


def rejection_copy(inbox: Path, name: str, rejected: Rejected) -> Path:
    """Write the refused rows of the file ``name`` for a person to fix and drop again."""
    target = unique_path(inbox / REJECTED / f"{Path(name).stem} - lignes refusées.xlsx")
    return write_rejection_copy(rejected, target)


def unique_path(target: Path) -> Path:
    """``target``, or the same name with a number when it is taken: nothing is overwritten."""
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate, number = target, 2
    while candidate.exists():
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        number += 1
    return candidate


def _copy(path: Path, target: Path) -> Path:
    try:
        shutil.copyfile(path, target)
    except PermissionError as exc:
        raise FileNotReady(f"{path.name}: cannot be copied yet (open in another program)",
                           path=path) from exc
    return target
