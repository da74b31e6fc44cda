"""A postal address laid out for a DL window envelope (La Poste, NF Z 10-011).

People type an address on one line (« 12, rue de France, 06000 Nice ») or on several (Alt+Entrée
in Excel). :func:`postal_lines` gives its lines: one per element, at most six, the last one
« 06000 NICE » (postcode, then the town in capitals), without trailing punctuation.
"""

from __future__ import annotations

import re
from typing import Final

MAX_LINES: Final = 6
_POSTCODE_LINE: Final = re.compile(r"^(\d{5}|\d{2}\s\d{3})\s+(\S.*)$")
_NUMBER_ONLY: Final = re.compile(r"^\d+\s*(?:bis|ter|quater|[a-d])?$", re.IGNORECASE)


def postal_lines(text: str) -> list[str]:
    """The lines of the address ``text`` for an envelope ([] when there is none)."""
    lines: list[str] = []
    for raw in re.split(r"[\r\n;]+", text):
        lines.extend(_split_commas(raw))
    lines = [" ".join(line.split()).strip(" ,.") for line in lines]
    lines = [line for line in lines if line]
    if lines:
        found = _POSTCODE_LINE.match(lines[-1])
        if found:
            lines[-1] = f"{found.group(1).replace(' ', '')} {found.group(2).upper()}"
    return lines[:MAX_LINES]


def _split_commas(line: str) -> list[str]:
    """« 12, rue de France, 06000 Nice » → « 12 rue de France », « 06000 Nice »."""
    parts = [part.strip() for part in line.split(",")]
    merged: list[str] = []
    for part in parts:
        if merged and _NUMBER_ONLY.match(merged[-1]):
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged
