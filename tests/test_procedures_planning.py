"""The sessions planning: read as the office keeps it, and a row matched to one session."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from automation.config import load_config
from automation.errors import ColumnMissing
from automation.procedures.planning import (
    Planning,
    learner_sessions,
    load_planning,
    match_session,
    read_planning,
)
from automation.registers.adopt import adopt_register
from automation.registers.adoption_record import record_adoption
from automation.registers.binding import RegisterBinding
from automation.registers.schema import SESSIONS

from .conftest import DATA
from .spine import write_xlsx

DEFAULT = DATA / "plan-sessions.xlsx"
OFFICE = DATA / "plan-sessions-office.xlsx"


@pytest.fixture(scope="module")
def planning() -> Planning:
    return read_planning(RegisterBinding(SESSIONS, DEFAULT))


def test_the_default_planning_gives_two_sessions_and_their_participants(
        planning: Planning) -> None:
    assert [s.ref for s in planning.sessions] == ["S-2026-031", "S-2026-044"]
    excel = planning.sessions[0]
    assert (excel.training, excel.start, excel.end, excel.hours) == (
        "Excel avancé", datetime(2026, 3, 12, 9, 0), datetime(2026, 3, 12, 17, 0), 7.0)
    assert (excel.trainer, excel.location) == ("Claire Formatrice", "Salle Matisse, Nice")
    assert [p.learner for p in excel.participants] == ["Marie Dupont", "Jean Petit",
                                                       "Awa Diallo"]
    assert excel.participants[1].prescriber_email == "agence.nice@francetravail.fr"
    assert planning.problems == ()


def test_an_office_planning_with_its_own_headers_and_text_dates_reads_the_same(
        planning: Planning) -> None:
    theirs = read_planning(RegisterBinding(SESSIONS, OFFICE))
    assert theirs.sessions == planning.sessions


def test_an_adopted_planning_is_read_through_its_recorded_columns(tmp_path: Path) -> None:
    registers = tmp_path / "registers"
    registers.mkdir()
    workbook = shutil.copy(OFFICE, registers / "Planning 2026.xlsx")
    adoption = adopt_register(Path(workbook), "sessions")
    assert adoption.complete and adoption.sheet == "Planning 2026"
    record_adoption(tmp_path / "automation.toml", adoption, registers_dir=registers)
    config = load_config(tmp_path, environ={})
    assert config.binding("sessions").path.name == "Planning 2026.xlsx"
    assert not config.binding_exists("sessions")  # read only: no inbox folder, no appends
    assert [s.ref for s in load_planning(config).sessions] == ["S-2026-031", "S-2026-044"]


def test_no_planning_file_is_an_empty_planning(tmp_path: Path) -> None:
    assert load_planning(load_config(tmp_path, environ={})) == Planning()


def test_a_planning_without_the_required_columns_is_named_and_not_used(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "registers" / "sessions.xlsx",
                      [["Apprenant", "Email"], ["Marie Dupont", "marie@exemple.fr"]])
    with pytest.raises(ColumnMissing, match=r"Réf\. session"):
        read_planning(RegisterBinding(SESSIONS, path))
    found = load_planning(load_config(tmp_path, environ={}))
    assert found.sessions == () and "Réf. session" in found.problems[0]


def test_unreadable_lines_are_reported_in_french_and_skipped(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sessions.xlsx", [
        ["Réf. session", "Formation", "Début", "Apprenant"],
        ["S1", "Word", "31/02/2026 09:00", "Léa Roux"],
        [None, None, None, "Hugo Blanc"],
        ["S2", "Excel", "02/03/2026 14:00", "Paul Roy"],
    ])
    found = read_planning(RegisterBinding(SESSIONS, path))
    assert [s.ref for s in found.sessions] == ["S2"]
    assert any("ligne 2" in p for p in found.problems)
    assert any("« S1 »" in p for p in found.problems)


# --- matching ---------------------------------------------------------------------------------

def test_a_ref_names_its_session(planning: Planning) -> None:
    found = match_session(planning, {"session_ref": "s-2026-044", "person": "Luc Martin"})
    assert found is not None and found.session.ref == "S-2026-044"
    assert found.participant is not None and found.participant.email == "luc.martin@exemple.fr"


def test_a_learner_and_a_day_find_the_session_and_its_time(planning: Planning) -> None:
    found = match_session(planning, {"person": "PETIT Jean",
                                     "session_start": datetime(2026, 3, 12, 0, 0)})
    assert found is not None and found.session.start == datetime(2026, 3, 12, 9, 0)


def test_a_mail_from_a_learner_s_address_finds_the_next_session(planning: Planning) -> None:
    values = {"email": "Marie.Dupont@exemple.fr",
              "requested_on": datetime(2026, 3, 13, 8, 0)}  # after the Excel session
    found = match_session(planning, values)
    assert found is not None and found.session.ref == "S-2026-044"
    earlier = match_session(planning, {**values, "requested_on": datetime(2026, 3, 10, 8, 0)})
    assert earlier is not None and earlier.session.ref == "S-2026-031"


def test_two_sessions_the_same_day_are_not_guessed_between(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "sessions.xlsx", [
        ["Réf. session", "Formation", "Début", "Apprenant"],
        ["M", "Word", datetime(2026, 3, 2, 9, 0), "Léa Roux"],
        ["A", "Word", datetime(2026, 3, 2, 14, 0), "Léa Roux"],
    ])
    planning = read_planning(RegisterBinding(SESSIONS, path))
    assert match_session(planning, {"person": "Léa Roux",
                                    "session_start": datetime(2026, 3, 2)}) is None
    found = match_session(planning, {"person": "Léa Roux",
                                     "session_start": datetime(2026, 3, 2, 14, 0)})
    assert found is not None and found.session.ref == "A"


def test_a_whole_session_is_found_by_its_training_and_day(planning: Planning) -> None:
    found = match_session(planning, {"training": "excel", "person": "Claire Formatrice",
                                     "session_start": datetime(2026, 3, 12)}, anyone=True)
    assert found is not None and found.session.ref == "S-2026-031"
    assert found.participant is None
    assert match_session(planning, {"training": "Excel avancé"}) is None  # no day: no guess


def test_unknown_person_or_session_matches_nothing(planning: Planning) -> None:
    assert match_session(planning, {"person": "Inconnu", "session_start": datetime(
        2026, 3, 12)}) is None
    assert match_session(planning, {"session_ref": "S-1999-001"}) is None


def test_a_learner_s_sessions_of_a_training(planning: Planning) -> None:
    pairs = learner_sessions(planning, {"learner": "Marie Dupont", "training": "Anglais"})
    assert [s.ref for s, _ in pairs] == ["S-2026-044"]
    assert pairs[0][1].prescriber == "OPCO Atlas"
    assert learner_sessions(planning, {"learner": "Marie Dupont", "training": "Word"}) == []
    assert pairs[0][0].start.date() == date(2026, 3, 29)
