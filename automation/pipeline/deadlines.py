"""What is late: read the registers, list the due items, refresh the dashboard workbook
(its « À traiter » sheet and, from the same rows and the planning, its « Indicateurs » sheets)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from automation.deadlines.due import DueItem
from automation.errors import RegisterLocked
from automation.indicators.book import dashboard_book
from automation.indicators.load import office_data, office_rules
from automation.pipeline.due_list import check, due_list, never, read_registers, rows_of
from automation.pipeline.late import counted_from, late_among, remember_late
from automation.pipeline.office import Office
from automation.pipeline.sent import unsent_steps
from automation.surveys.rates import invited_base


def due_now(office: Office, *, include_later: bool = False,
            interrupted: Callable[[], bool] = never) -> list[DueItem]:
    """The due items of every register today, and the dates a person must correct; the
    dashboard is rewritten unless it is open. When ``interrupted()`` turns true, between two
    steps, :class:`~automation.errors.Interrupted` is raised and nothing is written. The
    late count is kept for ``automation status`` (:mod:`.late`)."""
    config = office.config
    now = office.clock.now()
    unsent = unsent_steps(office)
    basis = counted_from(office, now=now, unsent=unsent)
    reads = read_registers(office, interrupted=interrupted)
    rows = rows_of(reads)
    items = due_list(office, reads, rows, now=now, unsent=unsent, include_later=include_later)
    remember_late(office, basis, late_among(items))
    check(interrupted)
    book = dashboard_book(office_data(config, rows=rows), office_rules(config, now.date()),
                          generated_at=now, base=invited_base(office))
    from automation.deadlines.dashboard import DASHBOARD_FILE, write_dashboard  # openpyxl

    with contextlib.suppress(RegisterLocked):  # open in Excel: the next run refreshes it
        write_dashboard(config.registers_dir / DASHBOARD_FILE, items, generated_at=now,
                        indicators=book, interrupted=interrupted)
    return items
