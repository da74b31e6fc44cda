"""Which column of an office's sheet holds which field: one matcher for adopt, reads and writes.

A header names a field when its folded text (case, accents, punctuation and spacing ignored)
is one of the field's names — the header the office's configuration gives it first, then our
header, its key and its synonyms —, or is once bracketed parts are removed
(« Date (jj/mm) »), or when one of its parts does (« Client / stagiaire »). A header such as
« N° récl. » names the id. Each column holds one field and each field one column; closer
names win, then the field that comes first in the register.

Headers are matched again on every read and write, so a header a person renamed to a
synonym (« Objet » → « Sujet ») or moved keeps its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Final

from automation.registers.schema import Field, RegisterSchema
from automation.text import fold

_BRACKETED: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PARTS: Final = re.compile(r"[/|+&]|\bou\b|\bet\b")
_NUMBER_WORDS: Final = ("n", "no", "num", "numero", "nr")
_RECORD_WORDS: Final = ("dossier", "fiche", "ordre", "enregistrement", "interne", "suivi")
LOOSE: Final = 100  # quality offset of a match once bracketed parts are removed
PART: Final = 200  # … of a match on one part of the header
NUMBERED: Final = 300  # … of « N° xxx » naming the id


@lru_cache(maxsize=1024)
def _names(item: Field) -> tuple[str, ...]:
    return tuple(fold(n) for n in item.names)


@lru_cache(maxsize=4096)
def _forms(header: str) -> tuple[str, str, tuple[str, ...]]:
    """A header folded: whole, without its bracketed parts, and cut into its parts."""
    unbracketed = _BRACKETED.sub(" ", header)
    parts = tuple(p for p in (fold(p) for p in _PARTS.split(unbracketed)) if p)
    return fold(header), fold(unbracketed), parts


def quality(item: Field, header: str, *, register: str = "",
            preferred: str | None = None) -> int | None:
    """How closely ``header`` names ``item`` (0 is its own header; None: it does not)."""
    folded, loose, parts = _forms(header)
    if not folded:
        return None
    names = _names(item)
    if preferred is not None and _forms(preferred)[0] == folded:
        return -1
    if folded in names:
        return names.index(folded)
    if loose and loose in names:
        return LOOSE + names.index(loose)
    hits = [names.index(p) for p in parts if p in names]
    if hits and len(parts) > 1:
        return PART + min(hits)
    if item.key == "id" and _numbers_records(folded, register):
        return NUMBERED
    return None


def _numbers_records(folded: str, register: str) -> bool:
    """« N° », « N° récl. », « Numéro de dossier »: a header numbering the register's rows."""
    words = folded.split()
    if not words or words[0] not in _NUMBER_WORDS:
        return False
    rest = [w for w in words[1:] if w not in {"de", "du", "d", "la", "le"}]
    if not rest:
        return True
    word = rest[0]
    return (len(word) >= 3 and fold(register).startswith(word)) or word in _RECORD_WORDS


def match_columns(schema: RegisterSchema, headers: Mapping[int, str], *,
                  fields: Sequence[str] | None = None,
                  preferred: Mapping[str, str] | None = None) -> dict[str, int]:
    """Field key -> column for ``headers`` (column -> text), over ``fields`` (default: all).

    ``preferred`` gives the header the office's configuration records for a field.
    """
    wanted = [schema.field(k) for k in fields] if fields is not None else list(schema.fields)
    preferred = preferred or {}
    order = {item.key: index for index, item in enumerate(schema.fields)}
    candidates: list[tuple[int, int, int, str]] = []
    for item in wanted:
        for col, text in headers.items():
            found = quality(item, text, register=schema.key, preferred=preferred.get(item.key))
            if found is not None:
                candidates.append((found, order[item.key], col, item.key))
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for _, _, col, key in sorted(candidates):
        if key not in columns and col not in taken:
            columns[key] = col
            taken.add(col)
    return {key: columns[key] for key in sorted(columns, key=order.__getitem__)}


def match_headers(schema: RegisterSchema, headers: Sequence[str]) -> dict[str, str]:
    """Field key -> header text, for a header row given as a list of texts."""
    columns = match_columns(schema, dict(enumerate(headers)))
    return {key: headers[col] for key, col in columns.items()}
