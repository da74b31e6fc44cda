"""Everything ``automation due`` lists on a day: the registers' deadlines, the dates a person
must correct, the survey mails left for a person, the improvement actions and their checks.

The watcher's dashboard (:mod:`.deadlines`) and ``automation status``'s late count
(:mod:`.late`) are made from this one list, so that they always say the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from automation.deadlines.due import DueItem, date_checks, due_items, sort_items
from automation.errors import Interrupted
from automation.improvement.due import office_action_items
from automation.pipeline.office import Office
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.reader import RegisterRead, read_rows
from automation.surveys.due import survey_items

Reads = dict[str, tuple[RegisterBinding, RegisterRead]]
Rows = dict[str, list[tuple[str, Mapping[str, CellValue]]]]
Unsent = Mapping[tuple[str, str], frozenset[str]]


def never() -> bool:
    return False


def read_registers(office: Office, *, interrupted: Callable[[], bool] = never) -> Reads:
    """Every register's rows; :class:`~automation.errors.Interrupted` between two registers
    once ``interrupted()`` turns true."""
    reads: Reads = {}
    for binding in office.config.bindings():
        check(interrupted)
        reads[binding.key] = (binding, read_rows(binding))
    return reads


def rows_of(reads: Reads) -> Rows:
    return {key: [(row.record_id, row.values) for row in read.rows]
            for key, (_, read) in reads.items()}


def due_list(office: Office, reads: Reads, rows: Rows, *, now: datetime, unsent: Unsent,
             include_later: bool = False) -> list[DueItem]:
    """The day's items, sorted as ``automation due`` prints them."""
    config = office.config
    today = now.date()
    items = due_items(rows, today=today, calendar=config.deadlines.calendar(),
                      settings=config.deadlines, include_later=include_later, unsent=unsent,
                      columns={key: read.columns for key, (_, read) in reads.items()
                               if read.columns})
    items += date_checks(((key, d.record_id, d.line, binding.header_of(d.field), d.text)
                          for key, (binding, read) in reads.items() for d in read.unreadable),
                         today=today, settings=config.deadlines)
    # Survey mails left for a person (drafts to send, no address or link): automation.surveys
    return sort_items([*items, *survey_items(office, now=now, include_later=include_later),
                       *office_action_items(config, rows.get("actions", ()), today=today,
                                            include_later=include_later)])


def check(interrupted: Callable[[], bool]) -> None:
    if interrupted():
        raise Interrupted("dashboard refresh interrupted")
