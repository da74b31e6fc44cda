"""What one report is computed on: the rows of its period, training, trainer or session.

A row belongs to the period by its own day (an answer by « Date de réponse », a complaint by
« Date de réception », a dropout by « Absence constatée le », a cancellation by « Date de la
demande »), and a session by its start. A trainer or a session filter keeps only rows tied to
a session of the planning (by reference, or by what the planning can tell).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from automation.deadlines.workdays import WorkCalendar
from automation.indicators.period import Period
from automation.indicators.records import (
    Answer,
    Cancellation,
    Complaint,
    Dropout,
    OfficeData,
    TrainingNames,
)
from automation.procedures.planning import Session
from automation.text import fold


@dataclass(frozen=True)
class Scope:
    period: Period
    training: str = ""  # as a person typed it; "" = every training
    trainer: str = ""
    session: str = ""  # a session reference


@dataclass(frozen=True)
class Rules:
    """The office's settings a figure depends on, and the day it is computed."""

    today: date
    calendar: WorkCalendar
    acknowledge_days: int = 2
    answer_days: int = 15
    close_days: int = 30


@dataclass(frozen=True)
class Solicited:
    """The people asked for their appreciation: how many, and who they are (French)."""

    count: int
    description: str


class ResponseBase(Protocol):
    """The denominator of the response rate: who was solicited for the report's answers.

    :class:`PlanningParticipants` counts the participants of the period's sessions; a record of
    the invitations actually sent can stand in its place without changing the figure's code.
    """

    description: str  # French, completes « Réponses … divisées par les … »

    def solicited(self, selection: Selection) -> Solicited | None: ...


class PlanningParticipants:
    """Every participant of the sessions of the selection counts as solicited."""

    description = "participants des sessions commencées sur la période (planning)"

    def solicited(self, selection: Selection) -> Solicited | None:
        if not selection.sessions:
            return None
        return Solicited(selection.learners, self.description)


@dataclass(frozen=True)
class Selection:
    scope: Scope
    rules: Rules
    training: str  # the training's name as the registers write it, "" for the whole office
    answers: tuple[Answer, ...]
    complaints: tuple[Complaint, ...]
    dropouts: tuple[Dropout, ...]
    cancellations: tuple[Cancellation, ...]
    sessions: tuple[Session, ...]
    present: frozenset[str]  # register keys whose workbook exists
    planning_known: bool  # the planning holds at least one session
    base: ResponseBase

    @property
    def learners(self) -> int:
        """Participants of the selected sessions (one per session they are listed in)."""
        return sum(len(s.participants) for s in self.sessions)


Row = TypeVar("Row", Answer, Complaint, Dropout, Cancellation)


def select(data: OfficeData, scope: Scope, rules: Rules, *,
           base: ResponseBase | None = None) -> Selection:
    """The rows and sessions of ``data`` that ``scope`` covers."""
    names = TrainingNames(data.trainings.values())
    training = names.key(scope.training) if scope.training else ""
    trainer = fold(scope.trainer)
    session = fold(scope.session)
    sessions_wanted: set[str] | None = None
    if trainer or session:
        sessions_wanted = {ref for ref, who in data.session_trainer.items()
                           if (not trainer or who == trainer) and (not session or ref == session)}

    def keep(day: date | None, row_training: str, row_session: str) -> bool:
        return (day is not None and day in scope.period
                and (not training or row_training == training)
                and (sessions_wanted is None or row_session in sessions_wanted))

    def rows(items: Sequence[Row], test: Callable[[Row], bool]) -> tuple[Row, ...]:
        return tuple(item for item in items if test(item))

    sessions = tuple(
        s for s in data.planning.sessions
        if s.start.date() in scope.period
        and (not training or data.session_training.get(fold(s.ref)) == training)
        and (sessions_wanted is None or fold(s.ref) in sessions_wanted))
    return Selection(
        scope=scope, rules=rules, training=data.trainings.get(training, scope.training),
        answers=rows(data.answers, lambda r: keep(r.day, r.training, r.session)),
        complaints=rows(data.complaints, lambda r: keep(r.day, r.training, r.session)),
        dropouts=rows(data.dropouts, lambda r: keep(r.day, r.training, r.session)),
        cancellations=rows(data.cancellations, lambda r: keep(r.day, r.training, r.session)),
        sessions=sessions, present=data.present,
        planning_known=bool(data.planning.sessions), base=base or PlanningParticipants())
