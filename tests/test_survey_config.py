"""The ``[surveys]`` settings and ``[[surveys.forms]]`` entries: read, checked, named when bad."""

from __future__ import annotations

from pathlib import Path

import pytest

from automation.config import load_config
from automation.errors import ConfigError
from automation.intake.answers import Scale
from automation.pipeline.scaffold import default_toml


def _load(tmp_path: Path, toml: str, **environ: str):  # type: ignore[no-untyped-def]
    (tmp_path / "automation.toml").write_text(toml, encoding="utf-8")
    return load_config(tmp_path, environ=environ)


def test_defaults_follow_the_issue_and_seed_003(tmp_path: Path) -> None:
    surveys = _load(tmp_path, "").surveys
    assert (surveys.hot_within_days, surveys.cold_after_months, surveys.reminder_days,
            surveys.low_score, surveys.low_recommendation) == (15, 3, [3, 7], 2, 6)


def test_the_commented_default_file_lists_the_surveys_section_and_loads(tmp_path: Path) -> None:
    text = default_toml()
    assert "[surveys]" in text and "# reminder_days = [3, 7]" in text
    _load(tmp_path, text.replace("# reminder_days = [3, 7]", "reminder_days = [3, 7]"))


@pytest.mark.parametrize(("toml", "named"), [
    ("[surveys]\nreminder_days = [7, 3]\n", "surveys.reminder_days"),
    ("[surveys]\nlow_score = 5\n", "surveys.low_score"),
    ("[surveys]\nfunders_month = 13\n", "surveys.funders_month"),
    ("[surveys]\ncomment_rules = [\"re:(\"]\n", "surveys.comment_rules"),
    ("[surveys]\nhot_within_day = 3\n", "surveys.hot_within_day"),
])
def test_a_bad_survey_setting_stops_the_start_naming_it(tmp_path: Path, toml: str,
                                                        named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        _load(tmp_path, toml)


def test_reminder_days_from_the_environment_are_numbers(tmp_path: Path) -> None:
    config = _load(tmp_path, "", AUTOMATION_SURVEYS_REMINDER_DAYS="2, 5")
    assert config.surveys.reminder_days == [2, 5]
    with pytest.raises(ConfigError, match="AUTOMATION_SURVEYS_REMINDER_DAYS"):
        _load(tmp_path, "", AUTOMATION_SURVEYS_REMINDER_DAYS="trois")


FORM = ('[[surveys.forms]]\nname = "À chaud"\nsurvey = "À chaud"\n'
        '[surveys.forms.questions]\n"Globalement ?" = "overall"\n"Le rythme ?" = "content"\n'
        '"Autre ?" = ""\n[surveys.forms.scales]\n"Le rythme ?" = "1-4"\n')


def test_a_form_entry_is_read_with_its_questions_and_scales(tmp_path: Path) -> None:
    (entry,) = _load(tmp_path, FORM).survey_forms
    assert entry.name == "À chaud" and entry.constants() == {"survey": "À chaud"}
    assert entry.questions == {"Globalement ?": "overall", "Le rythme ?": "content",
                               "Autre ?": ""}
    assert entry.scales == {"Le rythme ?": Scale(1, 4)}


@pytest.mark.parametrize(("change", "message"), [
    (('"overall"', '"satisfaction"'), "unknown field"),
    (('"1-4"', '"1 à 4"'), "expected a scale"),
    (('survey = "À chaud"', 'survey = "chaud"'), "expected one of À chaud, À froid"),
    (('name = "À chaud"', 'name = ""'), "needs a name"),
    (('survey = "À chaud"', 'survey = "À chaud"\ncolour = "bleu"'), "unknown key"),
])
def test_a_bad_form_entry_is_refused_saying_why(tmp_path: Path, change: tuple[str, str],
                                                message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, FORM.replace(*change))
