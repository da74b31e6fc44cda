"""Seed 004 at its boundaries: 24 h, a third of the duration, the nights the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from automation.clock import PARIS
from automation.config import load_config
from automation.errors import ConfigError
from automation.procedures.cancellation import (
    Motive,
    assess,
    completion,
    duration_of,
    instant,
    timing_motive,
)
from automation.procedures.config import Cancellations

START = datetime(2026, 3, 12, 9, 0)  # a Thursday, no clock change nearby
THREE_HOURS = timedelta(hours=3)
POLICY = Cancellations()


def learner_row(requested: datetime, start: datetime = START,
                **values: object) -> dict[str, object]:
    return {"requested_on": requested, "session_start": start, "initiator": "Apprenant",
            "kind": "Annulation", "training": "Excel", "person": "Jean Petit",
            "session_hours": 3, **values}


@pytest.mark.parametrize(("before", "motive"), [
    (timedelta(hours=24, minutes=1), Motive.EARLY),
    (timedelta(hours=24), Motive.EARLY),  # the full notice was given
    (timedelta(hours=23, minutes=59, seconds=59), Motive.LATE),
    (timedelta(hours=23, minutes=59), Motive.LATE),
    (timedelta(minutes=1), Motive.LATE),
    (timedelta(days=30), Motive.EARLY),
])
def test_notice_before_the_start_decides_early_or_late(before: timedelta,
                                                        motive: Motive) -> None:
    assert timing_motive(START - before, START, THREE_HOURS) is motive


@pytest.mark.parametrize(("after", "motive"), [
    (timedelta(0), Motive.LATE),  # at the start: not yet absent
    (timedelta(minutes=59, seconds=59), Motive.LATE),
    (timedelta(hours=1), Motive.ABSENCE),  # a third of 3 h
    (timedelta(hours=2), Motive.ABSENCE),
    (timedelta(hours=3), Motive.ABSENCE),  # the end
    (timedelta(days=2), Motive.ABSENCE),  # after the session ended
])
def test_an_absence_begins_at_a_third_of_the_duration(after: timedelta, motive: Motive) -> None:
    assert timing_motive(START + after, START, THREE_HOURS) is motive


def test_without_a_duration_any_request_after_the_start_is_an_absence() -> None:
    assert timing_motive(START + timedelta(minutes=5), START, None) is Motive.ABSENCE
    assert timing_motive(START - timedelta(minutes=5), START, None) is Motive.LATE


def test_the_duration_comes_from_the_hours_else_from_the_planning_end() -> None:
    assert duration_of(3.5) == timedelta(hours=3, minutes=30)
    assert duration_of(None, START, START + timedelta(hours=8)) == timedelta(hours=8)
    assert duration_of(None, START, None) is None
    assert duration_of(0, START, START) is None


# --- daylight-saving changes: 24 h are 24 real hours ------------------------------------------

def test_spring_forward_24_hours_before_9_am_is_8_am_the_day_before() -> None:
    session = datetime(2026, 3, 29, 9, 0)  # 07:00 UTC; the clocks went 02:00 → 03:00
    assert instant(session) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    assert timing_motive(datetime(2026, 3, 28, 7, 59), session, THREE_HOURS) is Motive.EARLY
    assert timing_motive(datetime(2026, 3, 28, 8, 0), session, THREE_HOURS) is Motive.EARLY
    assert timing_motive(datetime(2026, 3, 28, 8, 1), session, THREE_HOURS) is Motive.LATE
    # same wall-clock time the day before is only 23 real hours before
    assert timing_motive(datetime(2026, 3, 28, 9, 0), session, THREE_HOURS) is Motive.LATE


def test_fall_back_24_hours_before_9_am_is_10_am_the_day_before() -> None:
    session = datetime(2026, 10, 25, 9, 0)  # 08:00 UTC; the clocks went 03:00 → 02:00
    assert timing_motive(datetime(2026, 10, 24, 9, 59), session, THREE_HOURS) is Motive.EARLY
    assert timing_motive(datetime(2026, 10, 24, 10, 0), session, THREE_HOURS) is Motive.EARLY
    assert timing_motive(datetime(2026, 10, 24, 10, 1), session, THREE_HOURS) is Motive.LATE


def test_a_session_during_the_spring_gap_is_read_in_summer_time() -> None:
    # 02:30 does not exist on 29 March 2026: it is read as 03:30 summer time (01:30 UTC)
    session = datetime(2026, 3, 29, 2, 30)
    assert instant(session) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert timing_motive(datetime(2026, 3, 28, 2, 29), session, THREE_HOURS) is Motive.EARLY
    assert timing_motive(datetime(2026, 3, 28, 2, 31), session, THREE_HOURS) is Motive.LATE
    # a third of 3 h after 01:30 UTC is 02:30 UTC, i.e. 04:30 summer time
    assert timing_motive(datetime(2026, 3, 29, 4, 29), session, THREE_HOURS) is Motive.LATE
    assert timing_motive(datetime(2026, 3, 29, 4, 30), session, THREE_HOURS) is Motive.ABSENCE


def test_a_session_in_the_repeated_autumn_hour_is_its_first_occurrence() -> None:
    session = datetime(2026, 10, 25, 2, 30)  # happens twice: the first is 00:30 UTC
    assert instant(session) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert timing_motive(datetime(2026, 10, 24, 2, 30), session, THREE_HOURS) is Motive.EARLY
    assert timing_motive(datetime(2026, 10, 24, 2, 31), session, THREE_HOURS) is Motive.LATE
    # an hour spanning the change: 3 real hours end at 03:30 UTC, i.e. 04:30 winter time
    one_third = datetime(2026, 10, 25, 1, 30, tzinfo=UTC).astimezone(PARIS)
    assert timing_motive(one_third, session, THREE_HOURS) is Motive.ABSENCE
    assert timing_motive(one_third - timedelta(seconds=1), session, THREE_HOURS) is Motive.LATE


def test_a_mail_time_with_its_zone_is_compared_as_the_same_instant() -> None:
    session = datetime(2026, 3, 29, 9, 0)
    mail = datetime(2026, 3, 28, 7, 30, tzinfo=UTC)  # 08:30 in Paris, 22 h 30 before
    assert timing_motive(mail, session, THREE_HOURS) is Motive.LATE
    assert timing_motive("2026-03-28T06:59:00+00:00", session, THREE_HOURS) is Motive.EARLY


# --- the row: motive, recoverable, billable ---------------------------------------------------

def test_an_early_learner_cancellation_is_recoverable_and_not_billed() -> None:
    row = learner_row(START - timedelta(hours=24, minutes=1))
    assert completion(row, POLICY) == {"motive": "Annulation plus de 24 h avant",
                                       "recoverable": "Oui", "billable": "Non"}


def test_a_late_learner_cancellation_is_not_recoverable_and_billed() -> None:
    row = learner_row(START - timedelta(hours=23, minutes=59))
    found = assess(row, POLICY)
    assert (found.motive, found.recoverable, found.billable) == (
        "Annulation moins de 24 h avant", "Non", "Oui")
    assert "23 h 59 avant le début" in found.note


def test_an_absence_is_not_recoverable_and_billed() -> None:
    row = learner_row(START + timedelta(hours=1))
    assert completion(row, POLICY) == {"motive": "Absence", "recoverable": "Non",
                                       "billable": "Oui"}


def test_a_cancellation_after_the_session_ended_is_an_absence() -> None:
    row = learner_row(START + timedelta(days=1), session_hours=None)
    assert assess(row, POLICY, end=START + timedelta(hours=3)).motive == "Absence"


def test_a_person_s_motive_is_kept_and_its_consequences_follow() -> None:
    row = learner_row(START - timedelta(hours=2), motive="force majeure")
    found = assess(row, POLICY)
    assert found.motive == "Force majeure" and found.computed == "Annulation moins de 24 h avant"
    assert found.overridden
    assert "motif saisi « Force majeure » conservé" in found.note
    assert "donnerait « Annulation moins de 24 h avant »" in found.note
    assert completion(row, POLICY) == {"recoverable": "Oui", "billable": "Non"}


def test_what_a_person_typed_is_never_replaced() -> None:
    row = learner_row(START - timedelta(hours=2), recoverable="Oui", billable="Non")
    assert completion(row, POLICY) == {"motive": "Annulation moins de 24 h avant"}


def test_a_trainer_s_cancellation_is_trainer_unavailable_and_not_billed() -> None:
    row = learner_row(START - timedelta(hours=2), initiator="Formateur")
    assert completion(row, POLICY) == {"motive": "Formateur indisponible",
                                       "recoverable": "Oui", "billable": "Non"}


def test_the_organisation_s_motive_is_left_to_a_person() -> None:
    row = learner_row(START - timedelta(hours=2), initiator="Organisme")
    assert completion(row, POLICY) == {"recoverable": "Oui"}
    assert completion({**row, "motive": "Effectif insuffisant"}, POLICY) == {
        "recoverable": "Oui", "billable": "Non"}
    assert completion({**row, "motive": "Autre"}, POLICY) == {}


def test_a_company_s_cancellation_follows_the_24_hour_rule() -> None:
    row = learner_row(START - timedelta(hours=30), initiator="entreprise / financeur")
    assert completion(row, POLICY)["motive"] == "Annulation plus de 24 h avant"


def test_without_the_session_start_nothing_is_computed() -> None:
    assert completion(learner_row(START, session_start=None), POLICY) == {}


# --- the billing policy -----------------------------------------------------------------------

def test_the_billing_policy_is_read_from_automation_toml(tmp_path: Path) -> None:
    (tmp_path / "automation.toml").write_text(
        "[cancellations]\nbillable_late_cancellation = false\nbillable_early_cancellation = true\n",
        encoding="utf-8")
    policy = load_config(tmp_path, environ={}).cancellations
    assert policy.billable("Annulation moins de 24 h avant") == "Non"
    assert policy.billable("Annulation plus de 24 h avant") == "Oui"
    assert policy.billable("Absence") == "Oui"  # not listed: seed 004's default
    assert policy.billable("Autre") == ""
    row = learner_row(START - timedelta(hours=1))
    assert completion(row, policy)["billable"] == "Non"


def test_the_billing_policy_can_come_from_the_environment(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={"AUTOMATION_CANCELLATIONS_BILLABLE_ABSENCE": "non"})
    assert config.cancellations.billable("Absence") == "Non"


def test_a_bad_billing_value_names_the_setting(tmp_path: Path) -> None:
    (tmp_path / "automation.toml").write_text(
        '[cancellations]\nbillable_absence = "peut-être"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cancellations\.billable_absence"):
        load_config(tmp_path, environ={})


def test_an_unknown_billing_setting_is_refused(tmp_path: Path) -> None:
    (tmp_path / "automation.toml").write_text("[cancellations]\nbillable_retard = true\n",
                                              encoding="utf-8")
    with pytest.raises(ConfigError, match="billable_retard"):
        load_config(tmp_path, environ={})
