"""Actions that open themselves: from a complaint's corrective action, from a dropout's causes.

Indicator 32 asks for improvement measures drawn from the complaints, the appreciations and
the dropouts' causes. Two rows of the registers call for one, each once:

* a complaint (or difficulty, hazard) whose « Action corrective / d'amélioration » is filled
  while its « Mesure d'amélioration liée » is empty: the action takes its finding, cause,
  action and person in charge from the row, names its REC- id in « Références d'origine »,
  and the complaint's « Mesure d'amélioration liée » receives the ACT- id (an empty cell
  only);
* a dropout « Abandon validé » whose « Analyse des causes » is filled: the action takes the
  analysis as its cause and is left « À définir » for the office; the abandons register's
  ``Journal`` sheet names the ACT- id (the register has no column for it).

A row whose « Mesure d'amélioration liée » a person filled opens nothing: the person chose.
When that cell names ACT- ids, the complaint becomes one more origin of those actions (several
origins share one action) and the actions register's ``Journal`` sheet says so. The action's
fingerprint derives from its origin row, so however often the row is saved or dropped again,
one action is opened, and never again once a person removed it.

:func:`open_actions` runs inside the journal transaction that records new rows
(:func:`automation.pipeline.store.record`); a person's edit in a register goes through
:mod:`automation.pipeline.improvement`. Both build on :func:`openings`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from automation.clock import paris_naive
from automation.deadlines.rules import as_date, filled, is_value
from automation.deadlines.workdays import WorkCalendar
from automation.improvement.config import Improvement
from automation.records import CellValue, Record, StoredRow
from automation.registers.journal import ChangeEntry
from automation.registers.schema import ABANDONS, ACTIONS, RECLAMATIONS

if TYPE_CHECKING:
    from automation.pipeline.office import Office

OPENED: Final = "action d'amélioration ouverte"  # why the complaint's cell is filled
LINKED: Final = "Origine liée"  # Journal-sheet action: one more origin of an action
NOTED: Final = "Action d'amélioration"  # Journal-sheet action in the abandons register
TOOL: Final = "automation"
ACT_ID: Final = re.compile(r"\bACT-\d{4}-\d{3,}\b")
VALIDATED: Final = "Abandon validé"
TO_DEFINE: Final = "À définir"
_ORIGINS: Final = {"Réclamation": "Réclamation", "Difficulté": "Difficulté"}

Values = Mapping[str, CellValue]


@dataclass(frozen=True)
class Opening:
    """An action a row calls for, before it has its id."""

    register: str  # the origin row's register
    record_id: str  # the origin row's id
    record: Record  # the action, for the actions register


def action_ids(value: CellValue) -> tuple[str, ...]:
    """The ACT- ids a cell names, in order, each once."""
    return tuple(dict.fromkeys(ACT_ID.findall(str(value or ""))))


def fingerprint(register: str, record_id: str) -> str:
    return hashlib.sha256(f"action|{register}|{record_id}".encode()).hexdigest()


def calls_for_action(register: str, values: Values) -> bool:
    """True when the row calls for an action (see the module docstring)."""
    if register == RECLAMATIONS.key:
        return filled(values.get("corrective_action")) and not filled(
            values.get("improvement_ref"))
    if register == ABANDONS.key:
        return is_value(values, "decision", VALIDATED) and filled(values.get("analysis"))
    return False


def openings(register: str, rows: Iterable[tuple[str, Values]], *, today: date,
             settings: Improvement, calendar: WorkCalendar) -> list[Opening]:
    """The actions the rows ``(id, values)`` of ``register`` call for (none when the office
    turned ``open_actions`` off)."""
    if not settings.open_actions:
        return []
    due = calendar.add_working_days(today, settings.due_days) if settings.due_days else None
    found: list[Opening] = []
    for record_id, values in rows:
        if record_id and calls_for_action(register, values):
            found.append(Opening(register, record_id,
                                 _record(register, record_id, values, today, due)))
    return found


def _record(register: str, record_id: str, values: Values, today: date,
            due: date | None) -> Record:
    if register == RECLAMATIONS.key:
        nature = _text(values.get("nature")) or "Réclamation"
        received = as_date(values.get("received_on"))
        when = f" reçue le {received:%d/%m/%Y}" if received else ""
        subject = _text(values.get("subject"))
        row: dict[str, CellValue] = {
            "origin": _ORIGINS.get(nature, "Autre"),
            "finding": f"{nature} {record_id}{when}" + (f" : {subject}" if subject else ""),
            "cause": values.get("cause_analysis"),
            "action": values.get("corrective_action"),
            "owner": values.get("owner"),
        }
        why = "action corrective saisie dans la réclamation"
        title = "registre des réclamations"
    else:
        learner, training = _text(values.get("learner")), _text(values.get("training"))
        reason, detail = _text(values.get("reason")), _text(values.get("reason_detail"))
        finding = f"Abandon validé {record_id}"
        finding += f" : {learner}" if learner else ""
        finding += f" — {training}" if training else ""
        finding += f" ; motif : {reason}" if reason else ""
        finding += f" ({detail})" if detail else ""
        row = {"origin": "Abandon", "finding": finding, "cause": values.get("analysis"),
               "action": f"{TO_DEFINE} d'après l'analyse des causes de l'abandon {record_id}"}
        why = "abandon validé avec son analyse des causes"
        title = "registre des abandons"
    row.update({"opened_on": today, "origin_ids": record_id, "due_on": due,
                "status": ACTIONS.field("status").default,
                "notes": f"Ouverte automatiquement : {why} {record_id}."})
    source = f"{record_id} ({title})"
    return Record(ACTIONS.key, row, fingerprint(register, record_id), source,
                  note=f"action ouverte d'après {record_id} ({why})")


def _text(value: CellValue) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def link_back(office: Office, opened: Sequence[Opening], stored: Sequence[StoredRow], *,
              pending: bool, now: datetime) -> None:
    """Give each origin row its action's id, inside the caller's transaction: the complaint's
    « Mesure d'amélioration liée » (``pending``: the row is not yet in its workbook), a line
    in the abandons register's ``Journal`` sheet for a dropout."""
    by_fingerprint = {o.record.fingerprint: o for o in opened}
    journal = office.journal
    notes: list[ChangeEntry] = []
    for action in stored:
        origin = by_fingerprint.get(action.fingerprint)
        if origin is None:
            continue
        if origin.register == RECLAMATIONS.key:
            cell = {"improvement_ref": action.record_id}
            if not (pending and journal.amend_pending(origin.register, origin.record_id, cell)):
                journal.queue_writeback(origin.register, origin.record_id, "improvement_ref",
                                        action.record_id, reason=OPENED, now=now)
        else:
            notes.append(ChangeEntry(origin.register, origin.record_id, NOTED, "", None,
                                     f"{action.record_id} ouverte d'après l'analyse des "
                                     f"causes", TOOL))
    if notes:
        journal.add_changes(notes, now=now)


