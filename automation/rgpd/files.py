"""The files the tool keeps beside the registers: rewritten, or removed with the person.

A copy the inbox kept (``processed/``, ``rejected/``…), an attachment saved beside another
row's letters, or the dashboard, may name the person among others: it is rewritten in place
(a workbook at the XML level, a CSV or a note as text in its own encoding). The person's
own letters, drafts, attachments and saved mails are removed.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Mapping
from pathlib import Path

from automation.errors import RegisterError
from automation.rgpd.plan import PersonTarget, RetentionTarget, Target
from automation.rgpd.workbook import Scrubbed, replace_in_place, scrub_workbook


def rewrite_copy(path: Path, target: Target, *, dry_run: bool = False) -> bool:
    """Rewrite the mentions ``target`` finds in ``path``; True when there were some."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        def cell_text(_sheet: str, _row: object, _col: int, text: str) -> str:
            return target.text(text)

        result = scrub_workbook(path, cell_text=cell_text, free_text=target.text,
                                orphan=lambda text: target.text(text) != text,
                                backup_dir=None, dry_run=dry_run)
        return result.changed
    data = path.read_bytes()
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = data.decode(encoding, errors="replace")
    new = target.text(text)
    if new == text:
        return False
    if not dry_run:
        write_bytes_atomically(path, new.encode(encoding, errors="replace"))
    return True


def scrub_register_texts(path: Path, register: str, target: Target, *,
                         backup_dir: Path | None, keep: int = 30,
                         dry_run: bool = False) -> Scrubbed:
    """The workbook's other texts and unused strings, for the rows ``target`` erases."""
    ids = _row_ids(target, register)

    def cell_text(_sheet: str, row: Mapping[int, str], _col: int, text: str) -> str:
        record_id = next((t for t in row.values() if t in ids), "")
        return target.text(text, register=register, record_id=record_id)

    def orphan(text: str) -> bool:
        if isinstance(target, RetentionTarget):
            return target.mentions(text)
        return target.text(text) != text

    return scrub_workbook(path, cell_text=cell_text, free_text=lambda t: target.text(t),
                          orphan=orphan, backup_dir=backup_dir, keep=keep, dry_run=dry_run)


def _row_ids(target: Target, register: str) -> frozenset[str]:
    if isinstance(target, RetentionTarget):
        return frozenset(rid for reg, rid in target.rows if reg == register)
    if isinstance(target, PersonTarget):
        return frozenset(rid for reg, rid in target.about_rows if reg == register)
    return frozenset()


def write_bytes_atomically(path: Path, data: bytes) -> None:
    def write(temporary: Path) -> None:
        temporary.write_bytes(data)

    replace_in_place(path, write)


def remove(path: Path) -> None:
    """Remove a file or a folder (an attachment folder) and everything in it."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        raise RegisterError(f"{path} cannot be removed: {exc}", path=path) from exc
