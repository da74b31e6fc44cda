"""Complete cases for the auditor: a complaint from receipt to answer, a dropout's sequence.

Cases are chosen among the period's rows that have letters, the most complete first: a
complaint whose acknowledgment and answer were sent, closed, linked to an action; a dropout
with most of its steps' letters sent. Each case shows the row's dates step by step as the
register holds them, and its letters as they are in ``outbox/`` (their text, read back from the
.docx), each with whether and when it was sent and how — a letter prepared and never sent says
so. Nothing is filled in that the register or the journal does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from docx import Document

from automation.audit.gather import AuditData, Values
from automation.deadlines.rules import as_date, filled, is_value
from automation.improvement.opening import action_ids
from automation.letters.catalog import LetterKind
from automation.pipeline.sent import SENT_FOLDER
from automation.registers.journal import LetterJob, LetterStatus
from automation.text import one_line

MAX_LINES: Final = 60  # lines of a letter's text reproduced in the document


@dataclass(frozen=True)
class CaseLetter:
    heading: str
    state: str  # French: prepared when, sent when and how — or not sent
    text: str  # the letter as written, "" when its file is gone
    files: tuple[Path, ...]  # the .docx (and its PDF) as kept in outbox/


@dataclass(frozen=True)
class CaseStep:
    day: str
    what: str


@dataclass(frozen=True)
class Case:
    register: str
    record_id: str
    title: str
    facts: str
    steps: tuple[CaseStep, ...]
    letters: tuple[CaseLetter, ...]


def _day(value: object) -> date | None:
    return as_date(value)


def _fmt(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def letter_files(data: AuditData, job: LetterJob) -> tuple[Path, ...]:
    """The letter's .docx as kept (in outbox/, or filed in outbox/envoyés/) and its PDF."""
    if not job.path:
        return ()
    written = Path(job.path)
    outbox = data.office.config.outbox_dir
    found: list[Path] = []
    for folder in (written.parent, outbox, outbox / SENT_FOLDER):
        for suffix in (".docx", ".pdf"):
            candidate = folder / f"{written.stem}{suffix}"
            if candidate.is_file() and all(c.name != candidate.name for c in found):
                found.append(candidate)
    return tuple(found)


def letter_state(job: LetterJob) -> str:
    prepared = job.prepared_at[:10]
    made = f"préparé le {date.fromisoformat(prepared):%d/%m/%Y}" if prepared else "préparé"
    if job.status is LetterStatus.SENT and job.sent_day is not None:
        how = f" — {job.sent_how}" if job.sent_how else ""
        return f"{made}, envoyé le {job.sent_day:%d/%m/%Y}{how}"
    if job.status is LetterStatus.DONE:
        return f"{made}, pas encore envoyé"
    if job.status is LetterStatus.FAILED:
        return f"non produit : {job.error}"
    return "à produire"


def letter_text(path: Path) -> str:
    """The letter's paragraphs as text, one a line."""
    document = Document(str(path))
    lines = [" ".join(p.text.split()) for p in document.paragraphs]
    kept = [line for line in lines if line][:MAX_LINES]
    return "\n".join(kept)


def _letter(data: AuditData, job: LetterJob) -> CaseLetter:
    try:
        heading = LetterKind(job.kind).heading
    except ValueError:
        heading = job.kind
    files = letter_files(data, job)
    docx = next((f for f in files if f.suffix == ".docx"), None)
    state = letter_state(job)
    if docx is None and job.status in (LetterStatus.DONE, LetterStatus.SENT):
        state += " ; le fichier n'est plus dans outbox/"
    return CaseLetter(heading, state, letter_text(docx) if docx else "", files)


def _complaint_score(data: AuditData, record_id: str, values: Values) -> int:
    jobs = {j.kind: j for j in data.letters.get(record_id, ())}
    score = 0
    for kind in (LetterKind.ACKNOWLEDGMENT, LetterKind.COMPLAINT_RESPONSE):
        job = jobs.get(kind.value)
        if job is not None:
            score += 3 if job.status is LetterStatus.SENT else 1
    score += filled(values.get("closed_on")) + bool(action_ids(values.get("improvement_ref")))
    return score


def _dropout_score(data: AuditData, record_id: str, values: Values) -> int:
    jobs = data.letters.get(record_id, ())
    return (sum(3 if j.status is LetterStatus.SENT else 1 for j in jobs)
            + is_value(values, "decision", "Abandon validé") + filled(values.get("analysis")))


