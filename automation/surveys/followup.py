"""Low survey scores followed up: a « Difficulté » in the complaints register, linked both ways.

After-training support asks for an individual contact with each dissatisfied learner. A new
answer calls for
one when its « Note globale » is at most ``[surveys] low_score`` (2 on 5), when its
« Recommandation » is at most ``low_recommendation`` (6 on 10) and its comment has a word of
discontent (:data:`DISCONTENT`), or when its comment has one of the office's own
``comment_rules`` (a keyword at the start of a word, accents and case ignored, or ``re:`` and a
regular expression).

:func:`open_difficulties` runs inside the journal transaction that records the answers
(:func:`automation.pipeline.store.record`): each such answer opens one « Difficulté » —
channel « Enquête de satisfaction », dated the day of the answer, naming the SAT- answer in its
subject and source — and the answer's « Suivi » names the REC- row. The difficulty's
fingerprint is made from the answer's, so however often an export is dropped a difficulty is
opened once. It calls for the letter « suite à votre avis » (to call or write to the person;
not an acknowledgment of a complaint they never made) when the answer names someone, and the
person in charge is reminded of it like of any complaint (:mod:`automation.deadlines`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from automation.clock import paris_naive
from automation.letters.catalog import LetterKind
from automation.mail_config import REGEX_PREFIX
from automation.records import CellValue, Record, StoredRow
from automation.registers.schema import RECLAMATIONS, SATISFACTION
from automation.surveys.config import Surveys
from automation.text import clean_text, fold

if TYPE_CHECKING:
    from automation.pipeline.office import Office

CHANNEL: Final = "Enquête de satisfaction"
NATURE: Final = "Difficulté"
ANONYMOUS: Final = "Répondant anonyme"
# Words of discontent that, with a low recommendation, call for a contact (folded, matched at
# the start of a word).
DISCONTENT: Final = (
    "decu", "decue", "deception", "decevant", "mecontent", "insatisf", "inadmissible",
    "inacceptable", "scandal", "honte", "honteux", "nul", "nulle", "catastroph", "rembours",
    "plainte", "reclamation", "perte de temps", "inutile", "desorganis", "incompetent",
    "pas a la hauteur", "n importe quoi", "plus jamais", "a eviter", "aucun interet",
    "pas prepare", "pas a l ecoute", "disappoint", "waste of time", "useless", "unacceptable",
    "refund", "complaint", "poorly organi", "unprofessional",
)
_STAKEHOLDERS: Final = {"Apprenant": "Apprenant", "Entreprise": "Entreprise",
                        "Formateur": "Formateur", "Financeur": "Financeur"}


def _matches(patterns: Sequence[str], text: str) -> str:
    """The first pattern found in ``text`` (keywords at the start of a word, or ``re:``)."""
    return _matcher(tuple(patterns))(text)


@lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], str]:
    """:func:`_matches` for ``patterns``, each compiled once; one search of all the keywords
    first, since most comments have none."""
    compiled: list[tuple[str, re.Pattern[str], bool]] = []
    for pattern in patterns:
        if pattern.startswith(REGEX_PREFIX):
            compiled.append((pattern, re.compile(pattern[len(REGEX_PREFIX):], re.IGNORECASE),
                             True))
        elif word := fold(pattern):
            compiled.append((pattern, re.compile(rf"(?<![0-9a-z]){re.escape(word)}"), False))
    keywords = [regex.pattern for _, regex, raw in compiled if not raw]
    anyone = re.compile("|".join(keywords)) if keywords else None
    regexes = any(raw for _, _, raw in compiled)

    def first(text: str) -> str:
        folded = fold(text)
        if not regexes and (anyone is None or not anyone.search(folded)):
            return ""
        for pattern, regex, raw in compiled:
            if regex.search(folded) or (raw and regex.search(text)):
                return pattern
        return ""

    return first


def _score(values: Mapping[str, CellValue], key: str) -> int | None:
    value = values.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def reason_for(values: Mapping[str, CellValue], settings: Surveys) -> str:
    """Why this answer calls for a contact (French, for the difficulty's notes); ``""`` when it
    does not."""
    overall, nps = _score(values, "overall"), _score(values, "nps")
    comment = str(values.get("comment") or "")
    if overall is not None and overall <= settings.low_score:
        return f"note globale {overall} sur 5 (au plus {settings.low_score})"
    if nps is not None and nps <= settings.low_recommendation and comment:
        word = _matches(DISCONTENT, comment)
        if word:
            return (f"recommandation {nps} sur 10 (au plus {settings.low_recommendation}) et "
                    f"commentaire de mécontentement (« {word} »)")
    if comment and (rule := _matches(settings.comment_rules, comment)):
        return f"commentaire visé par la règle « {rule} » de l'organisme"
    return ""


def _description(values: Mapping[str, CellValue]) -> str:
    lines: list[str] = []
    for key, out_of in (("overall", 5), ("nps", 10), ("welcome", 5), ("content", 5),
                        ("team", 5), ("means", 5), ("support", 5)):
        score = _score(values, key)
        if score is not None:
            lines.append(f"{SATISFACTION.field(key).header} : {score} sur {out_of}")
    if values.get("applied"):
        lines.append(f"{SATISFACTION.field('applied').header} : {values['applied']}")
    if values.get("comment"):
        lines.append(f"Commentaire : « {values['comment']} »")
    return clean_text("\n".join(lines))


def _day(value: CellValue, fallback: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else fallback


def difficulty_record(answer: StoredRow, reason: str, *, now: datetime) -> Record:
    """The « Difficulté » an answer opens (its fingerprint derives from the answer's)."""
    values = answer.values
    survey = str(values.get("survey") or "")
    training = str(values.get("training") or "")
    ref = str(values.get("session_ref") or "")
    name = str(values.get("name") or values.get("email") or ANONYMOUS)
    about = f"l'enquête {survey.lower()}" if survey else "une enquête de satisfaction"
    source = f"{answer.record_id} (enquête de satisfaction)"
    row: dict[str, CellValue] = {
        "received_on": _day(values.get("answered_on"), paris_naive(now).date()),
        "channel": CHANNEL,
        "stakeholder": _STAKEHOLDERS.get(str(values.get("respondent") or ""), "Apprenant"),
        "name": name,
        "email": values.get("email"),
        "training": f"{training} — session {ref}" if training and ref else training or ref,
        "nature": NATURE,
        "subject": f"Avis défavorable à {about} ({answer.record_id})",
        "description": _description(values),
        "severity": "À qualifier",
        "status": "Nouvelle",
        "notes": f"Ouverte automatiquement : {reason}.",
        "source": source,
        "imported_at": paris_naive(now),
    }
    fingerprint = hashlib.sha256(f"difficulty|{answer.fingerprint}".encode()).hexdigest()
    return Record(RECLAMATIONS.key, row, fingerprint, source,
                  note=f"difficulté ouverte par la réponse {answer.record_id} ({reason})")


def follow_up_text(record_id: str) -> str:
    return f"{record_id} : difficulté ouverte (contact individuel à prendre)"


def open_difficulties(office: Office, stored: Sequence[StoredRow], *, now: datetime,
                      floor: Callable[[], int]) -> tuple[StoredRow, ...]:
    """Open the difficulties the new answers in ``stored`` call for; inside the caller's
    transaction. ``floor`` gives the highest REC- number already in the workbook."""
    settings = office.config.surveys
    answers = [(row, reason) for row in stored if row.register == SATISFACTION.key
               and (reason := reason_for(row.values, settings))]
    if not answers:
        return ()
    records = [difficulty_record(row, reason, now=now) for row, reason in answers]
    by_fingerprint = {record.fingerprint: row for record, (row, _) in zip(records, answers,
                                                                           strict=True)}
    complaints = office.config.binding(RECLAMATIONS.key)
    outcome = office.journal.record(records, scheme=complaints.id_scheme, year=now.year,
                                    floor=floor(), now=now, origin="enquête de satisfaction",
                                    sequence=complaints.sequence)
    for difficulty in outcome.stored:
        answer = by_fingerprint[difficulty.fingerprint]
        kept = str(answer.values.get("follow_up") or "")
        text = follow_up_text(difficulty.record_id)
        office.journal.fill_pending(SATISFACTION.key, answer.record_id,
                                    {"follow_up": f"{kept} ; {text}" if kept else text})
        if answer.values.get("name") or answer.values.get("email"):
            office.journal.queue_letter(RECLAMATIONS.key, difficulty.record_id,
                                        LetterKind.SURVEY_FOLLOW_UP.value, now=now,
                                        recipient_key="name")
    return outcome.stored
