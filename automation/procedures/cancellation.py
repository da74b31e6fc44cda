"""The motive of a cancellation, whether it can be made up, whether it is billed.

When the learner (or the learner's company) cancels, the motive follows from when the request
came, against the session's start:

- at least 24 h before the start: « Annulation plus de 24 h avant », recoverable;
- less than 24 h before, or after the start but before a third of the session's duration has
  passed: « Annulation moins de 24 h avant », not recoverable;
- once a third of the duration has passed (after the end too): « Absence », not recoverable.

A trainer's cancellation is « Formateur indisponible »; the organisation's motive is left to a
person (« Effectif insuffisant », « Force majeure », « Autre »). Whether a motive is billed is
the office's policy (:class:`~automation.procedures.config.Cancellations`).

Conventions, each tested:

- A register holds Europe/Paris wall-clock times without a zone (as people type them); a mail
  gives zoned times. Both are compared as real instants: "24 h before" means 24 real hours.
  On 29 March 2026 (clocks go 02:00 → 03:00) the limit for a 9:00 session is 8:00 the day
  before; on 25 October 2026 (03:00 → 02:00) it is 10:00 the day before.
- A wall-clock time that happens twice (25 October 2026, 02:30) is the first one (summer
  time); one that does not exist (29 March 2026, 02:30) is read with the offset in force
  before the change, i.e. 03:30 summer time (Python's ``fold=0``).
- Exactly 24 h 00 before the start is still « plus de 24 h avant » (the full notice was given).
- Exactly a third of the duration after the start is already an « Absence ».
- The duration is « Durée (h) » when filled, else the planning's end minus its start; without
  either, a request at or after the start is an « Absence ».
- A motive already in the row is a person's choice: it is kept, never recomputed, and the
  « Rattrapable » and « Facturable » cells follow from it. To have it computed again, empty it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Final

from automation.clock import PARIS
from automation.procedures.config import NO, YES, Cancellations
from automation.records import CellValue
from automation.text import fold

NOTICE: Final = timedelta(hours=24)
ABSENCE_SHARE: Final = 3  # absent once a third of the duration has passed


class Motive(StrEnum):
    """The « Motif » choices of the « Annulations et reports » register."""

    EARLY = "Annulation plus de 24 h avant"
    LATE = "Annulation moins de 24 h avant"
    ABSENCE = "Absence"
    TRAINER = "Formateur indisponible"
    TOO_FEW = "Effectif insuffisant"
    FORCE_MAJEURE = "Force majeure"
    OTHER = "Autre"


class Initiator(StrEnum):
    """The « À l'initiative de » choices."""

    LEARNER = "Apprenant"
    TRAINER = "Formateur"
    ORGANISATION = "Organisme"
    COMPANY = "Entreprise / financeur"


# Who cancels for one participant (the timing rule applies), and who cancels a whole session.
PARTICIPANT_SIDE: Final = frozenset({Initiator.LEARNER, Initiator.COMPANY})
SESSION_SIDE: Final = frozenset({Initiator.TRAINER, Initiator.ORGANISATION})

RECOVERABLE: Final[dict[Motive, str]] = {
    Motive.EARLY: YES, Motive.LATE: NO, Motive.ABSENCE: NO,
    Motive.TRAINER: YES, Motive.TOO_FEW: YES, Motive.FORCE_MAJEURE: YES,
}


@dataclass(frozen=True)
class Assessment:
    """What the cancellation-motive rules say about one row."""

    motive: str  # the motive the row ends with: the person's, else the computed one
    computed: str  # what the rule gives ("" when it cannot say)
    recoverable: str  # « Oui », « Non » or "" (a person decides)
    billable: str
    note: str  # French, for the journal: how the motive was found

    @property
    def overridden(self) -> bool:
        """A person's motive differs from the one the rule gives."""
        return bool(self.computed) and self.motive != self.computed


def choice(value: CellValue, options: type[StrEnum]) -> StrEnum | None:
    """The option ``value`` names, ignoring case, accents and spacing; None otherwise."""
    if not isinstance(value, str) or not value.strip():
        return None
    wanted = fold(value)
    return next((option for option in options if fold(option.value) == wanted), None)


