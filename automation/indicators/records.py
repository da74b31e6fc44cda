"""The registers' rows as the indicators read them: typed once, tied to a training and a session.

Rows come from :func:`automation.registers.reader.read_register` (values keyed by field) and
the planning from :mod:`automation.procedures.planning`. Each row is converted once: its day,
its scores, its nature, and the training and session it belongs to — the training as one key
shared by every register (« EXCEL avancé » and « Excel avancé » are one training), the session
by its reference, or by what the planning can tell (the learner's one session of that training,
a cancellation's matched session). A value that cannot be read is left out of the figures, not
guessed: a score « 6 » on a 1–5 scale counts as no score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from automation.deadlines.rules import as_date
from automation.procedures.planning import (
    Planning,
    Session,
    match_session,
    name_key,
    same_training,
)
from automation.records import CellValue
from automation.text import fold

Values = Mapping[str, CellValue]
CRITERIA: tuple[str, ...] = ("welcome", "content", "team", "means", "support")


@dataclass(frozen=True, slots=True)
class Answer:
    record_id: str
    day: date | None
    hot: bool  # « À chaud »
    training: str  # training key (folded), "" when none
    session: str  # session ref (folded), "" when unknown
    overall: int | None
    nps: int | None
    criteria: tuple[int | None, ...]  # in the order of CRITERIA


@dataclass(frozen=True, slots=True)
class Complaint:
    record_id: str
    day: date | None  # received on
    nature: str  # folded: "reclamation", "difficulte", "alea", "demande d information"
    category: str  # as written, "" when none
    training: str
    session: str
    acknowledged: date | None
    responded: date | None
    closed: date | None


@dataclass(frozen=True, slots=True)
class Dropout:
    record_id: str
    day: date | None  # absence noted on
    validated: bool  # « Abandon validé »
    reason: str  # as written, "" when none
    training: str
    session: str
    hours_planned: float | None
    hours_done: float | None


@dataclass(frozen=True, slots=True)
class Cancellation:
    record_id: str
    day: date | None  # requested on
    kind: str  # « Annulation », « Report », or as written
    motive: str
    initiator: str
    training: str
    session: str
    hours: float | None  # the session's duration: the row's, else the planning's


@dataclass(frozen=True)
class OfficeData:
    """Everything the indicators read, converted once."""

    answers: tuple[Answer, ...] = ()
    complaints: tuple[Complaint, ...] = ()
    dropouts: tuple[Dropout, ...] = ()
    cancellations: tuple[Cancellation, ...] = ()
    planning: Planning = field(default_factory=Planning)
    present: frozenset[str] = frozenset()  # register keys whose workbook exists
    trainings: Mapping[str, str] = field(default_factory=dict)  # key -> name as first seen
    session_training: Mapping[str, str] = field(default_factory=dict)  # ref -> training key
    session_trainer: Mapping[str, str] = field(default_factory=dict)  # ref -> trainer (folded)


class TrainingNames:
    """One key per training, whatever register or spelling names it."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names: dict[str, str] = {}
        for name in names:
            key = fold(name)
            if key:
                self.names.setdefault(key, " ".join(name.split()))
        self._cache: dict[str, str] = {}

    def key(self, text: object) -> str:
        """The known training ``text`` names: equal once folded, else the one it contains or
        is contained in (the longest when several), else ``text`` itself folded."""
        if not isinstance(text, str) or not text.strip():
            return ""
        folded = fold(text)
        if folded in self.names:
            return folded
        if folded not in self._cache:
            close = [k for k in self.names if same_training(k, folded)]
            self._cache[folded] = max(close, key=len) if close else folded
        return self._cache[folded]

    def add(self, text: object) -> None:
        """Make ``text`` a training of its own (a register's « Formation » column)."""
        if isinstance(text, str) and fold(text):
            self.names.setdefault(fold(text), " ".join(text.split()))
            self._cache.clear()


