"""The ``[improvement]`` settings: actions opened by the tool, their deadlines, the risk review.

Example::

    [improvement]
    due_days = 20
    check_after_months = 6
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

from automation.errors import ConfigError
from automation.settings import setting

SECTION: Final = "improvement"
_LIMITS: Final = {"due_days": (0, 366), "check_after_months": (1, 36),
                  "risk_review_months": (1, 36)}


@dataclass(frozen=True)
class Improvement:
    open_actions: bool = setting(
        True, "Actions d'amélioration : une réclamation ou une difficulté dont « Action "
              "corrective / d'amélioration » est remplie, et un abandon validé dont l'analyse "
              "des causes est remplie, ouvrent chacun une action au registre des actions.")
    due_days: int = setting(
        30, "Actions d'amélioration : l'« Échéance » d'une action ouverte par l'outil tombe ce "
            "nombre de jours ouvrés après son ouverture (0 = laissée vide, pour l'organisme).")
    check_after_months: int = setting(
        3, "Actions d'amélioration : la vérification d'efficacité d'une action réalisée est "
           "due ce nombre de mois après « Réalisée le ».")
    risk_review_months: int = setting(
        12, "Analyse des risques : à revoir ce nombre de mois après sa dernière revue (la plus "
            "récente date « Revue le » de la feuille).")
    owner: str = setting(
        "", "Responsable de l'analyse des risques et des actions qui n'en nomment aucun ; "
            "vide = [deadlines] default_owner.")

    def __post_init__(self) -> None:
        for item in fields(self):
            if item.name not in _LIMITS:
                continue
            value = getattr(self, item.name)
            low, high = _LIMITS[item.name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigError(f"setting {SECTION}.{item.name} = {value!r}: expected a "
                                  f"whole number from {low} to {high}")
