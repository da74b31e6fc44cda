"""File names for letters that every file system of the office accepts, Windows first."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Final

from automation.errors import LetterError
from automation.letters.catalog import LetterKind

MAX_NAME: Final = 120  # characters, extension included: leaves room under Windows' MAX_PATH
SUFFIX: Final = ".docx"
MAX_COPIES: Final = 999
_FORBIDDEN: Final = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED: Final = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})
_LIGATURES: Final = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss",
                                   "’": "'", "«": "", "»": ""})


def safe_stem(text: str, *, limit: int = MAX_NAME - len(SUFFIX)) -> str:
    """``text`` as a file name stem: ASCII, no forbidden character, not reserved, capped."""
    folded = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    stem = " ".join(_FORBIDDEN.sub(" ", ascii_text).split())
    stem = stem[:limit].lstrip(" .-").rstrip(" .")
    if not stem:
        return "courrier"
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = f"_{stem}"[:limit]
    return stem


def letter_filename(record_id: str, kind: LetterKind, person: str) -> str:
    """``"REC-2026-0001 accuse de reception - Dupont.docx"``; the id is never cut off."""
    budget = MAX_NAME - len(SUFFIX)
    head = safe_stem(f"{record_id} {kind.label}", limit=budget)
    who = safe_stem(person, limit=budget) if person.strip() else ""
    room = budget - len(head) - len(" - ")
    if who and room >= 1:
        who = who[:room].rstrip(" .")
        return f"{head} - {who}{SUFFIX}" if who else f"{head}{SUFFIX}"
    return f"{head}{SUFFIX}"


def unique_path(folder: Path, name: str, *,
                reuse: Callable[[Path], bool] | None = None) -> Path:
    """``folder / name``, or ``name (2)``, ``(3)``… so that a different letter is never replaced.

    A path that exists is taken only when ``reuse(path)`` says it holds the same letter.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in range(1, MAX_COPIES + 1):
        mark = f" ({number})" if number > 1 else ""
        path = folder / f"{stem[:MAX_NAME - len(suffix) - len(mark)]}{mark}{suffix}"
        if not path.exists() or (reuse is not None and reuse(path)):
            return path
    raise LetterError(f"{folder}: {MAX_COPIES} letters are already named {name!r}; tidy the folder")