def score(value: CellValue, low: int, high: int) -> int | None:
    """A whole score within ``low``–``high`` (a number or its text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    if isinstance(value, int | float) and float(value).is_integer() and low <= value <= high:
        return int(value)
    return None


def number(value: CellValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ".").replace("h", ""))
        except ValueError:
            return None
    return None


def text(values: Values, key: str) -> str:
    value = values.get(key)
    return " ".join(str(value).split()) if value not in (None, "") else ""


def convert(rows: Mapping[str, Sequence[tuple[str, Values]]], planning: Planning, *,
            present: Iterable[str] = ()) -> OfficeData:
    """The rows of each register (``{"satisfaction": [(id, values), …], …}``) as OfficeData."""
    names = TrainingNames(s.training for s in planning.sessions)
    refs = {fold(s.ref): s for s in planning.sessions}
    for register in ("satisfaction", "abandons", "annulations"):
        for _, values in rows.get(register, ()):
            names.add(values.get("training"))
    answers = tuple(_answer(rid, v, names, refs) for rid, v in rows.get("satisfaction", ()))
    complaints = tuple(_complaint(rid, v, names, refs)
                       for rid, v in rows.get("reclamations", ()))
    people = _People(planning, names)
    dropouts = tuple(_dropout(rid, v, names, people) for rid, v in rows.get("abandons", ()))
    cancellations = tuple(_cancellation(rid, v, names, planning, refs)
                          for rid, v in rows.get("annulations", ()))
    return OfficeData(
        answers=answers, complaints=complaints, dropouts=dropouts, cancellations=cancellations,
        planning=planning, present=frozenset(present), trainings=dict(names.names),
        session_training={ref: names.key(s.training) for ref, s in refs.items()},
        session_trainer={ref: fold(s.trainer) for ref, s in refs.items()})


def _ref(values: Values, refs: Mapping[str, Session]) -> str:
    ref = fold(text(values, "session_ref"))
    return ref if ref in refs else ""


def _answer(record_id: str, values: Values, names: TrainingNames,
            refs: Mapping[str, Session]) -> Answer:
    session = _ref(values, refs)
    training = names.key(values.get("training")) or (
        names.key(refs[session].training) if session else "")
    return Answer(record_id, as_date(values.get("answered_on")),
                  fold(text(values, "survey")) == "a chaud", training, session,
                  score(values.get("overall"), 1, 5), score(values.get("nps"), 0, 10),
                  tuple(score(values.get(key), 1, 5) for key in CRITERIA))


def _complaint(record_id: str, values: Values, names: TrainingNames,
               refs: Mapping[str, Session]) -> Complaint:
    about = text(values, "training")
    folded = f" {fold(about)} "
    session = next((ref for ref in refs if ref and f" {ref} " in folded), "")
    training = names.key(refs[session].training) if session else names.key(about)
    return Complaint(record_id, as_date(values.get("received_on")), fold(text(values, "nature")),
                     text(values, "category"), training, session,
                     as_date(values.get("acknowledged_on")), as_date(values.get("responded_on")),
                     as_date(values.get("closed_on")))


class _People:
    """The planning's sessions of each participant, by address and by name, built once
    (matching a dropout to its session must not scan the planning for every row)."""

    def __init__(self, planning: Planning, names: TrainingNames) -> None:
        self.by_email: dict[str, list[Session]] = {}
        self.by_name: dict[tuple[str, ...], list[Session]] = {}
        self.training = {s.ref: names.key(s.training) for s in planning.sessions}
        for session in planning.sessions:
            for person in session.participants:
                if person.email:
                    self.by_email.setdefault(person.email.casefold(), []).append(session)
                if person.learner.strip():
                    self.by_name.setdefault(name_key(person.learner), []).append(session)

    def session_of(self, learner: str, email: str, training: str) -> str:
        """The one session of that training the learner is listed in (folded ref), else ""."""
        found = {s.ref: s for s in (*self.by_email.get(email.strip().casefold(), ()),
                                    *self.by_name.get(name_key(learner), ()))
                 if not training or self.training[s.ref] == training}
        if not training and len({self.training[ref] for ref in found}) > 1:
            return ""  # a learner of two trainings is not guessed between
        return fold(next(iter(found))) if len(found) == 1 else ""


def _dropout(record_id: str, values: Values, names: TrainingNames, people: _People) -> Dropout:
    training = names.key(values.get("training"))
    return Dropout(record_id, as_date(values.get("absence_noted_on")),
                   fold(text(values, "decision")) == "abandon valide",
                   text(values, "reason"), training,
                   people.session_of(text(values, "learner"), text(values, "email"), training),
                   number(values.get("hours_planned")), number(values.get("hours_done")))


def _cancellation(record_id: str, values: Values, names: TrainingNames, planning: Planning,
                  refs: Mapping[str, Session]) -> Cancellation:
    session = _ref(values, refs)
    if not session and planning.sessions:
        matched = match_session(planning, values, anyone=True)
        session = fold(matched.session.ref) if matched else ""
    hours = number(values.get("session_hours"))
    if hours is None and session:
        hours = refs[session].hours
    return Cancellation(record_id, as_date(values.get("requested_on")), text(values, "kind"),
                        text(values, "motive"), text(values, "initiator"),
                        names.key(values.get("training")), session, hours)
