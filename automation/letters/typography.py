"""French typography for letters: non-breaking spaces, subjects without « TR: », full stops.

:func:`french_spacing` puts a non-breaking space (U+00A0) before « : ; ! ? » and inside
« guillemets », where a space is typed or missing inside the guillemets; a colon typed without
a space (a time, an address) is left alone. The default templates' own text and every value a
letter shows go through it. :func:`clean_subject` removes the reply and forward prefixes a
mail's subject carries; :func:`sentence` ends a value with a full stop when it has none.
"""

from __future__ import annotations

import re
from typing import Final

NBSP: Final = "\u00a0"
_BEFORE: Final = re.compile(r"[ \t\u202f]+([:;!?»])")
_AFTER_OPEN: Final = re.compile(r"«[ \t\u202f]*")
_BEFORE_CLOSE: Final = re.compile(r"(?<=\S)»")
_PREFIX: Final = re.compile(
    r"^\s*(?:(?:re|r[ée]p|tr|fwd?|aw|wg|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+",
    re.IGNORECASE)
_ENDS: Final = (".", "!", "?", "…")


def french_spacing(text: str) -> str:
    """``"Objet : « Retard »"`` with non-breaking spaces where French typography wants them."""
    text = _BEFORE.sub(NBSP + r"\1", text)
    text = _AFTER_OPEN.sub("«" + NBSP, text)
    return _BEFORE_CLOSE.sub(NBSP + "»", text)


def clean_subject(subject: str) -> str:
    """``"TR: RE: Retard du formateur"`` → ``"Retard du formateur"``."""
    return _PREFIX.sub("", subject).strip()


def sentence(text: object) -> str:
    """``text`` ending with a full stop (or the ! ? … it already ends with)."""
    value = str(text).rstrip()
    if not value or value.endswith(_ENDS) or value.endswith(tuple(f"{e}{NBSP}»" for e in _ENDS)):
        return value
    return value + "."
