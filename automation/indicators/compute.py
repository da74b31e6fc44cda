"""Make a report: every declared figure on one selection, with its method filled in."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from automation.indicators import attendance, complaints, survey
from automation.indicators.catalog import Definition
from automation.indicators.records import OfficeData
from automation.indicators.results import IndicatorResult, Report
from automation.indicators.selection import ResponseBase, Rules, Scope, Selection, select
from automation.referential import referential_for

DEFINITIONS: Final[tuple[Definition, ...]] = (
    *attendance.DEFINITIONS[:1], *survey.DEFINITIONS, *attendance.DEFINITIONS[1:],
    *complaints.DEFINITIONS)
KEYS: Final = tuple(d.key for d in DEFINITIONS)


def compute(data: OfficeData, scope: Scope, rules: Rules, *, generated_at: datetime,
            base: ResponseBase | None = None, keys: tuple[str, ...] = KEYS) -> Report:
    """The figures ``keys`` for ``scope`` (every figure by default), in the catalogue's order."""
    selection = select(data, scope, rules, base=base)
    referential = referential_for(scope.period.end)
    values = {"acknowledge_days": rules.acknowledge_days, "answer_days": rules.answer_days,
              "close_days": rules.close_days, "solicited": selection.base.description}
    results = tuple(_result(d, selection, values, referential.evidencing(d.key))
                    for d in DEFINITIONS if d.key in keys)
    return Report(period=scope.period, training=selection.training if scope.training else "",
                  trainer=scope.trainer, session=scope.session, results=results,
                  generated_at=generated_at, referential_version=referential.version)


def _result(definition: Definition, selection: Selection, values: dict[str, object],
            evidence: tuple[int, ...]) -> IndicatorResult:
    figure = definition.compute(selection)
    period = selection.scope.period
    return IndicatorResult(
        key=definition.key, label=definition.label, value=figure.value, unit=definition.unit,
        numerator=figure.numerator, denominator=figure.denominator, period=period.key,
        period_label=period.label,
        training=selection.training if selection.scope.training else "",
        method=definition.method.format(**values), answers=figure.answers,
        missing=figure.missing if figure.value is None else "", parts=figure.parts,
        referential=evidence)
