"""``automation status`` gives the late count of the last refresh while nothing it depends on
changed, and counts again — reading every register — as soon as something did. Either way
it is the count ``automation due`` shows.

A count the journal keeps is made to say 999 (a value no register here gives): the status
giving 999 proves the kept count was used; giving the true count proves the registers were
read again.
"""

from __future__ import annotations

import os
from datetime import timedelta

from automation.clock import FixedClock
from automation.pipeline.deadlines import due_now
from automation.pipeline.files import ingest_file
from automation.pipeline.late import STATE, counted_from, late_among, late_count
from automation.pipeline.office import Office
from automation.pipeline.sent import unsent_steps

from .spine import write_xlsx
from .test_status import LATE

MADE_UP = 999


def _late_office(office: Office) -> int:
    """The office with a late complaint, its dashboard refreshed; the true late count."""
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "plainte.xlsx", LATE)
    assert ingest_file(office, dropped).accepted == 1
    count = late_among(due_now(office))
    assert 0 < count < MADE_UP
    return count


def _make_up(office: Office, clock: FixedClock) -> None:
    """The kept count, said to be 999 for the office as it is now."""
    basis = counted_from(office, now=clock.now(), unsent=unsent_steps(office))
    office.journal.set_state(STATE, f"{basis} {MADE_UP}")


def test_the_refresh_keeps_the_count_status_gives(office: Office, clock: FixedClock) -> None:
    count = _late_office(office)
    assert late_count(office, now=clock.now()) == count
    _make_up(office, clock)
    assert late_count(office, now=clock.now()) == MADE_UP


def test_a_register_saved_since_the_count_is_counted_again(office: Office,
                                                           clock: FixedClock) -> None:
    count = _late_office(office)
    _make_up(office, clock)
    register = office.config.binding("reclamations").path
    status = register.stat()
    os.utime(register, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    assert late_count(office, now=clock.now()) == count


def test_the_next_day_is_counted_again(office: Office, clock: FixedClock) -> None:
    count = _late_office(office)
    _make_up(office, clock)
    tomorrow = clock.now() + timedelta(days=1)
    assert late_count(office, now=tomorrow) >= count
    assert late_count(office, now=tomorrow) != MADE_UP


def test_other_deadlines_settings_are_counted_again(office: Office, clock: FixedClock) -> None:
    from dataclasses import replace

    count = _late_office(office)
    _make_up(office, clock)
    office.config = replace(office.config, deadlines=replace(office.config.deadlines,
                                                             answer_days=300))
    assert late_count(office, now=clock.now()) < count


def test_status_counts_what_due_shows_late_when_it_counts_again(
        office: Office, clock: FixedClock) -> None:
    count = _late_office(office)  # a late complaint, and the risk analysis not reviewed
    office.journal.clear_state(STATE)
    assert late_count(office, now=clock.now()) == count
