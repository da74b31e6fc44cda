"""How an indicator is declared: a key, a French label and unit, a one-sentence method, and a
small function from a :class:`~automation.indicators.selection.Selection` to a :class:`Figure`.

The method may name the office's settings in braces (``{acknowledge_days}``); it is filled in
when the report is made, so that the published sentence states the delay the office applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from automation.indicators.results import Part, Unit
from automation.indicators.selection import Selection


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    answers: int | None = None
    missing: str = ""  # French, when value is None
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: Unit
    method: str
    compute: Callable[[Selection], Figure]


def ratio(numerator: int, denominator: int, *, scale: float = 100.0, missing: str,
          answers: bool = False) -> Figure:
    """``numerator ÷ denominator × scale``, or no value (``missing``) without a denominator."""
    if denominator == 0:
        return Figure(None, numerator, 0, answers=0 if answers else None, missing=missing)
    return Figure(scale * numerator / denominator, numerator, denominator,
                  answers=denominator if answers else None)


def no_register(selection: Selection, register: str, title: str) -> Figure | None:
    """No value when the office has no such register workbook at all."""
    if register in selection.present:
        return None
    return Figure(None, missing=f"pas de registre {title}")


def registry(definitions: list[Definition], key: str, label: str, unit: Unit, method: str,
             ) -> Callable[[Callable[[Selection], Figure]], Callable[[Selection], Figure]]:
    """Decorator: add the function below to ``definitions`` with its key, label and method."""
    def add(function: Callable[[Selection], Figure]) -> Callable[[Selection], Figure]:
        definitions.append(Definition(key, label, unit, method, function))
        return function
    return add
