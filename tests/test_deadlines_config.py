"""The [deadlines] settings: defaults, validation, calendar."""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date

import pytest

from automation.deadlines.config import Deadlines
from automation.errors import ConfigError
from automation.settings import build_section

TOML = """
[deadlines]
answer_days = 10
closing_days = ["2026-05-15", "2026-08-03..2026-08-07"]
holiday_subdivision = "67"

[deadlines.owners]
"Claire Martin" = "claire.martin@exemple.fr"
"""


def build(table: dict[str, object], environ: dict[str, str] | None = None) -> Deadlines:
    return build_section("deadlines", Deadlines, table, environ or {}, where="automation.toml")


def test_defaults_are_the_documented_delays() -> None:
    settings = Deadlines()
    assert (settings.acknowledge_days, settings.answer_days, settings.close_days,
            settings.due_soon_days, settings.digest_hour) == (2, 15, 30, 2, 8)
    assert (settings.prescriber_days, settings.reasons_days, settings.reminder_days,
            settings.decision_days, settings.attestation_days,
            settings.inform_participants_days) == (2, 5, 10, 20, 5, 1)
    assert settings.calendar().closing_days == frozenset()


def test_every_setting_has_a_help_line() -> None:
    for f in fields(Deadlines):
        assert str(f.metadata.get("help", "")).strip(), f.name


def test_section_read_from_toml_through_the_config_loader() -> None:
    settings = build(tomllib.loads(TOML)["deadlines"])
    assert settings.answer_days == 10
    assert settings.owners == {"Claire Martin": "claire.martin@exemple.fr"}
    calendar = settings.calendar()
    assert calendar.subdivision == "67"
    assert calendar.closing_days == {date(2026, 5, 15), *(date(2026, 8, d) for d in range(3, 8))}
    assert calendar.is_holiday(date(2026, 12, 26))


def test_closing_days_from_the_environment() -> None:
    environ = {"AUTOMATION_DEADLINES_CLOSING_DAYS": "2026-05-15, 2026-12-28..2026-12-31"}
    settings = build({}, environ)
    assert len(settings.closed_dates()) == 5


@pytest.mark.parametrize(
    ("table", "named"),
    [
        pytest.param({"answer_days": -1}, "deadlines.answer_days", id="negative-delay"),
        pytest.param({"close_days": 5000}, "deadlines.close_days", id="absurd-delay"),
        pytest.param({"digest_hour": 24}, "deadlines.digest_hour", id="hour-out-of-range"),
        pytest.param({"holiday_subdivision": "75"}, "deadlines.holiday_subdivision",
                     id="paris-is-not-a-holiday-subdivision"),
        pytest.param({"closing_days": ["2026-02-30"]}, "deadlines.closing_days",
                     id="date-that-does-not-exist"),
        pytest.param({"closing_days": ["15/05/2026"]}, "deadlines.closing_days",
                     id="french-date-format"),
        pytest.param({"closing_days": ["2026-08-21..2026-08-03"]}, "deadlines.closing_days",
                     id="range-ending-before-it-starts"),
        pytest.param({"owners": {"Claire": "claire"}}, "deadlines.owners",
                     id="owner-address-without-at-sign"),
        pytest.param({"digest_sender": "qualite"}, "deadlines.digest_sender",
                     id="sender-not-an-address"),
        pytest.param({"answer_days": "15"}, "deadlines.answer_days", id="text-for-a-number"),
        pytest.param({"answer_days": True}, "deadlines.answer_days", id="boolean-for-a-number"),
    ],
)
def test_bad_value_names_the_setting(table: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        build(table)


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="AUTOMATION_DEADLINES_ANSWER_DAYS"):
        build({}, {"AUTOMATION_DEADLINES_ANSWER_DAYS": "quinze"})
