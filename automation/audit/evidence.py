"""The .zip of the evidence and its index: every file with its SHA-256, date and what it proves.

Each file is read once: the bytes that are hashed are the bytes written into the archive, so a
register saved by the watcher meanwhile cannot make the index lie (it is replaced whole, never
written in place). A file's date is its own: when the register was last saved, when the letter
was written — for what the pack itself made (extracts, charts, figures), the day of the pack.
The index is the document's last section, and a CSV beside the archive (``;``, UTF-8 with BOM,
as Excel in French opens it); the archive holds only the evidence, so that every file in it
is in the index.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from automation.clock import paris_naive
from automation.errors import LetterError
from automation.files import replace_file, temporary_beside

INDEX_HEADERS: Final = ("Fichier", "SHA-256", "Date", "Ce qu'il prouve")


@dataclass(frozen=True)
class Evidence:
    """A file to put in the archive: its name there, where it is, what it proves."""

    name: str
    path: Path
    proves: str
    made_at: datetime | None = None  # None: the file's own modification time


@dataclass(frozen=True)
class IndexEntry:
    name: str
    sha256: str
    date: str  # « 14/03/2026 10:02 »
    proves: str
    size: int


def _moment(item: Evidence) -> datetime:
    if item.made_at is not None:
        return paris_naive(item.made_at)
    return datetime.fromtimestamp(item.path.stat().st_mtime)


def build_archive(target: Path, items: Sequence[Evidence]) -> list[IndexEntry]:
    """Write the archive at ``target`` (replaced whole) and return its index, in its order."""
    entries: list[IndexEntry] = []
    seen: set[str] = set()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(target)
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=6) as archive:
            for item in items:
                if item.name in seen or not item.path.is_file():
                    continue
                seen.add(item.name)
                moment = _moment(item)
                data = item.path.read_bytes()
                info = zipfile.ZipInfo(item.name, date_time=_zip_time(moment))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, data)
                entries.append(IndexEntry(item.name, hashlib.sha256(data).hexdigest(),
                                          f"{moment:%d/%m/%Y %H:%M}", item.proves, len(data)))
        replace_file(temporary, target)
    except OSError as exc:
        raise LetterError(f"{target}: the evidence archive cannot be written "
                          f"({exc.strerror or exc})") from exc
    finally:
        temporary.unlink(missing_ok=True)
    return entries


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    moment = max(moment, datetime(1980, 1, 1))  # the zip format starts in 1980
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def write_csv(target: Path, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """A CSV as Excel in French opens it (« ; », UTF-8 with BOM, CRLF), replaced whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(target)
    try:
        temporary.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))
        replace_file(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def write_index_csv(target: Path, entries: Sequence[IndexEntry]) -> Path:
    return write_csv(target, INDEX_HEADERS,
                     ((e.name, e.sha256, e.date, e.proves) for e in entries))
