"""A file — dropped into the inbox or given to ``automation ingest`` — as an :class:`Arrival`.

The file is read once, in chunks, hashed as it is read, and never beyond its size limit: a
file larger than the limit (or one that grows past it while it is read) is not read at all,
and the guard stage refuses it, so memory stays flat whatever is dropped. A file that is
empty, held open by the program writing it, locked (a Windows sharing violation) or that
changed while it was read raises :class:`~automation.errors.FileNotReady`: it is tried again
later and nothing of it is recorded.

Names and links. Any name the file system holds is taken: a name that is not UTF-8 (a
Windows-1252 name on an old share) is shown decoded as Windows-1252, or with U+FFFD, and a
newline or control character as a space — :attr:`Arrival.name` is that readable name, the
file itself keeps its own. A symbolic link, a second name (hard link) of a file kept outside
the office folder, or anything that is not a plain file (a pipe, a device) is never opened:
its arrival carries a French :attr:`~automation.arrival.Arrival.refusal` that quotes nothing
of what it points to, and the file is opened without following links (``O_NOFOLLOW``), so a
link slipped in after the check is not followed either.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Collection
from pathlib import Path
from typing import Final

from automation import crashpoints
from automation.arrival import Arrival, Form, Source, Stamp, form_of
from automation.errors import FileNotReady, IntakeError
from automation.intake import messages
from automation.sources.completeness import held_for_writing

CHUNK: Final = 1024 * 1024
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_BINARY: Final = getattr(os, "O_BINARY", 0)
_LINK_SEARCH_LIMIT: Final = 200_000  # entries looked at to find a hard link's other names


def readable_name(name: str) -> str:
    """``name`` as a person can read it and as every text file can hold it (see the module
    doc): undecodable bytes decoded as Windows-1252, control characters as spaces."""
    raw = os.fsencode(name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)
    return text.strip() or "sans nom"


def stamp_of(path: Path) -> Stamp:
    status = path.lstat()  # a link's own: what it points to is never looked at
    return Stamp(status.st_size, status.st_mtime_ns)


def file_arrival(path: Path, *, source: Source, inbox: Path, registers: Collection[str],
                 max_spreadsheet_bytes: int, max_mail_bytes: int,
                 office: Path | None = None) -> Arrival:
    """The arrival of the file at ``path``; see the module docstring for what it refuses.

    ``office`` is the office folder (default: the inbox's parent): a hard link whose other
    names all lie in it is taken as a plain file.
    """
    place, hint, folder = _where(path, inbox, registers)
    name = readable_name(path.name)
    try:
        status = path.lstat()
    except FileNotFoundError as exc:
        raise FileNotReady(f"{name}: no longer there", path=path) from exc
    except OSError as exc:
        raise IntakeError(f"{name}: cannot be read ({exc.strerror or exc})", path=path) from exc
    refusal = _refusal(path, status, office=office or inbox.parent)
    if refusal:
        return Arrival(source=source, name=name, data=None, size=status.st_size,
                       fingerprint="", place=place, hint=hint, path=path,
                       stamp=Stamp(status.st_size, status.st_mtime_ns), folder=folder,
                       refusal=messages.unreadable(name, refusal))
    before = Stamp(status.st_size, status.st_mtime_ns)
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
    crashpoints.reached("after-fingerprint")
    return Arrival(source=source, name=name, data=data, size=before.size, fingerprint=digest,
                   place=place, hint=hint, path=path, stamp=before, folder=folder)


def _read_capped(path: Path, limit: int) -> tuple[bytes | None, str]:
    """The file's bytes and their sha256, read in chunks; (None, "") past ``limit``."""
    digest = hashlib.sha256()
    chunks: list[bytes] = []
    total = 0
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW | _BINARY)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise FileNotReady(f"{path.name}: replaced while it was read", path=path)
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
    except OSError as exc:  # ELOOP: it became a link since it was looked at
        raise FileNotReady(f"{path.name}: cannot be read now ({exc.strerror or exc})",
                           path=path) from exc
    return b"".join(chunks), digest.hexdigest()


def readable_path(path: Path) -> str:
    """``path`` as text any file (a journal, a note) can hold: see :func:`readable_name`."""
    return "/".join(readable_name(part) if part != "/" else "" for part in path.parts) or "/"


def _refusal(path: Path, status: os.stat_result, *, office: Path) -> str:
    """Why ``path`` is not opened at all (French), or ""."""
    if stat.S_ISLNK(status.st_mode):
        return messages.LINK
    if not stat.S_ISREG(status.st_mode):
        return messages.NOT_A_FILE
    if status.st_nlink > 1 and not _links_all_inside(status, office):
        return messages.HARD_LINK
    return ""


def _links_all_inside(status: os.stat_result, office: Path) -> bool:
    """Whether every name of a hard-linked file lies in the office folder."""
    found, seen = 0, 0
    for folder, folders, files in os.walk(office):
        for entry in files:
            seen += 1
            try:
                other = (Path(folder) / entry).lstat()
            except OSError:
                continue
            if (other.st_ino, other.st_dev) == (status.st_ino, status.st_dev):
                found += 1
        if seen > _LINK_SEARCH_LIMIT:
            return False
        folders[:] = [f for f in folders if not Path(folder, f).is_symlink()]
    return found >= status.st_nlink


def _where(path: Path, inbox: Path, registers: Collection[str]) -> tuple[str, str | None, str]:
    """How a person finds the file, the register its sub-folder names, and that sub-folder."""
    try:
        relative = path.absolute().relative_to(inbox.absolute())
    except (ValueError, OSError):
        return "/".join(readable_name(part) for part in path.parts), None, ""
    folder = relative.parts[0] if len(relative.parts) >= 2 else ""
    hint = folder if folder in registers else None
    shown = "/".join(readable_name(part) for part in (inbox.name, *relative.parts))
    return shown, hint, readable_name(folder) if folder else ""
