"""What is late: read the registers, list the due items, refresh the dashboard workbook
(its « À traiter » sheet and, from the same rows and the planning, its « Indicateurs » sheets)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from automation.deadlines.due import DueItem, date_checks, due_items, sort_items
from automation.errors import Interrupted, RegisterLocked
from automation.improvement.due import office_action_items
from automation.indicators.book import dashboard_book
from automation.indicators.load import office_data, office_rules
from automation.pipeline.office import Office
from automation.pipeline.sent import unsent_steps
from automation.registers.reader import read_rows
from automation.surveys.due import survey_items
from automation.surveys.rates import invited_base


def never() -> bool:
    return False


def due_now(office: Office, *, include_later: bool = False,
            interrupted: Callable[[], bool] = never) -> list[DueItem]:
    """The due items of every register today, and the dates a person must correct; the
    dashboard is rewritten unless it is open. When ``interrupted()`` turns true, between two
    steps, :class:`~automation.errors.Interrupted` is raised and nothing is written."""
    config = office.config
    reads = {}
    for binding in config.bindings():
        _check(interrupted)
        reads[binding.key] = (binding, read_rows(binding))
    rows = {key: [(row.record_id, row.values) for row in read.rows]
            for key, (_, read) in reads.items()}
    now = office.clock.now()
    items = due_items(rows, today=now.date(), calendar=config.deadlines.calendar(),
                      settings=config.deadlines, include_later=include_later,
                      unsent=unsent_steps(office),
                      columns={key: read.columns for key, (_, read) in reads.items()
                               if read.columns})
    items += date_checks(((key, d.record_id, d.line, binding.header_of(d.field), d.text)
                          for key, (binding, read) in reads.items() for d in read.unreadable),
                         today=now.date(), settings=config.deadlines)
    _check(interrupted)
    book = dashboard_book(office_data(config, rows=rows), office_rules(config, now.date()),
                          generated_at=now, base=invited_base(office))
    # Survey mails left for a person (drafts to send, no address or link): automation.surveys
    items = sort_items([*items, *survey_items(office, now=now, include_later=include_later),
                        *office_action_items(config, rows.get("actions", ()), today=now.date(),
                                             include_later=include_later)])
    from automation.deadlines.dashboard import DASHBOARD_FILE, write_dashboard  # openpyxl

    with contextlib.suppress(RegisterLocked):  # open in Excel: the next run refreshes it
        write_dashboard(config.registers_dir / DASHBOARD_FILE, items, generated_at=now,
                        indicators=book, interrupted=interrupted)
    return items


def _check(interrupted: Callable[[], bool]) -> None:
    if interrupted():
        raise Interrupted("dashboard refresh interrupted")
