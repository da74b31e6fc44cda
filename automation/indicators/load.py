"""Read an office's registers and planning for the indicators, its settings as Rules, and
make its reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from automation.indicators.compute import compute
from automation.indicators.records import OfficeData, Values, convert
from automation.indicators.results import Report
from automation.indicators.selection import ResponseBase, Rules, Scope
from automation.procedures.planning import Planning, load_planning
from automation.registers.reader import read_register

if TYPE_CHECKING:
    from automation.config import Config

RowsByRegister = Mapping[str, Sequence[tuple[str, Values]]]


def read_rows(config: Config) -> dict[str, list[tuple[str, Values]]]:
    """Every row of every register, as (id, values)."""
    return {binding.key: [(row.record_id, row.values) for row in read_register(binding)]
            for binding in config.bindings()}


def office_data(config: Config, *, rows: RowsByRegister | None = None,
                planning: Planning | None = None) -> OfficeData:
    """The office's registers and planning as indicator inputs (``rows`` when already read)."""
    present = [b.key for b in config.bindings() if b.path.exists()]
    return convert(read_rows(config) if rows is None else rows,
                   load_planning(config) if planning is None else planning, present=present)


def office_rules(config: Config, today: date) -> Rules:
    deadlines = config.deadlines
    return Rules(today=today, calendar=deadlines.calendar(),
                 acknowledge_days=deadlines.acknowledge_days, answer_days=deadlines.answer_days,
                 close_days=deadlines.close_days)


def office_report(config: Config, scope: Scope, *, now: datetime,
                  base: ResponseBase | None = None) -> Report:
    """Every figure of ``scope`` from the office's registers, as of ``now``."""
    return compute(office_data(config), scope, office_rules(config, now.date()),
                   generated_at=now, base=base)
