"""A new satisfaction answer completed from the planning: its session, training and survey.

An answer names a person (address or name; none when anonymous), perhaps a training or a
session ref, and the day it was given. Its session is, in the planning:

- the session of its ref, when it gives one;
- else, among the sessions of that person (of that training, when it names one) begun by the
  answer's day, the one that ended last on or before that day (a session still running that
  day when none had ended);
- else, for an anonymous answer that names a training, the one session of that training that
  ended last on or before the day.

Nothing is guessed: two sessions ending the same day give none. An anonymous answer that
names no training takes the session of the other answers of the same export when they were
all found to be about one session (an export of a form sent to one session). When the form,
its entry and its file name did not say « À chaud » or « À froid », the delay does: at most
``[surveys] hot_within_days`` days after the session's end is « À chaud », later « À froid »;
a known kind also picks between the person's sessions (the last one ended within the delay
for « À chaud », before it for « À froid »). Only empty cells are filled; how the answer was
completed goes to the record's note, and what is still unknown is written in « Autres
informations » as « À compléter : … » for a person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Final

from automation.procedures.planning import Participant, Planning, Session, same_training
from automation.records import CellValue, Record
from automation.registers.schema import SATISFACTION
from automation.surveys.config import Surveys

REGISTER: Final = SATISFACTION.key
HOT: Final = "À chaud"
COLD: Final = "À froid"
LEARNER: Final = "Apprenant"
TO_COMPLETE: Final = "À compléter"


@dataclass(frozen=True)
class AnswerSession:
    session: Session
    participant: Participant | None
    by: str  # how it was found, in French
    delay: int  # days from the session's end to the answer (negative: still running)


def _text(values: Mapping[str, CellValue], key: str) -> str:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""


def _day(value: CellValue) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def delay_of(session: Session, answered: date) -> int:
    return (answered - session.finish.date()).days


def find_session(planning: Planning, values: Mapping[str, CellValue], *,
                 hot_within_days: int) -> AnswerSession | None:
    """The session an answer is about (see the module docstring), or None."""
    ref, name, email = (_text(values, k) for k in ("session_ref", "name", "email"))
    training, kind = _text(values, "training"), _text(values, "survey")
    answered = _day(values.get("answered_on"))
    if answered is None:
        return None
    if ref:
        found = planning.session(ref)
        return None if found is None else AnswerSession(
            found, found.participant(name, email), "par sa référence", delay_of(found, answered))
    person = bool(name or email)
    if not person and not training:
        return None
    begun = [s for s in planning.sessions
             if (not person or s.participant(name, email) is not None)
             and (not training or same_training(s.training, training))
             and s.start.date() <= answered]
    if kind == HOT:
        begun = [s for s in begun if delay_of(s, answered) <= hot_within_days]
    elif kind == COLD:
        begun = [s for s in begun if delay_of(s, answered) > hot_within_days]
    ended = [s for s in begun if delay_of(s, answered) >= 0]
    pool = ended or begun
    if not pool:
        return None
    last = max(s.finish.date() for s in pool)
    latest = [s for s in pool if s.finish.date() == last]
    if len(latest) != 1:
        return None
    session = latest[0]
    by = ("par l'adresse du répondant" if email and session.participant("", email)
          else "par le nom du répondant" if person else "par la formation et la date")
    return AnswerSession(session, session.participant(name, email), by,
                         delay_of(session, answered))


def survey_records(records: Sequence[Record], planning: Planning,
                   settings: Surveys) -> list[Record]:
    """Every satisfaction record completed; the others as they are. ``records`` come from one
    export (one call of the pipeline per file or mail)."""
    hot = settings.hot_within_days
    found = {id(r): find_session(planning, r.values, hot_within_days=hot)
             for r in records if r.register == REGISTER}
    sessions = {f.session.ref: f.session for f in found.values() if f is not None}
    shared = next(iter(sessions.values())) if len(sessions) == 1 else None
    completed: list[Record] = []
    for record in records:
        if record.register != REGISTER:
            completed.append(record)
            continue
        match = found[id(record)]
        if match is None and shared is not None and _anonymous(record.values):
            answered = _day(record.values.get("answered_on"))
            if answered is not None:
                match = AnswerSession(shared, None, "d'après les autres réponses de l'export",
                                      delay_of(shared, answered))
        completed.append(survey_record(record, match, settings))
    return completed


def _anonymous(values: Mapping[str, CellValue]) -> bool:
    return not any(_text(values, k) for k in ("name", "email", "session_ref", "training"))


def survey_record(record: Record, found: AnswerSession | None, settings: Surveys) -> Record:
    """``record`` completed from the session it is about (``found``)."""
    values = dict(record.values)
    notes: list[str] = []
    if found is not None:
        session, person = found.session, found.participant
        fills: dict[str, CellValue] = {"session_ref": session.ref, "training": session.training}
        if person is not None:
            fills["respondent"] = LEARNER
            if _text(values, "name"):
                fills["email"] = person.email
        for key, value in fills.items():
            if value and not _text(values, key):
                values[key] = value
        notes.append(f"session {session.ref} du planning, trouvée {found.by}")
        if not _text(values, "survey"):
            values["survey"] = HOT if found.delay <= settings.hot_within_days else COLD
            notes.append(f"enquête « {values['survey']} » : réponse {found.delay} jour(s) "
                         "après la fin de la session")
    missing = tuple(f.key for f in SATISFACTION.required if values.get(f.key) in (None, ""))
    if missing:
        headers = ", ".join(SATISFACTION.field(k).header for k in missing)
        line = f"{TO_COMPLETE} : {headers} (rien dans le formulaire ni le planning ne le dit)"
        kept = _text(values, "notes")
        values["notes"] = f"{kept}\n{line}" if kept else line
    note = " ; ".join(p for p in (record.note, *notes) if p)
    return replace(record, values=values, missing=missing, note=note)
