"""What the improvement actions and the risk analysis leave to do, as items of ``automation due``.

* an action « Ouverte » or « En cours » is due on its « Échéance » (when it has none, on
  ``[improvement] due_days`` working days after its opening);
* an action done (« Réalisée », or « Réalisée le » filled) whose effectiveness is not checked
  yet is due ``check_after_months`` after « Réalisée le »; once « Vérification d'efficacité
  le » is filled, or the status is « Efficace », « Non efficace » or « Abandonnée », nothing is
  due;
* the risk analysis is due ``risk_review_months`` after its latest « Revue le »; never
  reviewed, it is due on the day the referential asking for it came into force (indicator 32
  of the 2026 referential); a workbook without the sheet is due that day too.

A date cell that cannot be read produces no item here (the register's reader lists it for a
person to correct).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Final

from automation.deadlines.config import Deadlines
from automation.deadlines.due import DueItem, DueStatus, due_item
from automation.deadlines.rules import as_date, filled, is_value
from automation.deadlines.workdays import WorkCalendar
from automation.improvement.config import Improvement
from automation.referential import referentials
from automation.registers.risks import RiskSheet, read_risks

if TYPE_CHECKING:
    from automation.config import Config

REGISTER: Final = "actions"
RISKS_ID: Final = "Analyse des risques"
OPEN: Final = ("Ouverte", "En cours")
DONE: Final = ("Réalisée",)
CLOSED: Final = ("Efficace", "Non efficace", "Abandonnée")
RISK_WORDS: Final = "analyse des risques"


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later, on the last day of a shorter month (31/01 + 1 → 28/02)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has at least 28 days


def risk_analysis_required_from() -> date | None:
    """The day the first referential asking for a risk analysis came into force."""
    for version in referentials():
        indicator = version.indicator(32)
        if indicator is not None and RISK_WORDS in indicator.addition.lower():
            return version.in_force_from
    return None


def action_items(rows: Iterable[tuple[str, Mapping[str, object]]], risks: RiskSheet | None, *,
                 today: date, calendar: WorkCalendar, deadlines: Deadlines,
                 settings: Improvement, include_later: bool = False) -> list[DueItem]:
    """The due items of the actions register's rows ``(id, values)`` and of its risk sheet
    (``None``: no actions workbook, nothing to review)."""
    owner_default = settings.owner or deadlines.default_owner
    items: list[DueItem] = []

    def add(record_id: str, step: str, task: str, due: date, owner: str, about: str) -> None:
        item = due_item(REGISTER, record_id, step, task, due, owner or owner_default,
                        today=today, calendar=calendar, settings=deadlines, about=about)
        if include_later or item.status is not DueStatus.LATER:
            items.append(item)

    for record_id, row in rows:
        if is_value(row, "status", *CLOSED) or filled(row.get("check_on")):
            continue
        owner = " ".join(str(row.get("owner") or "").split())
        about = " ".join(str(row.get("action") or "").split())[:80]
        done = as_date(row.get("done_on"))
        if done is not None:
            add(record_id, "check", "Vérifier l'efficacité de l'action",
                add_months(done, settings.check_after_months), owner, about)
        elif is_value(row, "status", *DONE):
            continue  # done, but when is not written: nothing to count from
        elif not filled(row.get("status")) or is_value(row, "status", *OPEN):
            due = as_date(row.get("due_on"))
            opened = as_date(row.get("opened_on"))
            if due is None and opened is not None and settings.due_days:
                due = calendar.add_working_days(opened, settings.due_days)
            if due is not None:
                add(record_id, "carry_out", "Réaliser l'action d'amélioration", due, owner,
                    about)
    if risks is not None:
        last = risks.last_review
        required = risk_analysis_required_from()
        if last is not None:
            add(RISKS_ID, "review", "Revoir l'analyse des risques",
                add_months(last, settings.risk_review_months), "",
                f"dernière revue le {last:%d/%m/%Y}")
        elif required is not None:
            what = ("Établir l'analyse des risques" if not risks.found
                    else "Évaluer l'analyse des risques (aucune revue datée)")
            add(RISKS_ID, "review", what, required, "", "indicateur 32 (référentiel 2026)")
    return items


def office_action_items(config: Config, rows: Iterable[tuple[str, Mapping[str, object]]], *,
                        today: date, include_later: bool = False) -> list[DueItem]:
    """:func:`action_items` of the office's actions register (its rows already read)."""
    risks = read_risks(config.binding(REGISTER).path)
    return action_items(rows, risks, today=today, calendar=config.deadlines.calendar(),
                        deadlines=config.deadlines, settings=config.improvement,
                        include_later=include_later)
