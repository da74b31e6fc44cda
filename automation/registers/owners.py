"""Who has a workbook open: the owner files Excel and LibreOffice put beside it.

Excel writes ``~$Registre.xlsx`` (165 bytes: the name's length, the name in the Windows code
page, then the same name in UTF-16 at offset 55 — offset 54 for Word's 162-byte files);
LibreOffice writes ``.~lock.Registre.xlsx#`` (one CSV line: name, system user, host, time,
profile). Both are removed when the program closes the file; one left by a crash stays for
ever, and keeps the rows waiting: :func:`owner_of` reads who and since when, so that
``status`` can say « ouvert par Hélène Dupré depuis 3 jours : probablement un reste » and how
to remove it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

MSO_NAME_MAX: Final = 52
_UNESCAPED_COMMA: Final = re.compile(r"(?<!\\),")


@dataclass(frozen=True)
class OwnerFile:
    path: Path  # the owner file itself
    owner: str  # "Hélène Dupré", or "" when the file does not say
    since: datetime  # when it was written (its modification time, local)

    def age(self, now: datetime) -> timedelta:
        return max(now - self.since, timedelta(0))

    def is_stale(self, now: datetime, *, hours: float) -> bool:
        """Older than ``hours``: the program that wrote it has probably crashed."""
        return self.age(now) >= timedelta(hours=hours)

    def who(self) -> str:
        return self.owner or "une personne non nommée"


def read_owner(path: Path) -> OwnerFile | None:
    """What the owner file ``path`` says; None when it is gone (closed meanwhile)."""
    try:
        data = path.read_bytes()[:512]
        since = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None
    name = _lo_owner(data) if path.name.startswith(".~lock.") else _mso_owner(data)
    return OwnerFile(path=path, owner=name, since=since)


def _mso_owner(data: bytes) -> str:
    if len(data) < 162 or not 0 < data[0] <= MSO_NAME_MAX:
        return ""
    at = 54  # Word's place for the UTF-16 copy; Excel and PowerPoint pad one byte more
    if data[at] == 0x20 and (data[at - 1] or data[at - 2]):
        at = 55
    length = data[at]
    if 0 < length <= MSO_NAME_MAX:
        name = data[at + 2: at + 2 + 2 * length].decode("utf-16-le", "replace")
    else:
        name = data[1: 1 + data[0]].decode("cp1252", "replace")
    return " ".join(name.split())


def _lo_owner(data: bytes) -> str:
    line = data.decode("utf-8", "replace").split(";", 1)[0]
    fields = [part.replace("\\,", ",").replace("\\;", ";").strip()
              for part in _UNESCAPED_COMMA.split(line)]
    return next((part for part in fields[:2] if part), "")


def describe_age(age: timedelta) -> str:
    """``3 jours``, ``5 h``, ``12 min`` — for a French sentence."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} jours"
