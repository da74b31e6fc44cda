"""Producing a letter for a register row into the outbox: the call the pipeline makes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from automation.config import Organisation
from automation.docprops import DC_IDENTIFIER, core_property
from automation.errors import LetterError
from automation.letters.catalog import LetterKind
from automation.letters.context import letter_context
from automation.letters.naming import letter_filename, unique_path
from automation.letters.render import render_letter
from automation.records import StoredRow
from automation.text import clean_text, one_line


def letter_identity(record_id: str, kind: LetterKind, person: str) -> str:
    """What makes two letters the same: ``"REC-2026-0001|accuse-reception-reclamation|Dupont"``."""
    return clean_text(f"{record_id}|{kind.value}|{one_line(person)}")


def produce_letter(*, kind: LetterKind, org: Organisation, templates_dir: Path,
                   outbox_dir: Path, row: StoredRow, today: date, person: str,
                   extra: Mapping[str, object] | None = None) -> Path:
    """Render ``kind`` for ``row`` into ``outbox_dir``; return the letter's path.

    ``person`` is the recipient (``recipient`` in the template unless ``extra`` sets it) and
    ends the file name. The same letter (same id, kind and person) produced again replaces
    the previous file; any other file of the same name is kept and a ``(2)`` is added.
    """
    context_extra: dict[str, object] = {"recipient": person} if person.strip() else {}
    context_extra.update(extra or {})
    context = letter_context(org, row, today=today, extra=context_extra)
    identity = letter_identity(row.record_id, kind, person)
    try:
        outbox_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LetterError(f"{outbox_dir}: cannot create the outbox ({exc.strerror or exc})"
                          ) from exc
    out = unique_path(outbox_dir, letter_filename(row.record_id, kind, person),
                      reuse=lambda path: stored_identity(path) == identity)
    return render_letter(templates_dir / kind.template, context, out, identifier=identity)


def stored_identity(path: Path) -> str:
    """The identity written in a letter's properties; ``""`` for any other file."""
    return core_property(path, DC_IDENTIFIER)
