"""What the published page and CSV show: each figure, published, withheld or with a warning."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from automation.indicators.period import Period
from automation.indicators.results import IndicatorResult, format_number


class Shown(StrEnum):
    PUBLISHED = "publié"
    WARNED = "publié avec avertissement"
    WITHHELD = "non publié"
    NO_DATA = "pas de données"


@dataclass(frozen=True)
class PublishedFigure:
    result: IndicatorResult
    shown: Shown
    text: str  # what the page shows in the figure's place
    note: str  # the warning or why it is withheld, "" otherwise


@dataclass(frozen=True)
class Publication:
    organisation: str
    period: Period
    updated: str  # « 24 novembre 2026 »
    office: tuple[PublishedFigure, ...]
    trainings: tuple[tuple[str, tuple[PublishedFigure, ...]], ...]
    min_answers: int
    small_sample: str
    referential_version: str


def answers_text(count: int | None) -> str:
    return f"{count} réponse{'s' if (count or 0) > 1 else ''}"


def basis(figure: PublishedFigure) -> str:
    """What the figure was computed on, in French: « 7 sur 9 · 9 réponses »."""
    result = figure.result
    if figure.shown is Shown.WITHHELD or result.value is None:
        return ""
    parts = []
    if result.numerator is not None and result.denominator is not None:
        parts.append(f"{format_number(result.numerator, 2)} sur "
                     f"{format_number(result.denominator, 2)}")
    if result.answers is not None:
        parts.append(answers_text(result.answers))
    return " · ".join(parts)
