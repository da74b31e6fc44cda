"""The ``[audit]`` settings: what the audit pack shows in the document itself. Example::

    [audit]
    rows_shown = 40
    cases = 2
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from automation.errors import ConfigError
from automation.settings import setting

SECTION: Final = "audit"


@dataclass(frozen=True)
class Audit:
    rows_shown: int = setting(
        25, "Dossier d'audit : lignes de chaque registre reproduites dans le document (les plus "
            "récentes de la période) ; l'extrait complet de la période est dans le .zip.")
    cases: int = setting(
        3, "Dossier d'audit : nombre de cas complets présentés avec leurs courriers (1 à 6).")
    pdf: bool = setting(
        True, "Dossier d'audit : en produire aussi le PDF quand LibreOffice est installé.")

    def __post_init__(self) -> None:
        if isinstance(self.rows_shown, bool) or not isinstance(self.rows_shown, int) \
                or not 0 <= self.rows_shown <= 1000:
            raise ConfigError(f"setting {SECTION}.rows_shown = {self.rows_shown!r}: expected "
                              f"a whole number from 0 to 1000")
        if isinstance(self.cases, bool) or not isinstance(self.cases, int) \
                or not 1 <= self.cases <= 6:
            raise ConfigError(f"setting {SECTION}.cases = {self.cases!r}: expected a whole "
                              f"number from 1 to 6")
