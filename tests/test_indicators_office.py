"""A known year, computed by hand: the whole office, one training, one trainer, one session.

The registers of ``tests/data/reg-indicators-2026/`` (see its builder) hold, for 2026:
- planning: S-EXC-01 « Excel avancé » 10/03 (7 h, 4 participants), S-ANG-01 « Anglais
  professionnel » 02/06 (14 h, 2), S-EXC-02 « Excel avancé » 15/09 (7 h, 4): 10 learners;
  S-EXC-00 (2025, 3 participants) is out of the year;
- 9 answers: Excel overall 5 4 3 5 2 4, NPS 10 9 7 6 3 –, all « À chaud »; Anglais 5 5 à chaud
  (NPS 9 10) and 4 à froid (NPS 8); « Accueil » 5 4 4 5 2 (Excel) and 5 4 (Anglais);
- complaints: REC Excel 11/03 (acknowledged 12/03, answered 20/03, closed 27/03), REC Anglais
  05/06 (acknowledged 10/06, answered 19/06), REC « Excel avancé - session S-EXC-02 du 15/09 »
  16/09 (nothing yet); one Difficulté, one Aléa, one Demande d'information (not a complaint);
- dropouts: Excel validated (7 h planned, 2 done), Anglais validated (14 / 7), Excel
  invalidated (7 / 7);
- cancellations: Excel late cancellation, Anglais « Absence » (14 h from the planning),
  Anglais postponement by the organisation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.config import Config, load_config
from automation.indicators.load import office_report
from automation.indicators.period import parse_period, year
from automation.indicators.results import Part, Report
from automation.indicators.selection import Scope, Selection, Solicited
from automation.pipeline.office import open_office
from automation.registers.journal import SurveyMail, SurveyMailStatus
from automation.surveys.rates import invited_base
from automation.surveys.schedule import HOT

from .indicator_office import NOW, year_office


@pytest.fixture
def config(tmp_path: Path) -> Iterator[Config]:
    yield load_config(year_office(tmp_path / "office"))


def report(config: Config, **scope: str) -> Report:
    return office_report(config, Scope(year(2026), **scope), now=NOW)


def values(found: Report) -> dict[str, float | None]:
    return {r.key: None if r.value is None else round(r.value, 2) for r in found.results}


def test_whole_office_year_gives_the_figures_computed_by_hand(config: Config) -> None:
    found = report(config)
    assert values(found) == {
        "learners": 10,
        "satisfaction_rate": round(100 * 7 / 9, 2),  # 5 4 5 4 | 5 5 4 ≥ 4 out of 9
        "mean_overall": round(37 / 9, 2),
        "mean_welcome": round(29 / 7, 2),
        "mean_content": None, "mean_team": None, "mean_means": None, "mean_support": None,
        "nps": 25.0,  # 4 promoters (10 9 9 10), 2 detractors (6 3), 8 answers
        "response_rate": 80.0,  # 8 « À chaud » ÷ 10 participants
        "dropout_rate": 20.0,  # 2 validated ÷ 10
        "dropouts_by_reason": 2,
        "completion_rate": round(100 * (84 - 5 - 7 - 14) / 84, 2),  # 84 h planned
        "cancellations": 2, "postponements": 1,
        "cancellations_by_motive": 3, "cancellations_by_initiator": 3,
        "complaints": 3, "difficulties": 1, "hazards": 1,
        "complaints_per_100_learners": 30.0,
        "complaints_by_category": 3,
        "acknowledged_in_time": round(100 / 3, 2),  # 1 wd in time; 3 wd late; none
        "answered_in_time": round(200 / 3, 2),  # 7 and 10 wd within 15; none
        "median_days_to_acknowledge": 2.0,  # 1 and 3 working days
        "median_days_to_answer": 8.5,  # 7 and 10
        "median_days_to_close": 12.0,
    }
    satisfaction = found.result("satisfaction_rate")
    assert (satisfaction.numerator, satisfaction.denominator, satisfaction.answers) == (7, 9, 9)
    assert satisfaction.period == "2026" and satisfaction.training == ""
    assert satisfaction.referential == (2, 30)
    assert found.result("complaints_by_category").parts == (Part("Pédagogique", 2),
                                                            Part("Logistique", 1))
    assert found.result("cancellations_by_initiator").parts == (Part("Apprenant", 2),
                                                                Part("Organisme", 1))
    assert found.result("mean_means").missing == "aucune réponse ne donne de note « Moyens »"
    assert "2 jours ouvrés" in found.result("acknowledged_in_time").method
    assert found.referential_version == "2026"


def test_one_training_gives_its_own_figures(config: Config) -> None:
    found = values(report(config, training="excel AVANCÉ"))
    assert found["learners"] == 8
    assert found["satisfaction_rate"] == round(100 * 4 / 6, 2)
    assert found["mean_overall"] == round(23 / 6, 2)
    assert found["nps"] == 0.0  # 2 promoters, 2 detractors out of 5
    assert found["response_rate"] == 75.0  # 6 ÷ 8
    assert found["dropout_rate"] == 12.5  # 1 ÷ 8
    assert found["completion_rate"] == round(100 * (56 - 5 - 0) / 56, 2)
    # the complaint whose « Formation / session » reads « Excel avancé - session S-EXC-02 … »
    # belongs to the training (and to the session S-EXC-02 it names)
    assert found["complaints"] == 2 and found["complaints_per_100_learners"] == 25.0
    assert found["acknowledged_in_time"] == 50.0
    assert report(config, training="Excel avancé").training == "Excel avancé"


def test_trainer_and_session_filters_follow_the_planning(config: Config) -> None:
    john = values(report(config, trainer="John Smith"))
    assert john["learners"] == 2 and john["satisfaction_rate"] == 100.0  # 5 5 4
    assert john["complaints"] == 0  # the Anglais complaint names no session
    session = values(report(config, session="s-exc-02"))
    assert session["learners"] == 4
    assert session["mean_overall"] == round((5 + 2) / 2, 2)  # the answer without ref is out
    assert session["complaints"] == 1 and session["acknowledged_in_time"] == 0.0


def test_a_month_and_a_quarter_cut_the_year(config: Config) -> None:
    march = office_report(config, Scope(parse_period("2026-03")), now=NOW)
    assert values(march)["learners"] == 4 and values(march)["complaints"] == 1
    third = office_report(config, Scope(parse_period("2026-T3")), now=NOW)
    assert values(third)["satisfaction_rate"] == round(100 * 3 / 4, 2)  # 5 2 4 | 4
    empty = office_report(config, Scope(parse_period("2026-02")), now=NOW)
    rate = empty.result("satisfaction_rate")
    assert rate.value is None and rate.missing == "aucune réponse sur la période"
    assert empty.result("learners").missing == "aucune session du planning sur la période"
    assert empty.result("complaints").value == 0  # the register exists: none is a real 0
    assert empty.result("median_days_to_answer").value is None


def test_figures_without_their_register_say_so_instead_of_zero(tmp_path: Path) -> None:
    root = year_office(tmp_path / "office")
    for name in ("reclamations.xlsx", "sessions.xlsx"):
        (root / "registers" / name).unlink()
    found = report(load_config(root))
    assert found.result("complaints").value is None
    assert found.result("complaints").missing == "pas de registre des réclamations"
    assert found.result("response_rate").missing == "pas de planning des sessions"
    assert found.result("response_rate").numerator == 8  # the answers are still counted
    assert found.result("dropout_rate").value is None


class Invitations:
    """A response base as the surveys' invitations will give it: 16 people invited."""

    description = "invitations envoyées pour les enquêtes à chaud de la période"

    def solicited(self, selection: Selection) -> Solicited | None:
        return Solicited(16, self.description)


