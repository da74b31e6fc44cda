"""The deadlines the registers carry, as data.

Each :class:`Rule` says: in this register, this task (French, as people read it) is due a
number of working days (a :class:`~automation.deadlines.config.Deadlines` setting) after the
date in ``start``, and is done once one of ``done_fields`` is filled or the row's status is one
of ``done_statuses`` (a later status implies the step was taken). A rule that does not
``apply`` to a row, or whose start date is empty or unreadable, produces nothing; nor does a
rule whose done date has no column in the office's workbook (it could never be shown done).

Réclamations (indicator 31): acknowledge, answer and close, each counted from the
date of receipt. A "Demande d'information" is not a complaint, and a complaint "Sans suite"
needs nothing more: neither is counted.
Annulations: when the organisation or the trainer cancels, the participants are informed.
Abandons (dropout procedure): step 1 inform the prescriber (when one is recorded), step 2 ask the
learner's reasons, step 6 remind them with an alternative, step 7 decide; steps 1, 2 and 6
stop once a decision is taken; step 8 sends the attestation after "Abandon validé".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Final

from automation.deadlines.config import Deadlines
from automation.deadlines.workdays import as_day
from automation.text import fold

Row = Mapping[str, object]

RECLAMATIONS: Final = "reclamations"
ANNULATIONS: Final = "annulations"
ABANDONS: Final = "abandons"

_DATE_FORMATS: Final = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y",
                        "%d-%m-%Y", "%d.%m.%Y")


def filled(value: object) -> bool:
    """True when a person (or the tool) has put something in the cell."""
    return value is not None and str(value).strip() != ""


def as_date(value: object) -> date | None:
    """A cell's value as a day: dates, datetimes, ISO text or French ``jj/mm/aaaa`` text."""
    if isinstance(value, date):  # a datetime too: its day in Paris
        return as_day(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return as_day(datetime.fromisoformat(text))
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# Register cells repeat the same few words (enumerations): fold each once.
folded: Final = lru_cache(maxsize=4096)(fold)


@lru_cache(maxsize=64)
def _folded_choices(choices: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(c) for c in choices)


def is_value(row: Row, key: str, *choices: str) -> bool:
    """True when ``row[key]`` is one of ``choices`` (case, accents, spacing do not matter)."""
    value = row.get(key)
    return isinstance(value, str) and folded(value) in _folded_choices(choices)


def _always(row: Row) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    register: str
    step: str  # stable key: "acknowledge", "answer", …
    task: str  # what a person must do, in French
    start: str  # field whose date is day 0
    delay: str  # name of the Deadlines setting holding the delay in working days
    done_fields: tuple[str, ...]
    done_statuses: tuple[str, ...] = ()
    status_key: str = "status"
    applies: Callable[[Row], bool] = _always

    def delay_days(self, settings: Deadlines) -> int:
        return int(getattr(settings, self.delay))

    def is_done(self, row: Row) -> bool:
        if any(filled(row.get(key)) for key in self.done_fields):
            return True
        return bool(self.done_statuses) and is_value(row, self.status_key, *self.done_statuses)


def _is_complaint(row: Row) -> bool:
    return not (is_value(row, "nature", "Demande d'information")
                or is_value(row, "status", "Sans suite"))


def _organisation_cancelled(row: Row) -> bool:
    return is_value(row, "initiator", "Organisme", "Formateur")


_DECIDED: Final = ("Abandon validé", "Abandon invalidé")


def _undecided(row: Row) -> bool:
    return not is_value(row, "decision", *_DECIDED)


def _undecided_with_prescriber(row: Row) -> bool:
    return _undecided(row) and (filled(row.get("prescriber"))
                                or filled(row.get("prescriber_email")))


def _validated(row: Row) -> bool:
    return is_value(row, "decision", "Abandon validé")


RULES: Final[tuple[Rule, ...]] = (
    Rule(RECLAMATIONS, "acknowledge", "Accuser réception", "received_on", "acknowledge_days",
         ("acknowledged_on",),
         ("Accusé envoyé", "En cours", "Escaladée", "Résolue", "Close"), applies=_is_complaint),
    Rule(RECLAMATIONS, "answer", "Répondre au déclarant", "received_on", "answer_days",
         ("responded_on",), ("Résolue", "Close"), applies=_is_complaint),
    Rule(RECLAMATIONS, "close", "Clôturer", "received_on", "close_days",
         ("closed_on",), ("Close",), applies=_is_complaint),
    Rule(ANNULATIONS, "inform_participants", "Informer les participants", "requested_on",
         "inform_participants_days", ("participants_informed_on",),
         ("Participants informés", "Close"), applies=_organisation_cancelled),
    Rule(ABANDONS, "inform_prescriber", "Informer le prescripteur", "absence_noted_on",
         "prescriber_days", ("prescriber_informed_on",), status_key="decision",
         applies=_undecided_with_prescriber),
    Rule(ABANDONS, "request_reasons", "Demander les motifs d'abandon", "absence_noted_on",
         "reasons_days", ("reasons_requested_on",), status_key="decision",
         applies=_undecided),
    Rule(ABANDONS, "remind", "Relancer avec une alternative", "reasons_requested_on",
         "reminder_days", ("reminder_on",), status_key="decision", applies=_undecided),
    Rule(ABANDONS, "decide", "Statuer sur l'abandon", "absence_noted_on", "decision_days",
         ("decided_on",), _DECIDED, status_key="decision"),
    Rule(ABANDONS, "send_attestation", "Envoyer l'attestation d'abandon", "decided_on",
         "attestation_days", ("attestation_sent_on", "attestation_signed_on"),
         status_key="decision", applies=_validated),
)

RULES_BY_REGISTER: Final[dict[str, tuple[Rule, ...]]] = {
    register: tuple(r for r in RULES if r.register == register)
    for register in (RECLAMATIONS, ANNULATIONS, ABANDONS)
}


def judged(rule: Rule, columns: Collection[str] | None) -> bool:
    """True when the workbook has what shows the step done: a step whose date has no column
    (a log without acknowledgment dates) is never reported late, whatever its status says."""
    return columns is None or (rule.start in columns
                               and any(key in columns for key in rule.done_fields))


def open_rules(register: str, row: Row, *, unsent: Collection[str] = (),
               columns: Collection[str] | None = None) -> list[tuple[Rule, date]]:
    """The rules of ``register`` still to be done for ``row``, each with its day 0.

    ``unsent`` names steps whose letter is prepared but not sent: such a step stays open
    whatever the status says, until its date is filled. ``columns`` are the fields the
    register's workbook has (None: all of them).
    """
    pending: list[tuple[Rule, date]] = []
    for rule in RULES_BY_REGISTER.get(register, ()):
        if not judged(rule, columns):
            continue
        start = as_date(row.get(rule.start))
        done = (any(filled(row.get(key)) for key in rule.done_fields) if rule.step in unsent
                else rule.is_done(row))
        if start is None or not rule.applies(row) or done:
            continue
        pending.append((rule, start))
    return pending


def describe(register: str, row: Row) -> str:
    """A short reminder of who or what the row is about, for lists and mails."""
    keys = {RECLAMATIONS: ("name", "subject"), ANNULATIONS: ("training", "person"),
            ABANDONS: ("learner", "training")}.get(register, ())
    return " — ".join(" ".join(str(row[k]).split()) for k in keys if filled(row.get(k)))
