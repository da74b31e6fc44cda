"""Text helpers shared by intake, registers and letters.

``fold`` compares names the way people expect (case, accents, punctuation and spacing do not
matter). ``clean_text`` makes any text from outside safe for a workbook cell or a letter.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

EXCEL_CELL_LIMIT: Final = 32_767
FORMULA_PREFIXES: Final = ("=", "+", "-", "@")
TRUNCATION_MARK: Final = " […]"

# XML 1.0 forbids these; openpyxl raises IllegalCharacterError on them.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form: ``"Reçu le :"`` → ``"recu le"``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped.casefold()).strip()


def clean_text(text: str, *, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Remove what a workbook or a .docx cannot hold and cut to ``limit`` characters.

    Lone surrogates (from badly decoded mail) become U+FFFD, control characters other than
    tab and newlines are dropped, line endings become ``\\n``, and text over the limit is cut
    with a visible mark rather than silently.
    """
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
