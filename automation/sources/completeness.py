"""Is a file dropped into the inbox complete? Signs better than "it stopped changing".

A copy can pause longer than any settle time (a VPN, an SMB share, a USB key), so the drop
folder also asks:

* :func:`held_for_writing` — is another program still holding the file open to write it?
  On Linux, ``/proc/<pid>/fd`` shows it for the processes this account can see (a Samba
  server's own smbd among them); on Windows, opening the file for writing fails with a
  sharing violation while the copying program holds it. Elsewhere the answer is "no".
* :func:`tail_of` — does the file end as a complete file of its kind? A CSV whose
  last line has no line ending, a zip (.xlsx, .ods) without its end-of-central-directory
  record, an OLE file (.xls, .msg) whose size is not a whole number of sectors. Such a file
  is given much longer before it is judged (a CSV from Google ends without a line ending).
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Final

_PROC: Final = Path("/proc")
_EOCD: Final = b"PK\x05\x06"
_EOCD_SEARCH: Final = 65_536 + 22  # the record sits within the last 64 KiB + 22 bytes
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_SECTOR: Final = 512
_WRITE_FLAGS: Final = os.O_WRONLY | os.O_RDWR


def held_for_writing(path: Path) -> bool:
    """True when another program (or this one) has ``path`` open for writing."""
    if sys.platform == "win32":
        return _sharing_violation(path)
    if _PROC.is_dir():
        return _open_for_writing_in_proc(path)
    return False


def _sharing_violation(path: Path) -> bool:
    """Windows: a program copying the file keeps it from being opened for writing."""
    if not os.access(path, os.W_OK):
        return False  # a read-only file refuses writers for its own reason
    try:
        with path.open("r+b"):
            return False
    except PermissionError:
        return True
    except OSError:
        return False


def _open_for_writing_in_proc(path: Path) -> bool:
    try:
        target = str(path.resolve())
    except OSError:
        return False
    for process in _PROC.iterdir():
        if not process.name.isdigit():
            continue
        fds = process / "fd"
        try:
            entries = list(os.scandir(fds))
        except OSError:  # gone, or not ours to see
            continue
        for entry in entries:
            try:
                if str(Path(entry.path).readlink()) != target:
                    continue
                flags = _fd_flags(process / "fdinfo" / entry.name)
            except OSError:
                continue
            if flags is not None and flags & _WRITE_FLAGS:
                return True
    return False


def _fd_flags(fdinfo: Path) -> int | None:
    for line in fdinfo.read_text(encoding="ascii", errors="replace").splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            with contextlib.suppress(ValueError):
                return int(value.strip(), 8)
    return None


class Tail(Enum):
    """How a file ends."""

    COMPLETE = "complete"
    OPEN_LINE = "a CSV whose last line has no line ending"  # often just how it was exported
    TRUNCATED = "a workbook or .msg whose end is missing"  # cannot be read as it is


def tail_of(path: Path) -> Tail:
    """Whether ``path`` ends as a complete file of its kind."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - _EOCD_SEARCH))
            tail = handle.read()
    except OSError:
        return Tail.COMPLETE  # unreadable now: the reader will say so
    if head.startswith(_ZIP_MAGIC):
        return Tail.COMPLETE if _EOCD in tail else Tail.TRUNCATED
    if head.startswith(_OLE_MAGIC):
        return Tail.COMPLETE if size % _OLE_SECTOR == 0 else Tail.TRUNCATED
    if path.suffix.lower() == ".csv" and tail and not tail.endswith((b"\n", b"\r")):
        return Tail.OPEN_LINE
    return Tail.COMPLETE
