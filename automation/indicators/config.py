"""The ``[indicators]`` settings: how published results treat small samples. Example::

    [indicators]
    min_answers = 10
    small_sample = "warn"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from automation.errors import ConfigError
from automation.settings import setting

SECTION: Final = "indicators"
SMALL_SAMPLE_CHOICES: Final = ("withhold", "warn")


@dataclass(frozen=True)
class Indicators:
    min_answers: int = setting(
        5, "Résultats publiés : un chiffre d'enquête calculé sur moins de réponses que ce "
           "nombre est retenu ou signalé (voir small_sample).")
    small_sample: str = setting(
        "withhold", "Résultats publiés : withhold (le chiffre n'est pas publié, la page dit "
                    "pourquoi) ou warn (il est publié avec un avertissement).")

    def __post_init__(self) -> None:
        if isinstance(self.min_answers, bool) or not isinstance(self.min_answers, int) \
                or not 0 <= self.min_answers <= 10_000:
            raise ConfigError(f"setting {SECTION}.min_answers = {self.min_answers!r}: "
                              f"expected a whole number from 0 to 10000")
        if self.small_sample not in SMALL_SAMPLE_CHOICES:
            raise ConfigError(f"setting {SECTION}.small_sample = {self.small_sample!r}: "
                              f"expected one of {', '.join(SMALL_SAMPLE_CHOICES)}")
