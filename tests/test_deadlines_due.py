"""What is late or due soon in the registers, step by step."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pytest
from rich.console import Console

from automation.deadlines.config import Deadlines
from automation.deadlines.due import DueItem, DueStatus, due_items, due_table, sort_items

SETTINGS = Deadlines()
CALENDAR = SETTINGS.calendar()


def complaint(**values: object) -> dict[str, object]:
    row: dict[str, object] = {"received_on": date(2026, 11, 20), "nature": "Réclamation",
                              "status": "Nouvelle", "name": "Dupont", "subject": "Salle froide",
                              "owner": "Claire Martin"}
    row.update(values)
    return row


def dropout(**values: object) -> dict[str, object]:
    row: dict[str, object] = {"learner": "Léa Petit", "training": "Excel avancé",
                              "absence_noted_on": date(2026, 11, 2), "decision": "En cours",
                              "prescriber": "France Travail"}
    row.update(values)
    return row


def due(register: str, row: Mapping[str, object], today: date,
        settings: Deadlines = SETTINGS, *, later: bool = False) -> list[DueItem]:
    return due_items({register: [("X-1", row)]}, today=today, calendar=settings.calendar(),
                     settings=settings, include_later=later)


def steps(items: list[DueItem]) -> dict[str, tuple[date, DueStatus, int]]:
    return {item.step: (item.due, item.status, item.days_late) for item in items}


# --- complaints --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("received", "today", "status", "days_late"),
    [
        pytest.param(datetime(2026, 11, 20, 18, 45), date(2026, 11, 20), DueStatus.SOON, 0,
                     id="friday-evening-receipt-is-due-soon-the-same-evening"),
        pytest.param(datetime(2026, 11, 20, 18, 45), date(2026, 11, 24), DueStatus.SOON, 0,
                     id="due-day-itself-is-not-late"),
        pytest.param(datetime(2026, 11, 20, 18, 45), date(2026, 11, 25), DueStatus.LATE, 1,
                     id="day-after-due-day-is-one-day-late"),
        pytest.param(datetime(2026, 11, 20, 18, 45), date(2026, 12, 1), DueStatus.LATE, 5,
                     id="a-week-after-due-day-is-five-days-late"),
        pytest.param(date(2026, 11, 18), date(2026, 11, 21), DueStatus.LATE, 1,
                     id="deadline-missed-on-friday-is-one-day-late-on-saturday"),
        pytest.param(date(2026, 11, 18), date(2026, 11, 23), DueStatus.LATE, 1,
                     id="deadline-missed-on-friday-is-one-day-late-on-monday"),
    ],
)
def test_acknowledgment_status(received: date, today: date, status: DueStatus,
                               days_late: int) -> None:
    items = [i for i in due("reclamations", complaint(received_on=received), today)
             if i.step == "acknowledge"]
    assert [(i.task, i.status, i.days_late) for i in items] == [
        ("Accuser réception", status, days_late)]


def test_acknowledgment_due_tuesday_for_friday_evening_complaint() -> None:
    items = due("reclamations", complaint(received_on=datetime(2026, 11, 20, 18, 45)),
                date(2026, 11, 23))
    assert steps(items) == {"acknowledge": (date(2026, 11, 24), DueStatus.SOON, 0)}
    assert items[0].owner == "Claire Martin"
    assert items[0].about == "Dupont — Salle froide"
    assert items[0].register_title == "Réclamations"


def test_acknowledgment_due_monday_after_ascension() -> None:
    items = due("reclamations", complaint(received_on=date(2026, 5, 13)), date(2026, 5, 13))
    assert steps(items)["acknowledge"][0] == date(2026, 5, 18)


def test_acknowledgment_due_tuesday_after_christmas() -> None:
    items = due("reclamations", complaint(received_on=date(2026, 12, 24)), date(2026, 12, 24))
    assert steps(items)["acknowledge"][0] == date(2026, 12, 29)


def test_complaint_far_from_its_deadlines_is_not_listed() -> None:
    row = complaint(received_on=date(2026, 11, 20), acknowledged_on=date(2026, 11, 20))
    assert due("reclamations", row, date(2026, 11, 23)) == []


def test_fine_items_are_listed_as_later_when_asked() -> None:
    row = complaint(acknowledged_on=date(2026, 11, 20))
    assert steps(due("reclamations", row, date(2026, 11, 23), later=True)) == {
        "answer": (date(2026, 12, 11), DueStatus.LATER, 0),
        "close": (date(2027, 1, 5), DueStatus.LATER, 0)}


def test_answer_within_fifteen_working_days_across_may_holidays() -> None:
    row = complaint(received_on=date(2026, 4, 30), acknowledged_on=date(2026, 5, 4))
    assert steps(due("reclamations", row, date(2026, 5, 26))) == {
        "answer": (date(2026, 5, 27), DueStatus.SOON, 0)}
    assert steps(due("reclamations", row, date(2026, 5, 29))) == {
        "answer": (date(2026, 5, 27), DueStatus.LATE, 2)}


def test_answer_and_close_delays_come_from_the_settings() -> None:
    quick = Deadlines(answer_days=5, close_days=10)
    row = complaint(acknowledged_on=date(2026, 11, 20))
    assert steps(due("reclamations", row, date(2026, 11, 20), quick, later=True)) == {
        "answer": (date(2026, 11, 27), DueStatus.LATER, 0),
        "close": (date(2026, 12, 4), DueStatus.LATER, 0)}


def test_closing_day_configured_moves_the_deadline() -> None:
    closed = Deadlines(closing_days=["2026-11-23..2026-11-24"])
    items = due("reclamations", complaint(), date(2026, 11, 20), closed)
    assert steps(items)["acknowledge"][0] == date(2026, 11, 26)


def test_everything_late_after_a_month_without_action() -> None:
    items = due("reclamations", complaint(), date(2027, 1, 6))
    # Christmas and New Year's Day (both Fridays) are skipped by every count.
    assert steps(items) == {"acknowledge": (date(2026, 11, 24), DueStatus.LATE, 29),
                            "answer": (date(2026, 12, 11), DueStatus.LATE, 16),
                            "close": (date(2027, 1, 5), DueStatus.LATE, 1)}
    assert [i.step for i in items] == ["acknowledge", "answer", "close"]  # most late first


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"nature": "Demande d'information"}, id="request-for-information"),
        pytest.param({"nature": "demande d information"}, id="request-for-information-typed"),
        pytest.param({"status": "Sans suite"}, id="status-sans-suite"),
        pytest.param({"status": "Close"}, id="status-close"),
        pytest.param({"acknowledged_on": date(2026, 11, 23), "responded_on": date(2026, 12, 1),
                      "closed_on": date(2026, 12, 2)}, id="every-date-filled"),
        pytest.param({"received_on": None}, id="no-receipt-date"),
        pytest.param({"received_on": "bientôt"}, id="unreadable-receipt-date"),
    ],
)
def test_complaint_with_nothing_due(values: dict[str, object]) -> None:
    assert due("reclamations", complaint(**values), date(2027, 3, 1)) == []


@pytest.mark.parametrize(
    ("status", "left"),
    [
        pytest.param("Accusé envoyé", {"answer", "close"}, id="acknowledgment-sent"),
        pytest.param("En cours", {"answer", "close"}, id="in-progress"),
        pytest.param("Résolue", {"close"}, id="resolved"),
    ],
)
def test_later_status_implies_earlier_steps(status: str, left: set[str]) -> None:
    assert set(steps(due("reclamations", complaint(status=status), date(2027, 3, 1)))) == left


def test_text_dates_are_read() -> None:
    for text in ("20/11/2026", "2026-11-20", "20/11/2026 18:45"):
        items = due("reclamations", complaint(received_on=text), date(2026, 11, 23))
        assert steps(items)["acknowledge"][0] == date(2026, 11, 24), text


def test_a_typed_word_in_the_date_column_counts_as_done() -> None:
    items = due("reclamations", complaint(acknowledged_on="fait"), date(2026, 11, 24))
    assert "acknowledge" not in steps(items)


def test_complaint_without_owner_goes_to_the_default_owner() -> None:
    items = due("reclamations", complaint(owner="  "), date(2026, 11, 24))
    assert {i.owner for i in items} == {"Responsable qualité"}


# --- cancellations -----------------------------------------------------------------------------

def cancellation(**values: object) -> dict[str, object]:
    row: dict[str, object] = {"requested_on": datetime(2026, 11, 20, 17, 0),
                              "training": "Excel avancé", "initiator": "Organisme",
                              "kind": "Annulation", "status": "Enregistrée"}
    row.update(values)
    return row


@pytest.mark.parametrize("initiator", ["Organisme", "Formateur"])
def test_cancelled_by_the_organisation_participants_informed_next_working_day(
        initiator: str) -> None:
    items = due("annulations", cancellation(initiator=initiator), date(2026, 11, 24))
    assert [(i.task, i.due, i.status, i.days_late) for i in items] == [
        ("Informer les participants", date(2026, 11, 23), DueStatus.LATE, 1)]


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"initiator": "Apprenant"}, id="learner-cancelled"),
        pytest.param({"initiator": "Entreprise / financeur"}, id="company-cancelled"),
        pytest.param({"participants_informed_on": date(2026, 11, 23)}, id="informed"),
        pytest.param({"status": "Participants informés"}, id="status-informed"),
    ],
)
def test_cancellation_with_nothing_due(values: dict[str, object]) -> None:
    assert due("annulations", cancellation(**values), date(2026, 12, 1)) == []


# --- dropouts ----------------------------------------------------------------------------------

def test_dropout_steps_one_and_two_from_the_absence() -> None:
    # Monday 2 November 2026; Wednesday 11 November is Armistice Day.
    items = due("abandons", dropout(), date(2026, 11, 4), later=True)
    assert steps(items) == {
        "inform_prescriber": (date(2026, 11, 4), DueStatus.SOON, 0),
        "request_reasons": (date(2026, 11, 9), DueStatus.LATER, 0),
        "decide": (date(2026, 12, 1), DueStatus.LATER, 0)}


def test_dropout_without_prescriber_skips_step_one() -> None:
    items = due("abandons", dropout(prescriber=""), date(2026, 11, 4), later=True)
    assert "inform_prescriber" not in steps(items)


def test_dropout_reminder_ten_days_after_reasons_requested() -> None:
    row = dropout(prescriber_informed_on=date(2026, 11, 3),
                  reasons_requested_on=date(2026, 11, 5))
    assert steps(due("abandons", row, date(2026, 11, 20))) == {
        "remind": (date(2026, 11, 20), DueStatus.SOON, 0)}
    assert steps(due("abandons", row, date(2026, 11, 24))) == {
        "remind": (date(2026, 11, 20), DueStatus.LATE, 2)}


def test_dropout_decision_late_after_twenty_working_days() -> None:
    row = dropout(prescriber_informed_on=date(2026, 11, 3),
                  reasons_requested_on=date(2026, 11, 5), reminder_on=date(2026, 11, 19))
    assert steps(due("abandons", row, date(2026, 12, 2))) == {
        "decide": (date(2026, 12, 1), DueStatus.LATE, 1)}


def test_validated_dropout_needs_its_attestation_within_five_days() -> None:
    row = dropout(decision="Abandon validé", decided_on=date(2026, 11, 27))
    assert steps(due("abandons", row, date(2026, 12, 7))) == {
        "send_attestation": (date(2026, 12, 4), DueStatus.LATE, 1)}
    row["attestation_sent_on"] = date(2026, 12, 4)
    assert due("abandons", row, date(2026, 12, 7)) == []


def test_invalidated_dropout_needs_nothing_more() -> None:
    row = dropout(decision="Abandon invalidé", decided_on=date(2026, 11, 10))
    assert due("abandons", row, date(2027, 1, 4)) == []


def test_dropout_step_delays_come_from_the_settings() -> None:
    slow = Deadlines(prescriber_days=5, reasons_days=10, decision_days=30)
    items = due("abandons", dropout(), date(2026, 11, 2), slow, later=True)
    assert {k: v[0] for k, v in steps(items).items()} == {
        "inform_prescriber": date(2026, 11, 9), "request_reasons": date(2026, 11, 17),
        "decide": date(2026, 12, 15)}


# --- the list ----------------------------------------------------------------------------------

def test_items_sorted_by_owner_then_most_late_first() -> None:
    rows: dict[str, list[tuple[str, dict[str, object]]]] = {
        "reclamations": [
            ("REC-2026-0002", complaint(owner="Bruno", received_on=date(2026, 11, 16))),
            ("REC-2026-0001", complaint(owner="Anne", received_on=date(2026, 11, 23))),
            ("REC-2026-0003", complaint(owner="anne", received_on=date(2026, 11, 10))),
        ],
        "abandons": [("ABD-2026-0001", dropout(absence_noted_on=date(2026, 11, 17)))],
        "satisfaction": [("SAT-2026-0001", {"answered_on": date(2026, 11, 1)})],
    }
    items = due_items(rows, today=date(2026, 11, 24), calendar=CALENDAR, settings=SETTINGS)
    assert [(i.owner, i.record_id, i.step, i.status) for i in items] == [
        ("anne", "REC-2026-0003", "acknowledge", DueStatus.LATE),
        ("Anne", "REC-2026-0001", "acknowledge", DueStatus.SOON),
        ("Bruno", "REC-2026-0002", "acknowledge", DueStatus.LATE),
        ("Responsable qualité", "ABD-2026-0001", "inform_prescriber", DueStatus.LATE),
        ("Responsable qualité", "ABD-2026-0001", "request_reasons", DueStatus.SOON),
    ]


def test_due_table_has_french_columns_and_one_row_per_item() -> None:
    items = due_items({"reclamations": [("REC-2026-0001", complaint())]},
                      today=date(2026, 11, 26), calendar=CALENDAR, settings=SETTINGS)
    table = due_table(items)
    assert [c.header for c in table.columns] == [
        "Responsable", "Registre", "N°", "À faire", "Échéance", "Retard"]
    console = Console(width=140, record=True)
    console.print(table)
    text = console.export_text()
    assert "REC-2026-0001" in text and "24/11/2026" in text and "2 j" in text
    assert table.row_count == 1


def test_due_table_shows_each_person_s_most_late_rows_then_how_many_more() -> None:
    rows = [(f"REC-2026-{n:04d}", complaint(received_on=date(2026, 10, 1 + n % 28)))
            for n in range(1, 121)]
    items = sort_items(due_items({"reclamations": rows}, today=date(2026, 11, 26),
                                 calendar=CALENDAR, settings=SETTINGS))
    late = sum(1 for item in items if item.late)
    assert len(items) > 50 and late > 0
    table = due_table(items, shown=50)
    assert table.row_count == 51
    console = Console(width=200, record=True)
    console.print(table)
    text = console.export_text()
    assert f"… et {len(items) - 50} autre(s), dans le tableau de bord" in text
    assert f"{late} en retard" in text  # the count is of every row, shown or not
    assert items[0].days_late == max(item.days_late for item in items)
    assert f"{items[0].days_late} j" in text
    assert due_table(items).row_count == len(items)  # 0: every row
