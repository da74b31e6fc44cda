"""What is late or falls due soon, across the registers, and the table ``automation due`` shows.

An item is **late** once its due day is over (``today`` is after it); its lateness counts the
working days after the due day up to today, and is at least 1 (a deadline missed on Friday is
one working day late on Saturday, Sunday and Monday). An item is **due soon** when its due day
is today or within ``due_soon_days`` working days. Anything further away is **later**, and is
left out unless asked for. A date cell whose text cannot be read (« début mars ») is listed
as **to check**, for a person to correct; nothing counts it late.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from rich.console import JustifyMethod
from rich.table import Table

from automation.deadlines.config import Deadlines
from automation.deadlines.rules import describe, folded, open_rules
from automation.deadlines.workdays import WorkCalendar
from automation.registers.schema import REGISTERS_BY_KEY
from automation.text import fold

RowsByRegister = Mapping[str, Iterable[tuple[str, Mapping[str, object]]]]
UNSENT: Final = "courrier prêt, à envoyer"


class DueStatus(StrEnum):
    LATE = "En retard"
    SOON = "À échéance proche"
    LATER = "À venir"
    CHECK = "Date à vérifier"  # a date cell whose text could not be read


@dataclass(frozen=True)
class DueItem:
    register: str  # register key: "reclamations"
    record_id: str  # "REC-2026-0012"
    step: str  # rule key: "acknowledge"
    task: str  # "Accuser réception"
    due: date
    owner: str
    status: DueStatus
    days_late: int = 0  # working days, 0 unless late
    days_left: int = 0  # working days until the due day, 0 when due today or late
    about: str = ""  # "Dupont — Salle trop froide"

    @property
    def register_title(self) -> str:
        """The register as people name it: its sheet name ("Réclamations")."""
        schema = REGISTERS_BY_KEY.get(self.register)
        return schema.sheet if schema else self.register

    @property
    def late(self) -> bool:
        return self.status is DueStatus.LATE


def due_items(rows_by_register: RowsByRegister, *, today: date, calendar: WorkCalendar,
              settings: Deadlines, include_later: bool = False,
              unsent: Mapping[tuple[str, str], Collection[str]] | None = None,
              columns: Mapping[str, Collection[str]] | None = None) -> list[DueItem]:
    """Every open step that is late or due soon (or later, if asked), sorted by owner, then
    most late first, then due day and record id.

    ``unsent`` maps (register, id) to the steps whose letter is prepared but not sent: those
    stay open, and say so (« courrier prêt, à envoyer »). ``columns`` gives, per register,
    the fields its workbook has: a step is judged only when its done date has a column (never
    a false « en retard »).
    """
    items: list[DueItem] = []
    for register, rows in rows_by_register.items():
        present = columns.get(register) if columns is not None else None
        for record_id, row in rows:
            waiting = (unsent or {}).get((register, record_id), ())
            for rule, start in open_rules(register, row, unsent=waiting, columns=present):
                due = calendar.add_working_days(start, rule.delay_days(settings))
                task = f"{rule.task} ({UNSENT})" if rule.step in waiting else rule.task
                item = _item(register, record_id, row, rule.step, task, due,
                             today=today, calendar=calendar, settings=settings)
                if include_later or item.status is not DueStatus.LATER:
                    items.append(item)
    return sorted(items, key=_order)


def date_checks(dates: Iterable[tuple[str, str, int, str, str]], *, today: date,
                settings: Deadlines) -> list[DueItem]:
    """Items asking a person to correct dates the tool could not read, from
    ``(register, record id, line, column header, text)``."""
    items = [DueItem(register, record_id or f"ligne {line}", "date",
                     f"Corriger la date « {text} » ({header}, ligne {line})", today,
                     settings.default_owner, DueStatus.CHECK)
             for register, record_id, line, header, text in dates]
    return sorted(items, key=_order)


def _item(register: str, record_id: str, row: Mapping[str, object], step: str, task: str,
          due: date, *, today: date, calendar: WorkCalendar, settings: Deadlines) -> DueItem:
    owner = " ".join(str(row.get("owner") or "").split())
    return due_item(register, record_id, step, task, due, owner, today=today,
                    calendar=calendar, settings=settings, about=describe(register, row))


def due_item(register: str, record_id: str, step: str, task: str, due: date, owner: str, *,
             today: date, calendar: WorkCalendar, settings: Deadlines,
             about: str = "") -> DueItem:
    """An item due on ``due`` for ``owner`` (the default owner when empty), late or not."""
    owner = owner or settings.default_owner
    if today > due:
        status, late, left = DueStatus.LATE, max(1, calendar.working_days_between(due, today)), 0
    else:
        left = calendar.working_days_between(today, due)
        status = DueStatus.SOON if left <= settings.due_soon_days else DueStatus.LATER
        late = 0
    return DueItem(register, record_id, step, task, due, owner, status, late, left, about)


def sort_items(items: Iterable[DueItem]) -> list[DueItem]:
    """By owner, then most late first, then due day and record id (``automation due``)."""
    return sorted(items, key=_order)


def _order(item: DueItem) -> tuple[str, int, date, str, str]:
    return (folded(item.owner), -item.days_late, item.due, item.record_id, item.step)


def by_owner(items: Iterable[DueItem]) -> dict[str, list[DueItem]]:
    """Items grouped by owner, in the order given; "Anne Martin" and "anne martin" are one
    owner, named as first seen."""
    names: dict[str, str] = {}
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        name = names.setdefault(fold(item.owner), item.owner)
        groups.setdefault(name, []).append(item)
    return groups


def lateness_text(item: DueItem) -> str:
    """ "3 j" for a late item, "aujourd'hui" / "dans 2 j" otherwise (j = jours ouvrés)."""
    if item.status is DueStatus.CHECK:
        return "à vérifier"
    if item.late:
        return f"{item.days_late} j"
    return "aujourd'hui" if item.days_left == 0 else f"dans {item.days_left} j"


def due_table(items: Sequence[DueItem], *, shown: int = 0) -> Table:
    """The table ``automation due`` prints: late rows red, due-soon rows orange; at most
    ``shown`` rows per person in charge (0: all), the most late first, then a line saying
    how many more are in the dashboard."""
    late = sum(1 for item in items if item.late)
    checks = sum(1 for item in items if item.status is DueStatus.CHECK)
    also = f", {checks} date(s) à vérifier" if checks else ""
    table = Table(title="À traiter",
                  caption=f"{late} en retard, {len(items) - late - checks} autre(s){also} · "
                          "j = jours ouvrés")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Responsable", "left"), ("Registre", "left"), ("N°", "left"), ("À faire", "left"),
        ("Échéance", "right"), ("Retard", "right"))
    for title, justify in columns:
        table.add_column(title, justify=justify)
    for owner, own in by_owner(items).items():
        for item in own[:shown or None]:
            style = {DueStatus.LATE: "red", DueStatus.SOON: "dark_orange",
                     DueStatus.CHECK: "yellow"}.get(item.status)
            table.add_row(item.owner, item.register_title, item.record_id, item.task,
                          item.due.strftime("%d/%m/%Y"), lateness_text(item), style=style)
        if shown and len(own) > shown:
            table.add_row(owner, "", "", f"… et {len(own) - shown} autre(s), dans le tableau "
                          "de bord", "", "", style="italic")
    return table
