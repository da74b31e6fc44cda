"""The office's sessions planning (``registers/sessions.xlsx``): read it, find a session in it.

The planning is the office's workbook; the tool only reads it. One row per participant:
the session's columns (ref, training, start, end, hours, trainer, location, and its own survey
links when it has some) and the participant's (learner, email, company, prescriber,
prescriber's email). A row whose session columns are blank belongs to the session above it,
as people often leave them blank under the first participant. Columns are found by their
headers (the ``sessions`` schema's names and synonyms, or the office's own names from
``[registers.sessions.columns]`` once adopted).

Matching never guesses: a cancellation or a dropout is tied to a session only when exactly
one session fits what the row says.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final

from automation.clock import paris_naive
from automation.errors import ColumnMissing, RegisterError
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.schema import SESSIONS
from automation.text import fold

if TYPE_CHECKING:
    from automation.config import Config

log = logging.getLogger(__name__)

REGISTER: Final = SESSIONS.key
HEADER_SCAN_ROWS: Final = 30
SESSION_KEYS: Final = ("session_ref", "training", "start", "end", "hours", "trainer", "location",
                       "hot_form_url", "cold_form_url")
PARTICIPANT_KEYS: Final = ("learner", "email", "company", "prescriber", "prescriber_email",
                           "address", "prescriber_address")


@dataclass(frozen=True)
class Participant:
    learner: str
    email: str = ""
    company: str = ""
    prescriber: str = ""
    prescriber_email: str = ""
    address: str = ""  # postal address, for a letter's window envelope
    prescriber_address: str = ""

    def is_person(self, name: str, email: str) -> bool:
        """Same address (case ignored), or the same name (case, accents, order ignored)."""
        if email and self.email and email.strip().casefold() == self.email.casefold():
            return True
        return bool(name.strip()) and name_key(name) == name_key(self.learner)


@dataclass(frozen=True)
class Session:
    ref: str
    training: str
    start: datetime  # Paris wall-clock time, without zone, as the workbook holds it
    end: datetime | None = None
    hours: float | None = None
    trainer: str = ""
    location: str = ""
    participants: tuple[Participant, ...] = ()
    hot_form_url: str = ""  # « Lien questionnaire à chaud », when the session has its own
    cold_form_url: str = ""

    @property
    def finish(self) -> datetime:
        """The end, else start + hours, else the end of the start's day."""
        if self.end is not None:
            return self.end
        if self.hours:
            return self.start + timedelta(hours=self.hours)
        return datetime.combine(self.start.date(), time(23, 59, 59))

    def participant(self, name: str, email: str) -> Participant | None:
        return next((p for p in self.participants if p.is_person(name, email)), None)


@dataclass(frozen=True)
class Planning:
    sessions: tuple[Session, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)  # French, per line

    def session(self, ref: str) -> Session | None:
        wanted = fold(ref)
        return next((s for s in self.sessions if fold(s.ref) == wanted), None)


@dataclass(frozen=True)
class SessionMatch:
    session: Session
    participant: Participant | None  # the participant the row names, if it names one


def name_key(name: str) -> tuple[str, ...]:
    """``"DUPONT Marie"`` and ``"Marie Dupont"`` give the same key."""
    return tuple(sorted(fold(name).split()))


