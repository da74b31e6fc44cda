"""The default letters: their template files, registers and French labels."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


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
