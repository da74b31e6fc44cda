"""What the audit pack is made from, read once: the registers, the letters, the figures.

Every register is read as it is (:func:`automation.registers.reader.read_rows`), the planning
too; the figures of the period and of each of its months are computed from those same rows
(:mod:`automation.indicators`); the letters come from the journal's letter queue (what was
prepared, what was sent, when and how); the risk analysis from the actions register's sheet.
Nothing here is computed that the registers do not hold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

from automation.clock import paris_naive
from automation.deadlines.rules import as_date, is_value
from automation.indicators.book import MONTHLY_KEYS
from automation.indicators.compute import compute
from automation.indicators.load import office_rules
from automation.indicators.period import Period
from automation.indicators.records import OfficeData, convert
from automation.indicators.results import Report
from automation.indicators.selection import Rules, Scope
from automation.pipeline.office import Office
from automation.procedures.planning import Planning, load_planning
from automation.records import CellValue
from automation.referential import Referential, referential_for
from automation.registers.binding import RegisterBinding
from automation.registers.journal import LetterJob, LetterStatus
from automation.registers.reader import read_rows
from automation.registers.risks import RiskSheet, read_risks
from automation.registers.schema import ACTIONS, SESSIONS

Values = Mapping[str, CellValue]
Rows = Sequence[tuple[str, Values]]

# The field giving a row's day in each register: a row belongs to the period by it.
DAY_FIELD: Final = {"reclamations": "received_on", "annulations": "requested_on",
                    "abandons": "absence_noted_on", "satisfaction": "answered_on",
                    "actions": "opened_on"}
CLOSED_ACTIONS: Final = ("Efficace", "Non efficace", "Abandonnée")


@dataclass(frozen=True)
class RegisterData:
    binding: RegisterBinding
    exists: bool
    rows: tuple[tuple[str, Values], ...]  # every row with an id
    in_period: tuple[tuple[str, Values], ...]  # the period's, oldest first
    columns: frozenset[str]  # fields the workbook has

    @property
    def key(self) -> str:
        return self.binding.key

    @property
    def title(self) -> str:
        return self.binding.schema.title


@dataclass(frozen=True)
class AuditData:
    office: Office
    period: Period
    now: datetime
    referential: Referential
    rules: Rules
    registers: Mapping[str, RegisterData]
    planning: Planning
    planning_path: Path
    report: Report  # the period, whole office
    months: tuple[Report, ...]  # the period month by month (MONTHLY_KEYS)
    letters: Mapping[str, tuple[LetterJob, ...]]  # record id -> its letters
    risks: RiskSheet
    data: OfficeData

    @property
    def today(self) -> date:
        return paris_naive(self.now).date()

    def register(self, key: str) -> RegisterData:
        return self.registers[key]

    def row(self, key: str, record_id: str) -> Values | None:
        return next((values for rid, values in self.registers[key].rows if rid == record_id),
                    None)


def in_period(key: str, values: Values, period: Period) -> bool:
    """Whether a row belongs to the period: its day is in it; an action also when it was
    still open at some point of the period (opened before, done or checked during, or not
    closed)."""
    day = as_date(values.get(DAY_FIELD[key]))
    if key != ACTIONS.key:
        return day is not None and day in period
    if day is None or day > period.end:
        return False
    if day >= period.start:
        return True
    later = [as_date(values.get(k)) for k in ("done_on", "check_on")]
    if any(d is not None and d >= period.start for d in later):
        return True
    return all(d is None for d in later) and not is_value(values, "status", *CLOSED_ACTIONS)


def _sorted(rows: Rows, key: str) -> tuple[tuple[str, Values], ...]:
    def order(item: tuple[str, Values]) -> tuple[date, str]:
        return as_date(item[1].get(DAY_FIELD[key])) or date.min, item[0]
    return tuple(sorted(rows, key=order))


def gather(office: Office, period: Period, *, now: datetime) -> AuditData:
    """Read the office once for the audit pack of ``period``."""
    config = office.config
    registers: dict[str, RegisterData] = {}
    for binding in config.bindings():
        read = read_rows(binding)
        rows = tuple((row.record_id, row.values) for row in read.rows)
        registers[binding.key] = RegisterData(
            binding, binding.path.exists(), rows,
            _sorted([r for r in rows if in_period(binding.key, r[1], period)], binding.key),
            read.columns)
    planning = load_planning(config)
    present = [key for key, reg in registers.items() if reg.exists]
    data = convert({key: list(reg.rows) for key, reg in registers.items()}, planning,
                   present=present)
    rules = office_rules(config, paris_naive(now).date())
    report = compute(data, Scope(period), rules, generated_at=now)
    months = tuple(compute(data, Scope(month), rules, generated_at=now, keys=MONTHLY_KEYS)
                   for month in period.months())
    letters: dict[str, list[LetterJob]] = defaultdict(list)
    for job in office.journal.letters(statuses=list(LetterStatus)):
        letters[job.record_id].append(job)
    return AuditData(
        office=office, period=period, now=now, referential=referential_for(period.end),
        rules=rules, registers=registers, planning=planning,
        planning_path=config.binding(SESSIONS.key).path, report=report, months=months,
        letters={rid: tuple(jobs) for rid, jobs in letters.items()},
        risks=read_risks(config.binding(ACTIONS.key).path), data=data)
