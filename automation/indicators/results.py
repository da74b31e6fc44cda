"""Computed figures as typed values, shared by the table, the JSON, the dashboard, the page and
the audit pack.

An :class:`IndicatorResult` carries its value with what it was computed from (numerator,
denominator, number of survey answers), its period and training, the one-sentence French method
that says how, and the indicators of the referential it evidences. A figure without data has
``value = None`` and says why in ``missing`` — it is never shown as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from automation.indicators.period import Period


class Unit(StrEnum):
    PERCENT = "%"
    SCORE = "sur 5"
    POINTS = "points"
    COUNT = "nombre"
    LEARNERS = "stagiaires"
    PER_100 = "pour 100 stagiaires"
    WORKING_DAYS = "jours ouvrés"


@dataclass(frozen=True)
class Part:
    """One category of a count broken down (« Formateur indisponible » : 3)."""

    label: str
    count: int


@dataclass(frozen=True)
class IndicatorResult:
    key: str  # "satisfaction_rate"
    label: str  # French: "Taux de satisfaction"
    value: float | None  # None: no data (see ``missing``)
    unit: Unit
    numerator: float | None
    denominator: float | None
    period: str  # the period's key: "2026", "2026-T3", "2026-03"
    period_label: str  # French: "année 2026"
    training: str  # "" for the whole office
    method: str  # one French sentence
    answers: int | None = None  # survey answers the figure rests on; None when not a survey figure
    missing: str = ""  # why there is no value, in French
    parts: tuple[Part, ...] = ()
    referential: tuple[int, ...] = ()  # numbers of the indicators it evidences

    @property
    def shown(self) -> str:
        """The value as a French reader expects it: « 87,5 % », « 4,3 sur 5 », « +42 »."""
        if self.value is None:
            return f"pas de données ({self.missing})" if self.missing else "pas de données"
        return format_value(self.value, self.unit)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object: ``key, label, value, unit, numerator, denominator, period,
        training, method``, then ``answers``, ``missing``, ``parts``, ``referential``."""
        return {"key": self.key, "label": self.label, "value": _rounded(self.value),
                "unit": str(self.unit), "numerator": _rounded(self.numerator),
                "denominator": _rounded(self.denominator), "period": self.period,
                "training": self.training, "method": self.method, "answers": self.answers,
                "missing": self.missing,
                "parts": [{"label": p.label, "count": p.count} for p in self.parts],
                "referential": list(self.referential)}


@dataclass(frozen=True)
class Report:
    """Every figure of one period for the whole office or one training, trainer or session."""

    period: Period
    training: str  # "" for the whole office
    trainer: str
    session: str
    results: tuple[IndicatorResult, ...]
    generated_at: datetime
    referential_version: str

    def result(self, key: str) -> IndicatorResult:
        return next(r for r in self.results if r.key == key)

    @property
    def scope_label(self) -> str:
        """French: « ensemble de l'organisme », « formation Excel avancé », …"""
        parts = [f"formation {self.training}" if self.training else ""]
        parts += [f"formateur {self.trainer}" if self.trainer else "",
                  f"session {self.session}" if self.session else ""]
        return ", ".join(p for p in parts if p) or "ensemble de l'organisme"


def format_number(value: float, decimals: int = 1) -> str:
    """French decimal comma, no useless ``,0``: ``87.5`` → ``87,5``, ``12.0`` → ``12``."""
    rounded = round(value, decimals)
    if float(rounded).is_integer():
        return f"{int(rounded):,}".replace(",", "\u202f")
    return f"{rounded:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def format_value(value: float, unit: Unit) -> str:
    if unit is Unit.PERCENT:
        return f"{format_number(value)}\u00a0%"
    if unit is Unit.SCORE:
        return f"{format_number(value, 2)} sur 5"
    if unit is Unit.POINTS:
        return f"{'+' if value > 0 else ''}{format_number(value)}"
    if unit is Unit.WORKING_DAYS:
        return f"{format_number(value)} j ouvrés"
    if unit is Unit.PER_100:
        return f"{format_number(value, 2)} pour 100"
    return format_number(value, 0)


def _rounded(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 4)
    return int(rounded) if float(rounded).is_integer() else rounded
