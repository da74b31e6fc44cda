"""The default letters: their template files, registers and French labels; and what
sending one means for its register row (the date it fills, the status it moves to)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from automation.records import CellValue
from automation.registers.schema import REGISTERS_BY_KEY
from automation.text import fold


@dataclass(frozen=True)
class LetterSpec:
    register: str  # the register whose row the letter answers
    label: str  # short French label, used in file names
    heading: str  # French title, shown as the document title in Word


class LetterKind(StrEnum):
    """A default letter; the value is the template's file stem in ``templates/``."""

    ACKNOWLEDGMENT = "accuse-reception-reclamation"
    COMPLAINT_RESPONSE = "reponse-reclamation"
    CANCELLATION_NOTICE = "information-annulation"
    POSTPONEMENT_NOTICE = "information-report"
    PRESCRIBER_ABSENCE = "information-prescripteur-absence"
    DROPOUT_REASONS = "demande-motifs-abandon"
    ALTERNATIVE_PROPOSAL = "proposition-alternative"
    DROPOUT_ATTESTATION = "attestation-abandon"
    SURVEY_FOLLOW_UP = "suite-a-votre-avis"

    @property
    def template(self) -> str:
        """The template's file name: ``accuse-reception-reclamation.docx``."""
        return f"{self.value}.docx"

    @property
    def register(self) -> str:
        return SPECS[self].register

    @property
    def label(self) -> str:
        """Short French label: ``accusé de réception``."""
        return SPECS[self].label

    @property
    def heading(self) -> str:
        """French title: ``Accusé de réception de réclamation``."""
        return SPECS[self].heading


SPECS: Final[dict[LetterKind, LetterSpec]] = {
    LetterKind.ACKNOWLEDGMENT: LetterSpec(
        "reclamations", "accusé de réception", "Accusé de réception de réclamation"),
    LetterKind.COMPLAINT_RESPONSE: LetterSpec(
        "reclamations", "réponse à réclamation", "Réponse à réclamation"),
    LetterKind.CANCELLATION_NOTICE: LetterSpec(
        "annulations", "information annulation", "Information des participants d'une annulation"),
    LetterKind.POSTPONEMENT_NOTICE: LetterSpec(
        "annulations", "information report", "Information des participants d'un report"),
    LetterKind.PRESCRIBER_ABSENCE: LetterSpec(
        "abandons", "information prescripteur", "Information du prescripteur d'une absence"),
    LetterKind.DROPOUT_REASONS: LetterSpec(
        "abandons", "demande de motifs", "Demande des motifs d'abandon"),
    LetterKind.ALTERNATIVE_PROPOSAL: LetterSpec(
        "abandons", "proposition d'alternative", "Proposition d'alternative"),
    LetterKind.DROPOUT_ATTESTATION: LetterSpec(
        "abandons", "attestation d'abandon", "Attestation d'abandon de formation"),
    # A low survey score: the difficulty it opened, to call or write to the respondent.
    LetterKind.SURVEY_FOLLOW_UP: LetterSpec(
        "reclamations", "suite a votre avis", "Suite à votre avis"),
}


class SentHow(StrEnum):
    """How a letter left the office; kept in the journal, shown by ``automation letters``."""

    SMTP = "courriel envoyé par l'outil (SMTP)"
    GRAPH = "courriel envoyé par l'outil (Microsoft 365)"
    EWS = "courriel envoyé par l'outil (Exchange)"
    MAILBOX = "brouillon envoyé depuis la messagerie"
    FILED = "classé dans outbox/envoyés"
    DECLARED = "déclaré envoyé (automation letters sent)"

    @classmethod
    def by_source(cls, source: str) -> SentHow:
        """How a reply sent through the mailbox backend ``source`` ("imap", "graph", …) left."""
        return {"graph": cls.GRAPH, "exchange": cls.EWS}.get(source, cls.SMTP)


# Register → the status a row reaches once a letter of that kind is sent.
_SENT_STATUS: Final[dict[str, dict[LetterKind, str]]] = {
    "reclamations": {LetterKind.ACKNOWLEDGMENT: "Accusé envoyé"},
    "annulations": {LetterKind.CANCELLATION_NOTICE: "Participants informés",
                    LetterKind.POSTPONEMENT_NOTICE: "Reprogrammée",
                    LetterKind.ALTERNATIVE_PROPOSAL: "Participants informés"},
}
RESCHEDULED: Final = "Reprogrammée"


def status_when_sent(register: str, kind: LetterKind,
                     values: Mapping[str, CellValue]) -> str:
    """The status the row takes once ``kind`` is sent ("" = the letter moves no status).

    A learner's postponement with its new date is « Reprogrammée » once answered. The answer
    to a complaint moves nothing: a person set « Résolue » to ask for it.
    """
    status = _SENT_STATUS.get(register, {}).get(kind, "")
    if (kind is LetterKind.ALTERNATIVE_PROPOSAL and status
            and fold(str(values.get("kind") or "")) == fold("Report")
            and str(values.get("new_start") or "").strip()):
        return RESCHEDULED
    return status


def replaceable_statuses(register: str, status: str) -> tuple[str, ...]:
    """The statuses ``status`` may replace: those before it in the register's list, which is
    in the order of the procedure (never one a person set later in the flow)."""
    schema = REGISTERS_BY_KEY.get(register)
    if schema is None or not schema.has(schema.status_key):
        return ()
    choices = schema.field(schema.status_key).choices
    folded = [fold(choice) for choice in choices]
    if fold(status) not in folded:
        return ()
    return choices[:folded.index(fold(status))]