def test_response_rate_takes_another_base_of_solicited_people(config: Config) -> None:
    found = office_report(config, Scope(year(2026)), now=NOW, base=Invitations())
    rate = found.result("response_rate")
    assert (rate.value, rate.numerator, rate.denominator) == (50.0, 8, 16)
    assert rate.method.endswith("divisées par les invitations envoyées pour les enquêtes à "
                                "chaud de la période.")


def test_indicators_command_json_lists_objects_with_their_method(config: Config) -> None:
    result = CliRunner().invoke(main, ["--dir", str(config.root), "indicators", "--period",
                                       "2026", "--training", "Anglais professionnel", "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    rate = next(i for i in items if i["key"] == "dropout_rate")
    assert {k: rate[k] for k in ("key", "label", "value", "unit", "numerator", "denominator",
                                 "period", "training")} == {
        "key": "dropout_rate", "label": "Taux d'abandon", "value": 50, "unit": "%",
        "numerator": 1, "denominator": 2, "period": "2026",
        "training": "Anglais professionnel"}
    assert rate["method"].startswith("Abandons de décision « Abandon validé »")
    assert next(i for i in items if i["key"] == "mean_team")["value"] is None


def test_indicators_command_table_and_bad_period(config: Config) -> None:
    table = CliRunner().invoke(main, ["--dir", str(config.root), "indicators", "--from",
                                      "2026-03-01", "--to", "2026-03-31"])
    assert table.exit_code == 0, table.output
    flat = " ".join(table.output.split())
    assert "du 01/03/2026 au 31/03/2026" in flat and "ensemble de l'organisme" in flat
    bad = CliRunner().invoke(main, ["--dir", str(config.root), "indicators", "--period",
                                    "mars"])
    assert bad.exit_code == 2 and "2026-T3" in bad.output
    both = CliRunner().invoke(main, ["--dir", str(config.root), "indicators", "--period",
                                     "2026", "--from", "2026-01-01"])
    assert both.exit_code == 2


def test_response_rate_counts_the_invitations_the_tool_sent_and_participants_elsewhere(
        config: Config) -> None:
    # The tool invited 3 people to S-EXC-01 (4 participants); nobody else was invited by it.
    with open_office(config.root) as office:
        for address in ("a@exemple.fr", "b@exemple.fr", "c@exemple.fr"):
            office.journal.record_survey_mail(SurveyMail(
                "S-EXC-01", HOT, address, 0, "", date(2026, 3, 11), SurveyMailStatus.SENT),
                now=NOW)
        base = invited_base(office)
    found = office_report(config, Scope(year(2026)), now=NOW, base=base)
    rate = found.result("response_rate")
    # 8 « à chaud » answers ÷ (3 invited to S-EXC-01 + 2 + 4 participants of the others)
    assert (rate.numerator, rate.denominator) == (8, 9)
    assert "personnes invitées à l'enquête à chaud" in rate.method
    result = CliRunner().invoke(main, ["--dir", str(config.root), "indicators", "--period",
                                       "2026", "--json"])
    assert result.exit_code == 0, result.output
    [shown] = [i for i in json.loads(result.output) if i["key"] == "response_rate"]
    assert (shown["numerator"], shown["denominator"]) == (8, 9)