def shared_origins(office: Office, register: str,
                   rows: Iterable[tuple[str, Values, Values | None]], *, author: str,
                   now: datetime) -> int:
    """Note, on the actions register, the complaints whose « Mesure d'amélioration liée »
    a person set to existing ACT- ids (rows as ``(id, values, values before)``)."""
    if register != RECLAMATIONS.key:
        return 0
    known = office.journal.taken_ids(ACTIONS.key)
    entries: list[ChangeEntry] = []
    for record_id, values, before in rows:
        ids = action_ids(values.get("improvement_ref"))
        earlier = set(action_ids(before.get("improvement_ref"))) if before else set()
        tool_opened = office.journal.row_by_fingerprint(fingerprint(register, record_id))
        for act in ids:
            if act in earlier or act not in known:
                continue
            if tool_opened is not None and tool_opened.record_id == act:
                continue  # the tool's own link, written back
            entries.append(ChangeEntry(ACTIONS.key, act, LINKED, "origin_ids", None,
                                       record_id, author or TOOL))
    if entries:
        office.journal.add_changes(entries, now=now)
    return len(entries)


def open_actions(office: Office, stored: Sequence[StoredRow], *, now: datetime,
                 floor: Callable[[], int]) -> tuple[StoredRow, ...]:
    """Open the actions the newly recorded rows call for, inside the caller's transaction
    (``floor`` gives the highest ACT- number already in the workbook)."""
    config = office.config
    today = paris_naive(now).date()
    opened: list[Opening] = []
    for register in (RECLAMATIONS.key, ABANDONS.key):
        rows = [(row.record_id, row.values) for row in stored if row.register == register]
        if not rows:
            continue
        opened += openings(register, rows, today=today, settings=config.improvement,
                           calendar=config.deadlines.calendar())
        shared_origins(office, register, ((rid, values, None) for rid, values in rows),
                       author=TOOL, now=now)
    if not opened:
        return ()
    binding = config.binding(ACTIONS.key)
    outcome = office.journal.record(
        [_stamped(o.record, now) for o in opened], scheme=binding.id_scheme, year=now.year,
        floor=floor(), now=now, origin="amélioration continue", sequence=binding.sequence)
    link_back(office, opened, outcome.stored, pending=True, now=now)
    return outcome.stored


def _stamped(record: Record, now: datetime) -> Record:
    values = {**record.values, "imported_at": paris_naive(now), "source": record.source}
    return Record(record.register, values, record.fingerprint, record.source,
                  note=record.note)