def same_training(ours: str, theirs: str) -> bool:
    """Equal once folded, or one contains the other (« Excel » and « Excel avancé » do)."""
    a, b = fold(ours), fold(theirs)
    return bool(a and b) and (a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def load_planning(config: Config) -> Planning:
    """The office's planning; an empty one when there is none or it cannot be read."""
    binding = config.binding(REGISTER)
    try:
        return read_planning(binding)
    except RegisterError as exc:
        log.warning("the sessions planning is not used: %s", exc)
        return Planning(problems=(str(exc),))


def read_planning(binding: RegisterBinding) -> Planning:
    """Every session of the planning workbook with its participants ([] without a file)."""
    if not binding.path.exists():
        return Planning()
    from python_calamine import CalamineError, CalamineWorkbook  # an office with a planning

    try:
        workbook = CalamineWorkbook.from_path(str(binding.path))
        names = [binding.sheet] if binding.sheet else list(workbook.sheet_names)
        sheets = [(name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in names]
    except (CalamineError, OSError, ValueError) as exc:
        raise RegisterError(f"{binding.path.name}: cannot be read: {exc}", register=REGISTER,
                            path=binding.path) from exc
    found = [(name, rows, *_header(binding, rows)) for name, rows in sheets]
    name, rows, line, columns = max(found, key=lambda item: len(item[3]))
    missing = [f.header for f in SESSIONS.required if f.key not in columns]
    if missing:
        raise ColumnMissing(f"{binding.path.name}: no header row naming "
                            f"{', '.join(f'« {m} »' for m in missing)} in the first "
                            f"{HEADER_SCAN_ROWS} rows of {', '.join(names)}",
                            register=REGISTER, path=binding.path)
    return _sessions(rows, line, columns, sheet=name)


def _header(binding: RegisterBinding, rows: Sequence[Sequence[object]],
            ) -> tuple[int, dict[str, int]]:
    """The header row's index and the column of each field it names (the richest row)."""
    names: dict[str, str] = {}
    for item in SESSIONS.fields:
        for name in (binding.columns.get(item.key, ""), *item.names):
            if name:
                names.setdefault(fold(name), item.key)
    best: tuple[int, dict[str, int]] = (0, {})
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns: dict[str, int] = {}
        for column, cell in enumerate(row):
            key = names.get(fold(cell)) if isinstance(cell, str) else None
            if key is not None and key not in columns:
                columns[key] = column
        if len(columns) > len(best[1]):
            best = (index, columns)
    return best


def _sessions(rows: Sequence[Sequence[object]], header: int, columns: Mapping[str, int], *,
              sheet: str) -> Planning:
    problems: list[str] = []
    details: dict[str, dict[str, CellValue]] = {}
    people: dict[str, list[Participant]] = {}
    current = ""
    for number, row in enumerate(rows[header + 1:], start=header + 2):
        values = _row_values(row, columns, number, problems)
        ref = str(values.get("session_ref") or "").strip()
        has_person = any(values.get(k) for k in ("learner", "email"))
        if not ref and not has_person:
            continue
        if not ref:
            if not current:
                problems.append(f"{sheet}, ligne {number} : participant sans session au-dessus")
                continue
            ref = current
        current = ref
        known = details.setdefault(ref, {})
        for key in SESSION_KEYS:
            if known.get(key) in (None, "") and values.get(key) not in (None, ""):
                known[key] = values[key]
        if has_person:
            person = Participant(*(str(values.get(k) or "").strip() for k in PARTICIPANT_KEYS))
            group = people.setdefault(ref, [])
            if not any(p.is_person(person.learner, person.email) for p in group):
                group.append(person)
    sessions: list[Session] = []
    for ref, known in details.items():
        start = known.get("start")
        if not isinstance(start, datetime):
            problems.append(f"{sheet} : la session « {ref} » n'a pas de date de début")
            continue
        end = known.get("end")
        hours = known.get("hours")
        sessions.append(Session(
            ref=ref, training=str(known.get("training") or ""), start=paris_naive(start),
            end=paris_naive(end) if isinstance(end, datetime) else None,
            hours=float(hours) if isinstance(hours, int | float) and hours > 0 else None,
            trainer=str(known.get("trainer") or ""), location=str(known.get("location") or ""),
            participants=tuple(people.get(ref, ())),
            hot_form_url=str(known.get("hot_form_url") or ""),
            cold_form_url=str(known.get("cold_form_url") or "")))
    return Planning(tuple(sessions), tuple(problems))


def _row_values(row: Sequence[object], columns: Mapping[str, int], number: int,
                problems: list[str]) -> dict[str, CellValue]:
    from automation.intake.values import InvalidValue, parse_value

    values: dict[str, CellValue] = {}
    for key, column in columns.items():
        cell = row[column] if column < len(row) else None
        raw = cell if isinstance(cell, str | int | float | date) or cell is None else str(cell)
        try:
            values[key] = parse_value(SESSIONS.field(key), raw)
        except InvalidValue as exc:
            problems.append(f"ligne {number} : {exc}")
    return values


# --- matching --------------------------------------------------------------------------------

def _text(values: Mapping[str, CellValue], key: str) -> str:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""


def _naive(value: CellValue) -> datetime | None:
    if isinstance(value, datetime):
        return paris_naive(value)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0))
    return None


def match_session(planning: Planning, values: Mapping[str, CellValue], *,
                  anyone: bool = False) -> SessionMatch | None:
    """The one session an « Annulations et reports » row is about, or None.

    By its ref when the row gives one; else among the sessions of the person it names (name
    or address), of its training, on the day of « Début de la session » when given (at that
    time when one is given and the planning has it), else the next session not yet over when
    the request came. A row naming no person needs a ref, or a training and a day.
    ``anyone`` ignores the person (a trainer who cancels is no participant).
    """
    ref, person, email = (_text(values, k) for k in ("session_ref", "person", "email"))
    if anyone:
        person = email = ""
    training = _text(values, "training")
    start = _naive(values.get("session_start"))
    requested = _naive(values.get("requested_on"))
    if ref:
        found = planning.session(ref)
        candidates = [found] if found is not None else []
    else:
        candidates = [s for s in planning.sessions
                      if (not (person or email) or s.participant(person, email))
                      and (not training or same_training(s.training, training))]
        if start is not None:
            candidates = _on(candidates, start)
        elif person or email:
            upcoming = sorted((s for s in candidates
                               if requested is None or s.finish >= requested),
                              key=lambda s: s.start)
            candidates = upcoming[:1] if requested is not None else upcoming
        else:
            candidates = []
    if len(candidates) != 1:
        return None
    session = candidates[0]
    return SessionMatch(session, session.participant(_text(values, "person"),
                                                     _text(values, "email")))


def _on(sessions: list[Session], start: datetime) -> list[Session]:
    same_day = [s for s in sessions if s.start.date() == start.date()]
    if start.time() != time(0, 0):
        exact = [s for s in same_day if s.start == start]
        return exact or same_day
    return same_day


def learner_sessions(planning: Planning, values: Mapping[str, CellValue],
                     ) -> list[tuple[Session, Participant]]:
    """The sessions of the training an « Abandons » row names, for the learner it names.

    A row naming no training (a mail) gets the learner's sessions only when they are all of
    one training; a learner following two trainings is not guessed between.
    """
    learner, email, training = (_text(values, k) for k in ("learner", "email", "training"))
    found: list[tuple[Session, Participant]] = []
    for session in planning.sessions:
        participant = session.participant(learner, email)
        if participant is not None and (not training
                                        or same_training(session.training, training)):
            found.append((session, participant))
    if not training and len({fold(s.training) for s, _ in found}) > 1:
        return []
    return sorted(found, key=lambda pair: pair[0].start)
