"""The dashboard after files: one refresh once the inbox is idle, not one per file.

With large registers a refresh takes seconds; a batch of files dropped together must not pay
it once per file, and files that keep arriving still see it within a minute.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from automation.clock import PARIS, FixedClock
from automation.deadlines.dashboard import DASHBOARD_FILE, SHEET
from automation.pipeline.office import Office
from automation.pipeline.reminders import BUSY_DELAY, Reminders

from .spine import write_xlsx
from .test_register_watch import COMPLAINT, fast_office, wait_for, watching


class Monotonic:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def dashboard_ids(office: Office) -> list[str]:
    path = office.config.registers_dir / DASHBOARD_FILE
    if not path.exists():
        return []
    sheet = load_workbook(path)[SHEET]
    return [str(row[2]) for row in sheet.iter_rows(min_row=4, values_only=True) if row[2]]


def test_a_refresh_asked_for_waits_while_files_wait_and_is_made_once_idle(
        office: Office) -> None:
    clock = Monotonic()
    reminders = Reminders(office, monotonic=clock)
    dashboard = office.config.registers_dir / DASHBOARD_FILE
    assert reminders.refresh_if_wanted(busy=lambda: False) is False  # nothing asked for
    reminders.want()
    reminders.want()  # asked twice: still one refresh
    assert reminders.refresh_if_wanted(busy=lambda: True) is False
    assert not dashboard.exists()
    assert reminders.refresh_if_wanted(busy=lambda: False) is True
    assert dashboard.exists()
    assert reminders.refresh_if_wanted(busy=lambda: False) is False  # made: not asked for any more


def test_files_arriving_without_pause_still_see_the_dashboard_refreshed(office: Office) -> None:
    clock = Monotonic()
    reminders = Reminders(office, monotonic=clock)
    reminders.want()
    clock.now += BUSY_DELAY - 1
    assert reminders.refresh_if_wanted(busy=lambda: True) is False
    clock.now += 1
    assert reminders.refresh_if_wanted(busy=lambda: True) is True
    assert (office.config.registers_dir / DASHBOARD_FILE).exists()


class AfterCalls:
    """A question answered "no" the first ``calls`` times it is asked, then "yes"."""

    def __init__(self, calls: int) -> None:
        self.left = calls
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        self.left -= 1
        return self.left < 0


def test_a_refresh_stopped_part_way_leaves_the_dashboard_as_it_was_and_is_asked_again(
        office: Office) -> None:
    clock = Monotonic()
    reminders = Reminders(office, monotonic=clock)
    dashboard = office.config.registers_dir / DASHBOARD_FILE
    assert reminders.tick() is not None
    before = dashboard.read_bytes()
    for calls in range(12):  # stopped at each step in turn: registers, figures, rows, save
        stopping = AfterCalls(calls)
        reminders.want()
        made = reminders.refresh_if_wanted(busy=lambda: False, stopping=stopping)
        if made:
            break
        assert dashboard.read_bytes() == before
        assert stopping.asked == calls + 1
        assert not [p for p in dashboard.parent.iterdir() if p.name.endswith(".tmp")]
        assert reminders.refresh_if_wanted(busy=lambda: True) is False  # still asked for
        reminders.want()
    else:
        raise AssertionError("never let through")
    assert calls > 5  # one look per register at least, then the figures and the save


def test_a_file_arriving_stops_a_refresh_until_it_has_waited_a_minute(office: Office) -> None:
    clock = Monotonic()
    reminders = Reminders(office, monotonic=clock)
    dashboard = office.config.registers_dir / DASHBOARD_FILE
    reminders.want()
    arriving = AfterCalls(1)  # idle when asked first, then a file is noticed
    assert reminders.refresh_if_wanted(busy=arriving) is False
    assert not dashboard.exists()
    clock.now += BUSY_DELAY
    assert reminders.refresh_if_wanted(busy=lambda: True) is True  # waited long enough
    assert dashboard.exists()


def test_a_batch_dropped_into_a_running_watcher_is_on_the_dashboard(office_dir: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    with fast_office(office_dir, clock) as office, watching(office):
        inbox = office.config.inbox_dir / "reclamations"
        for n in range(3):
            rows = [COMPLAINT[0], [*COMPLAINT[1][:3], f"Déclarant {n}",
                                   f"declarant{n}@exemple.fr", *COMPLAINT[1][5:]]]
            write_xlsx(inbox / f"plainte-{n}.xlsx", rows)
        wait_for(lambda: {f"REC-2026-000{n}" for n in (1, 2, 3)} <= set(dashboard_ids(office)))
