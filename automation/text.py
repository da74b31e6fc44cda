"""Text helpers shared by intake, registers and letters.

``fold`` compares names the way people expect (case, accents, punctuation and spacing do not
matter). ``clean_text`` makes any text from outside safe for a workbook cell or a letter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

EXCEL_CELL_LIMIT: Final = 32_767
FORMULA_PREFIXES: Final = ("=", "+", "-", "@")
TRUNCATION_MARK: Final = " […]"

# XML 1.0 forbids these; openpyxl raises IllegalCharacterError on them.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
# What clean_text changes: the two above, and carriage returns.
_UNCLEAN: Final = re.compile(r"[\x00-\x08\x0b\x0c\r\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SHORT: Final = 64  # texts up to this length are folded once per process (answers repeat)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form: ``"Reçu le :"`` → ``"recu le"``."""
    return _fold_short(text) if len(text) <= _SHORT else _fold(text)


@lru_cache(maxsize=8192)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose
        return _NON_ALNUM.sub(" ", text.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped.casefold()).strip()


def clean_text(text: str, *, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Remove what a workbook or a .docx cannot hold and cut to ``limit`` characters.

    Lone surrogates (from badly decoded mail) become U+FFFD, control characters other than
    tab and newlines are dropped, line endings become ``\\n``, and text over the limit is cut
    with a visible mark rather than silently.
    """
    if len(text) <= limit and not _UNCLEAN.search(text):
        return text  # nothing to remove: most cells
    text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if len(text) > limit:
        text = text[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


def looks_like_formula(text: str) -> bool:
    """True when Excel would read ``text`` typed in a cell as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def one_line(text: str) -> str:
    """Collapse whitespace, for subjects and names."""
    return " ".join(text.split())
