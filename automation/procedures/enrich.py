"""Completing new cancellation and dropout records before they are journaled.

:func:`enrich` is called by :func:`automation.pipeline.store.record` for every batch of new
records, whatever their source (dropped file, mail). For an « Annulations et reports » record
it finds the session in the planning (ref, training, start with its time, hours, the person's
name or address), fills the cancellation's motive, recoverable and billable cells (only empty ones),
and turns a trainer's or the organisation's cancellation into one record per participant. For
an « Abandons » record it fills the training's dates and hours and the prescriber from the
planning. A « Satisfaction » answer gets its session, training and survey (à chaud or à froid)
from the planning (:mod:`automation.surveys.matching`). Nothing a source gave is replaced; how
each record was completed is said in its ``note``, for the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import TYPE_CHECKING, Final

from automation.procedures.cancellation import SESSION_SIDE, assess, completion, initiator_of
from automation.procedures.config import Cancellations
from automation.procedures.participants import expand, needs_expansion, participant_values
from automation.procedures.planning import (
    Participant,
    Planning,
    Session,
    SessionMatch,
    learner_sessions,
    load_planning,
    match_session,
)
from automation.records import CellValue, Record
from automation.registers.schema import REGISTERS_BY_KEY
from automation.surveys.matching import survey_records

if TYPE_CHECKING:
    from automation.config import Config

log = logging.getLogger(__name__)

ANNULATIONS: Final = "annulations"
ABANDONS: Final = "abandons"
SATISFACTION: Final = "satisfaction"


def enrich(config: Config, records: Sequence[Record], *,
           planning: Planning | None = None) -> list[Record]:
    """``records`` completed from the planning and the cancellation motives (see the module
    docstring)."""
    if not any(r.register in (ANNULATIONS, ABANDONS, SATISFACTION) for r in records):
        return list(records)
    planning = planning if planning is not None else load_planning(config)
    records = survey_records(records, planning, config.surveys)
    return enrich_records(records, planning, config.cancellations)


def enrich_records(records: Sequence[Record], planning: Planning,
                   policy: Cancellations) -> list[Record]:
    """:func:`enrich` with the planning and the policy given (pure)."""
    enriched: list[Record] = []
    for record in records:
        if record.register == ANNULATIONS:
            enriched.extend(cancellation_records(record, planning, policy))
        elif record.register == ABANDONS:
            enriched.append(dropout_record(record, planning))
        else:
            enriched.append(record)
    return enriched


@dataclass(frozen=True)
class RowCompletion:
    """What a row a person typed in a register calls for from the planning and the motives."""

    fills: dict[str, CellValue] = field(default_factory=dict)  # empty cells to fill
    participants: tuple[dict[str, CellValue], ...] = ()  # rows to add, one per participant
    note: str = ""  # French, for the journal


def complete_row(register: str, values: Mapping[str, CellValue], planning: Planning,
                 policy: Cancellations) -> RowCompletion:
    """For the register watcher: the cells to fill in a row a person typed or changed, and
    for a whole-session cancellation the participants' rows to add (the typed row stays as
    the session's record). Only empty cells are proposed."""
    if register == ABANDONS:
        pairs = learner_sessions(planning, values)
        fills = dropout_values(values, [s for s, _ in pairs], pairs[0][1]) if pairs else {}
        return RowCompletion(fills=fills)
    if register != ANNULATIONS:
        return RowCompletion()
    completed, match, notes = _cancellation(values, planning, policy)
    fills = {k: v for k, v in completed.items() if _empty(values, k) and not _empty(
        completed, k)}
    rows = (participant_values(completed, match.session)
            if match is not None and needs_expansion(completed, match.session) else [])
    return RowCompletion(fills=fills, participants=tuple(rows), note=" ; ".join(notes))


def cancellation_records(record: Record, planning: Planning,
                         policy: Cancellations) -> list[Record]:
    """One cancellation record completed, or one per participant of the session it cancels."""
    values, match, notes = _cancellation(record.values, planning, policy)
    if any(n.startswith("motif saisi") and "donnerait" in n for n in notes):
        log.info("%s: %s", record.source, notes[-1])
    done = _completed(record, values, notes)
    return expand(done, match.session) if match is not None else [done]


def _cancellation(given: Mapping[str, CellValue], planning: Planning, policy: Cancellations,
                  ) -> tuple[dict[str, CellValue], SessionMatch | None, list[str]]:
    """The row completed from its session and its motive, the session, and what was done."""
    values = dict(given)
    notes: list[str] = []
    match = match_session(planning, values)
    if match is None and initiator_of(values) in SESSION_SIDE:
        match = match_session(planning, values, anyone=True)
    end = match.session.end if match is not None else None
    if match is not None:
        values.update(session_values(values, match))
        notes.append(f"session {match.session.ref} du planning")
    note = assess(values, policy, end=end).note
    values.update(completion(values, policy, end=end))
    if note:
        notes.append(note)
    return values, match, notes


def session_values(values: Mapping[str, CellValue], match: SessionMatch,
                   ) -> dict[str, CellValue]:
    """The cells the planning fills in a cancellation row (only empty ones; a start given
    as a day only gets the session's time)."""
    session, person = match.session, match.participant
    found: dict[str, CellValue] = {"session_ref": session.ref, "training": session.training,
                                   "session_hours": session.hours}
    if person is not None:
        found.update(person=person.learner, email=person.email)
    start = values.get("session_start")
    day_only = isinstance(start, datetime) and start.time() == time(0, 0) and (
        start.date() == session.start.date())
    filling: dict[str, CellValue] = {k: v for k, v in found.items()
                                     if v not in (None, "") and _empty(values, k)}
    if _empty(values, "session_start") or day_only:
        filling["session_start"] = session.start
    return filling


def dropout_record(record: Record, planning: Planning) -> Record:
    """A dropout record with the training's dates, hours and prescriber from the planning."""
    values = dict(record.values)
    pairs = learner_sessions(planning, values)
    if not pairs:
        return record
    values.update(dropout_values(values, [s for s, _ in pairs], pairs[0][1]))
    return _completed(record, values, [f"formation retrouvée dans le planning "
                                       f"({', '.join(s.ref for s, _ in pairs)})"])


def dropout_values(values: Mapping[str, CellValue], sessions: Sequence[Session],
                   person: Participant) -> dict[str, CellValue]:
    """The cells the planning fills in a dropout row: the training, first start, last end,
    planned hours (when every session has its hours), prescriber and addresses (only empty
    cells)."""
    found: dict[str, CellValue] = {
        "training": sessions[0].training,
        "start": min(s.start for s in sessions).date(),
        "end": max(s.finish for s in sessions).date(),
    }
    hours = [s.hours for s in sessions]
    if all(h is not None for h in hours):
        found["hours_planned"] = sum(h for h in hours if h is not None)
    found.update(email=person.email, prescriber=person.prescriber,
                 prescriber_email=person.prescriber_email)
    return {k: v for k, v in found.items() if v not in (None, "") and _empty(values, k)}


def _completed(record: Record, values: dict[str, CellValue], notes: list[str]) -> Record:
    schema = REGISTERS_BY_KEY[record.register]
    missing = tuple(f.key for f in schema.required if _empty(values, f.key))
    note = " ; ".join(p for p in (record.note, *notes) if p)
    return replace(record, values=values, missing=missing, note=note)


def _empty(values: Mapping[str, CellValue], key: str) -> bool:
    value = values.get(key)
    return value is None or (isinstance(value, str) and not value.strip())