def _best(data: AuditData, key: str, count: int) -> list[tuple[str, Values]]:
    score = _complaint_score if key == "reclamations" else _dropout_score
    rows = [(rid, v) for rid, v in data.register(key).in_period if data.letters.get(rid)]
    if key == "reclamations":
        rows = [(rid, v) for rid, v in rows if not is_value(v, "nature", "Demande d'information")]
    ranked = sorted(rows, key=lambda r: (score(data, r[0], r[1]), r[0]), reverse=True)
    return ranked[:count]


def choose_cases(data: AuditData) -> tuple[list[Case], list[Case]]:
    """(complaint cases, dropout cases), ``[audit] cases`` in all."""
    wanted = data.office.config.audit.cases
    dropouts = _best(data, "abandons", max(1, wanted // 3))
    complaints = _best(data, "reclamations", wanted - len(dropouts))
    if len(complaints) + len(dropouts) < wanted:
        dropouts = _best(data, "abandons", wanted - len(complaints))
    return ([_complaint_case(data, rid, v) for rid, v in complaints],
            [_dropout_case(data, rid, v) for rid, v in dropouts])


def _steps(*pairs: tuple[object, str]) -> tuple[CaseStep, ...]:
    steps = [CaseStep(_fmt(_day(value)), what) for value, what in pairs
             if _day(value) is not None]
    return tuple(steps)


def _letters(data: AuditData, record_id: str) -> tuple[CaseLetter, ...]:
    jobs = sorted(data.letters.get(record_id, ()), key=lambda j: (j.prepared_at, j.kind))
    return tuple(_letter(data, job) for job in jobs)


def _say(values: Values, key: str, label: str) -> str:
    value = values.get(key)
    if value in (None, ""):
        return ""
    text = one_line(str(value))
    return f"{label} : {text}" + ("" if text.endswith((".", "!", "?", "…")) else ".")


def _complaint_case(data: AuditData, record_id: str, values: Values) -> Case:
    nature = str(values.get("nature") or "Réclamation")
    title = f"{nature} — {one_line(str(values.get('subject') or ''))}"
    facts = " ".join(p for p in (
        _say(values, "channel", "Canal"), _say(values, "stakeholder", "Partie prenante"),
        _say(values, "training", "Formation"), _say(values, "description", "Description"),
        _say(values, "cause_analysis", "Analyse des causes"),
        _say(values, "corrective_action", "Action corrective"),
        _say(values, "response", "Réponse apportée"),
        _say(values, "resolution_check", "Vérification auprès du déclarant"),
        _say(values, "improvement_ref", "Mesure d'amélioration liée"),
        _say(values, "status", "Statut")) if p)
    steps = _steps((values.get("received_on"), "Réception"),
                   (values.get("acknowledged_on"), "Accusé de réception envoyé"),
                   (values.get("responded_on"), "Réponse envoyée"),
                   (values.get("closed_on"), "Clôture"))
    return Case("reclamations", record_id, title, facts, steps, _letters(data, record_id))


def _dropout_case(data: AuditData, record_id: str, values: Values) -> Case:
    learner = one_line(str(values.get("learner") or ""))
    title = f"Abandon — {learner}, {one_line(str(values.get('training') or ''))}"
    facts = " ".join(p for p in (
        _say(values, "prescriber", "Prescripteur"), _say(values, "reason", "Motif"),
        _say(values, "reason_detail", "Précision"),
        _say(values, "analysis", "Analyse des causes"),
        _say(values, "proposal", "Solution proposée"), _say(values, "decision", "Décision"))
        if p)
    actions = [rid for rid, v in data.register("actions").rows
               if record_id in str(v.get("origin_ids") or "")]
    if actions:
        facts += f" Action d'amélioration ouverte : {', '.join(actions)}."
    steps = _steps((values.get("absence_noted_on"), "1. Absence constatée"),
                   (values.get("prescriber_informed_on"), "1. Prescripteur informé"),
                   (values.get("reasons_requested_on"), "2. Motifs demandés"),
                   (values.get("reminder_on"), "6. Relance avec une alternative"),
                   (values.get("decided_on"), f"7. Décision : {values.get('decision') or ''}"),
                   (values.get("attestation_sent_on"), "8. Attestation envoyée"),
                   (values.get("attestation_signed_on"), "8. Attestation signée reçue"))
    return Case("abandons", record_id, title, facts, steps, _letters(data, record_id))


def case_files(cases: Sequence[Case]) -> list[tuple[str, Path, str]]:
    """(name in the .zip, file, what it proves) for every letter of the cases."""
    files: list[tuple[str, Path, str]] = []
    for case in cases:
        for letter in case.letters:
            for path in letter.files:
                files.append((f"courriers/{case.record_id}/{path.name}", path,
                              f"{letter.heading} de {case.record_id} ({letter.state})"))
    return files
