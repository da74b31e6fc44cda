"""A session cancelled or postponed by the trainer or the organisation concerns every
participant — one « Annulations et reports » row per participant, each with its own letter.

A row that already names a participant of the session is left as it is (the office listed the
participants itself). A row naming someone else (the trainer who reports the cancellation)
is expanded, and that name is kept in the notes of each participant's row. The fingerprint of
a participant's row comes from the original row's and the participant, so the same file
dropped again is recognised row by row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace

from automation.procedures.cancellation import SESSION_SIDE, initiator_of
from automation.procedures.planning import Participant, Session
from automation.records import CellValue, Record
from automation.text import fold


def needs_expansion(values: Mapping[str, CellValue], session: Session) -> bool:
    """True for a whole-session cancellation (trainer, organisation) that names no participant
    of ``session``, when the planning lists participants."""
    if initiator_of(values) not in SESSION_SIDE or not session.participants:
        return False
    person, email = (str(values.get(k) or "").strip() for k in ("person", "email"))
    return session.participant(person, email) is None


def participant_values(values: Mapping[str, CellValue],
                       session: Session) -> list[dict[str, CellValue]]:
    """One copy of ``values`` per participant of ``session``, naming that participant."""
    reporter = " ".join(str(values.get(k) or "").strip() for k in ("person", "email")).strip()
    rows: list[dict[str, CellValue]] = []
    for participant in session.participants:
        row = dict(values)
        row["person"] = participant.learner or None
        row["email"] = participant.email or None
        extra = [f"Signalée par : {reporter}"] if reporter else []
        if participant.company:
            extra.append(f"Entreprise : {participant.company}")
        if extra:
            kept = str(values.get("notes") or "").strip()
            row["notes"] = "\n".join([*([kept] if kept else []), *extra])
        rows.append(row)
    return rows


def expand(record: Record, session: Session) -> list[Record]:
    """``record`` as one record per participant of ``session`` (or alone when it names one)."""
    if not needs_expansion(record.values, session):
        return [record]
    rows = participant_values(record.values, session)
    total = len(rows)
    return [replace(record, values=row,
                    fingerprint=participant_fingerprint(record.fingerprint, participant),
                    note=_joined(record.note, f"participant {n}/{total} de la session "
                                              f"{session.ref} (planning)"))
            for n, (row, participant) in enumerate(zip(rows, session.participants,
                                                       strict=True), start=1)]


def participant_fingerprint(fingerprint: str, participant: Participant) -> str:
    """The fingerprint of ``participant``'s row made from a whole-session row."""
    who = participant.email.casefold() or fold(participant.learner)
    return hashlib.sha256(f"{fingerprint}|participant|{who}".encode()).hexdigest()


def _joined(*parts: str) -> str:
    return " ; ".join(p for p in parts if p)
