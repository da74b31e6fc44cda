"""A file — dropped into the inbox or given to ``automation ingest`` — as an :class:`Arrival`.

The file is read once, in chunks, hashed as it is read, and never beyond its size limit: a
file larger than the limit (or one that grows past it while it is read) is not read at all,
and the guard stage refuses it, so memory stays flat whatever is dropped. A file that is
empty, held open by the program writing it, locked (a Windows sharing violation) or that
changed while it was read raises :class:`~automation.errors.FileNotReady`: it is tried again
later and nothing of it is recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path
from typing import Final

from automation.arrival import Arrival, Form, Source, Stamp, form_of
from automation.errors import FileNotReady, IntakeError
from automation.sources.completeness import held_for_writing

CHUNK: Final = 1024 * 1024


def stamp_of(path: Path) -> Stamp:
    status = path.stat()
    return Stamp(status.st_size, status.st_mtime_ns)


def file_arrival(path: Path, *, source: Source, inbox: Path, registers: Collection[str],
                 max_spreadsheet_bytes: int, max_mail_bytes: int) -> Arrival:
    """The arrival of the file at ``path``; see the module docstring for what it refuses."""
    place, hint, folder = _where(path, inbox, registers)
    name = path.name
    try:
        before = stamp_of(path)
    except FileNotFoundError as exc:
        raise FileNotReady(f"{name}: no longer there", path=path) from exc
    except OSError as exc:
        raise IntakeError(f"{name}: cannot be read ({exc.strerror or exc})", path=path) from exc
    if before.size == 0:
        raise FileNotReady(f"{name}: still empty", path=path)
    if held_for_writing(path):
        raise FileNotReady(f"{name}: still open for writing by another program", path=path)
    form = form_of(name)
    limit = {Form.SPREADSHEET: max_spreadsheet_bytes, Form.MAIL: max_mail_bytes}.get(form, 0)
    data, digest = _read_capped(path, limit) if 0 < before.size <= limit else (None, "")
    after = stamp_of(path)
    if after != before:
        raise FileNotReady(f"{name}: changed while it was read", path=path)
    return Arrival(source=source, name=name, data=data, size=before.size, fingerprint=digest,
                   place=place, hint=hint, path=path, stamp=before, folder=folder)


def _read_capped(path: Path, limit: int) -> tuple[bytes | None, str]:
    """The file's bytes and their sha256, read in chunks; (None, "") past ``limit``."""
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    return None, ""
                digest.update(chunk)
                chunks.append(chunk)
    except PermissionError as exc:  # Windows: still held by the program copying it
        raise FileNotReady(f"{path.name}: locked by another program", path=path) from exc
    except FileNotFoundError as exc:
        raise FileNotReady(f"{path.name}: no longer there", path=path) from exc
    except OSError as exc:
        raise IntakeError(f"{path.name}: cannot be read ({exc.strerror or exc})",
                          path=path) from exc
    return b"".join(chunks), digest.hexdigest()


def _where(path: Path, inbox: Path, registers: Collection[str]) -> tuple[str, str | None, str]:
    """How a person finds the file, the register its sub-folder names, and that sub-folder."""
    try:
        relative = path.absolute().relative_to(inbox.absolute())
    except (ValueError, OSError):
        return str(path), None, ""
    folder = relative.parts[0] if len(relative.parts) >= 2 else ""
    hint = folder if folder in registers else None
    return f"{inbox.name}/{relative.as_posix()}", hint, folder
