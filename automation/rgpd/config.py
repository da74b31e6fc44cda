"""The ``[rgpd]`` settings: how long personal data is kept (a leaf: only settings)."""

from __future__ import annotations

from dataclasses import dataclass

from automation.settings import setting


@dataclass(frozen=True)
class Rgpd:
    retention_years: int = setting(
        5, "RGPD : les données personnelles d'une ligne sont anonymisées par « automation rgpd "
        "purge » après ce nombre d'années civiles suivant l'année de la formation (5 : une "
        "formation de 2020 est anonymisée à partir du 1er janvier 2026).")