def initiator_of(values: Mapping[str, CellValue]) -> Initiator | None:
    found = choice(values.get("initiator"), Initiator)
    return found if isinstance(found, Initiator) else None


def instant(value: CellValue) -> datetime | None:
    """A cell's moment as a real instant (UTC): zone-less values are Paris wall-clock time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=PARIS)
        return moment.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=PARIS).astimezone(UTC)
    return None


def duration_of(hours: CellValue, start: CellValue = None,
                end: CellValue = None) -> timedelta | None:
    """« Durée (h) » as a duration, else ``end`` − ``start`` in real time; None if unknown."""
    if isinstance(hours, int | float) and not isinstance(hours, bool) and hours > 0:
        return timedelta(hours=float(hours))
    first, last = instant(start), instant(end)
    if first is not None and last is not None and last > first:
        return last - first
    return None


def timing_motive(requested: CellValue, start: CellValue,
                  duration: timedelta | None) -> Motive | None:
    """The motive for a participant's request at ``requested`` for a session at
    ``start``; None when either moment is missing."""
    asked, begins = instant(requested), instant(start)
    if asked is None or begins is None:
        return None
    if asked <= begins - NOTICE:
        return Motive.EARLY
    if asked < begins:
        return Motive.LATE
    if duration is None or asked >= begins + duration / ABSENCE_SHARE:
        return Motive.ABSENCE
    return Motive.LATE


def assess(values: Mapping[str, CellValue], policy: Cancellations, *,
           end: CellValue = None) -> Assessment:
    """The motive, recoverable and billable values the rules and ``policy`` give the row.

    ``end`` is the session's end from the planning, used when « Durée (h) » is empty.
    """
    initiator = initiator_of(values)
    computed: Motive | None = None
    how = ""
    if initiator in PARTICIPANT_SIDE:
        duration = duration_of(values.get("session_hours"), values.get("session_start"), end)
        computed = timing_motive(values.get("requested_on"), values.get("session_start"),
                                 duration)
        if computed is not None:
            how = _timing_note(values.get("requested_on"), values.get("session_start"))
    elif initiator is Initiator.TRAINER:
        computed, how = Motive.TRAINER, "annulation à l'initiative du formateur"
    typed = values.get("motive")
    typed_text = typed.strip() if isinstance(typed, str) else ""
    if typed_text:
        known = choice(typed_text, Motive)
        motive = known.value if known is not None else typed_text
        note = f"motif saisi « {motive} » conservé"
        if computed is not None and motive != computed.value:
            note += f" (la règle des 24 h donnerait « {computed.value} », {how})"
    elif computed is not None:
        motive, note = computed.value, f"motif calculé « {computed.value} » ({how})"
    else:
        motive, note = "", ""
    found = choice(motive, Motive)
    recoverable = RECOVERABLE.get(Motive(found), "") if found is not None else ""
    if not motive and initiator in SESSION_SIDE:
        recoverable = YES  # the participants are not at fault: the session is made up
    billable = policy.billable(found.value) if found is not None else ""
    return Assessment(motive=motive, computed=computed.value if computed else "",
                      recoverable=recoverable, billable=billable, note=note)


def completion(values: Mapping[str, CellValue], policy: Cancellations, *,
               end: CellValue = None) -> dict[str, CellValue]:
    """The cells to fill in an « Annulations et reports » row: motive, recoverable and
    billable, only where the row leaves them empty (what a person typed is never replaced)."""
    found = assess(values, policy, end=end)
    proposed = {"motive": found.motive, "recoverable": found.recoverable,
                "billable": found.billable}
    return {key: value for key, value in proposed.items()
            if value and not _filled(values.get(key))}


def _filled(value: CellValue) -> bool:
    return value is not None and str(value).strip() != ""


def _timing_note(requested: CellValue, start: CellValue) -> str:
    asked, begins = instant(requested), instant(start)
    if asked is None or begins is None:  # pragma: no cover - checked by the caller
        return ""
    if asked <= begins:
        return f"demande {span(begins - asked)} avant le début"
    return f"demande {span(asked - begins)} après le début"


def span(delta: timedelta) -> str:
    """``timedelta(hours=23, minutes=59)`` → ``"23 h 59"``; days count as 24 h."""
    minutes = int(delta.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
