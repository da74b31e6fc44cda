"""How a letter greets its recipient: the civility a name carries, or « Madame, Monsieur ».

« Mme Élodie Faure-Lemoine » is greeted « Madame, », « M. Jean Petit » « Monsieur, »; a name
that carries no civility (a person's name alone, an organisation) is greeted « Madame,
Monsieur, ». The civility is never guessed from a first name. The envelope spells it out
(« Madame Élodie Faure-Lemoine »), and the words about the person agree with it
(« absente », « absent », « absent(e) » when it is unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MADAME: Final = "Madame"
MONSIEUR: Final = "Monsieur"
UNKNOWN: Final = "Madame, Monsieur"
# A civility at the start of a name, as people type it (case, dot and spacing vary).
_TITLES: Final = (
    (re.compile(r"^(?:madame|mademoiselle|mme|mlle)(?:\.|\b)\s*", re.IGNORECASE), MADAME),
    (re.compile(r"^(?:monsieur|mr|m)(?:\.\s*|\s+)(?=\S)", re.IGNORECASE), MONSIEUR),
)


@dataclass(frozen=True)
class Civility:
    title: str  # « Madame », « Monsieur », or "" when the name carries none
    name: str  # the name without its civility

    @property
    def salutation(self) -> str:
        """« Madame », « Monsieur » or « Madame, Monsieur » (the letter adds the comma)."""
        return self.title or UNKNOWN

    @property
    def addressed(self) -> str:
        """The name as the envelope shows it: « Madame Élodie Faure-Lemoine »."""
        return f"{self.title} {self.name}".strip() if self.name else ""

    @property
    def e(self) -> str:
        """The feminine ending of words about the person: « e », « » or « (e) »."""
        return {MADAME: "e", MONSIEUR: ""}.get(self.title, "(e)")


def civility_of(name: str) -> Civility:
    """The civility ``name`` starts with, and the name without it."""
    text = " ".join(name.split())
    for pattern, title in _TITLES:
        found = pattern.match(text)
        if found and text[found.end():].strip():
            return Civility(title, text[found.end():].strip())
    return Civility("", text)
