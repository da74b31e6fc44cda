"""Where a handled file goes, so that nothing stays in the inbox and nothing is overwritten.

A file dropped into the inbox is *moved* to ``processed/``, ``rejected/`` (with a
``.LISEZ-MOI.txt`` note), ``duplicates/`` or ``unclassified/``. A file given to ``automation
ingest`` from elsewhere stays where the person keeps it: a *copy* goes to ``processed/`` or
``rejected/``, so that the register's « Source » and a refusal note point at something in
the office folder. Rows refused one by one come back in ``rejected/<file> - lignes
refusées.xlsx`` whatever the source.

Any name is filed: a moved file keeps its own name (a number is added before its suffix
when taken, the stem shortened so that the name stays within the 255 bytes file systems
allow); the files the tool adds beside it — the note, the rejection copy — take the readable
name (:func:`~automation.sources.files.readable_name`), never a name Windows reserves
(``CON``, ``NUL``…).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Final

from automation.arrival import Arrival, Source
from automation.errors import FileNotReady
from automation.intake import messages
from automation.intake.rejection import (
    NOTE_SUFFIX,
    Rejected,
    write_rejection_copy,
    write_rejection_note,
)
from automation.pipeline.office import Office
from automation.pipeline.report import Verdict
from automation.registers.journal import SourceStatus
from automation.sources.files import readable_name, readable_path

PROCESSED: Final = Verdict.RECORDED.value
REJECTED: Final = Verdict.REFUSED.value
DUPLICATES: Final = Verdict.DUPLICATE.value
UNCLASSIFIED: Final = Verdict.LEFT.value
FILED_FOLDERS: Final = frozenset({PROCESSED, REJECTED, DUPLICATES, UNCLASSIFIED})

MAX_NAME_BYTES: Final = 255
_RESERVED: Final = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$",
                              re.IGNORECASE)
_WINDOWS_FORBIDDEN: Final = re.compile(r'[<>:"/\\|?*]')

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
                return _note(target, arrival.name, note)
            return None
        target = _copy(path, target)
    else:
        target = move_to(inbox, path, verdict.value)
    if note:
        _note(target, arrival.name, note)
    return target


def _note(target: Path, name: str, note: str) -> Path:
    """The ``.LISEZ-MOI.txt`` beside ``target``, named after the readable ``name``."""
    shown = readable_name(target.name)
    path = unique_path(target.with_name(derived_name(shown, NOTE_SUFFIX)))
    return write_rejection_note(path, note, name=readable_name(name))


def give_up_file(office: Office, path: Path, error: BaseException) -> Path:
    """File ``path`` that failed again and again, saying truly what became of its rows.

    Rows already safe in the journal are written to the register as soon as it can be (the
    file goes to ``processed/``); otherwise nothing of it was kept, and the file goes to
    ``rejected/`` with a note asking to pass it on.
    """
    inbox = office.config.inbox_dir
    fingerprint = _fingerprint(path)
    recorded = bool(fingerprint) and office.journal.source_status(
        fingerprint) is not None
    if recorded:
        target = move_to(inbox, path, PROCESSED)
        office.journal.mark_source(fingerprint, name=readable_name(path.name),
                                   status=SourceStatus.FILED, now=office.clock.now(),
                                   detail=readable_path(target))
        return target
    target = move_to(inbox, path, REJECTED)
    _note(target, path.name, messages.internal_error(type(error).__name__))
    return target


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


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
    stem = Path(readable_name(name)).stem
    target = unique_path(inbox / REJECTED / derived_name(stem, " - lignes refusées.xlsx"))
    return write_rejection_copy(rejected, target)


def unique_path(target: Path) -> Path:
    """``target``, or the same name with a number when it is taken: nothing is overwritten.

    The name is shortened (its stem, never its suffix) to fit in :data:`MAX_NAME_BYTES`.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    stem, suffix = target.stem, target.suffix
    if len(os.fsencode(suffix)) > 40:  # not a real suffix: part of a long name
        stem, suffix = target.name, ""
    candidate, number = target.with_name(_fit(stem, suffix)), 2
    while candidate.exists() or candidate.is_symlink():
        candidate = target.with_name(_fit(stem, f" ({number}){suffix}"))
        number += 1
    return candidate


def derived_name(base: str, ending: str) -> str:
    """A name for a file the tool adds (``base`` + ``ending``): readable, allowed on Windows,
    within :data:`MAX_NAME_BYTES`."""
    base = _WINDOWS_FORBIDDEN.sub("_", base).rstrip(" .") or "fichier"
    if _RESERVED.match(base.split(".")[0].strip()):
        base = f"_{base}"
    return _fit(base, ending)


def _fit(stem: str, ending: str) -> str:
    """``stem + ending``, the stem cut (on a character boundary) to fit the byte limit."""
    room = MAX_NAME_BYTES - len(os.fsencode(ending))
    raw = os.fsencode(stem)
    if len(raw) <= room:
        return stem + ending
    cut = raw[:max(room, 1)]
    for back in range(4):  # never split a UTF-8 character in two
        try:
            return cut[:len(cut) - back].decode("utf-8") + ending
        except UnicodeDecodeError as exc:
            if exc.reason != "unexpected end of data":
                break
    return os.fsdecode(cut) + ending  # not UTF-8 at all: its bytes, as they were


def _copy(path: Path, target: Path) -> Path:
    try:
        shutil.copyfile(path, target)
    except PermissionError as exc:
        raise FileNotReady(f"{path.name}: cannot be copied yet (open in another program)",
                           path=path) from exc
    return target
