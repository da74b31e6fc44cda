"""The columns of the five default registers and of the sessions planning (PRODUCT.md).

Field keys are English; headers and enumeration values are the French words people read in
Excel. Synonyms are other headers an office is likely to use for the same column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class Kind(StrEnum):
    """How a field's value is read, validated and written."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    EMAIL = "email"
    SCORE = "score"  # an integer within ``bounds``
    NUMBER = "number"
    ID = "id"


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None
    width: int = 16
    default: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every header that designates this field (its own first)."""
        return (self.header, self.key, *self.synonyms)


@dataclass(frozen=True)
class RegisterSchema:
    key: str  # file stem and inbox sub-folder: "reclamations"
    title: str  # French title shown in the workbook
    prefix: str  # id prefix: "REC"
    reference: str  # controlled-document reference
    sheet: str
    fields: tuple[Field, ...]
    status_key: str = "status"
    person_key: str = "name"  # the field naming the person a letter is addressed to
    _by_key: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {f.key: f for f in self.fields})

    def field(self, key: str) -> Field:
        return self._by_key[key]

    def has(self, key: str) -> bool:
        return key in self._by_key

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)


ID_HEADER: Final = "N°"
# Columns every register ends with: where the row came from, when, and what did not fit.
_NOTES_SYNONYMS: Final = ("Observations", "Notes", "Commentaires internes")


def _tail(*postal: Field, notes: tuple[str, ...] = ()) -> tuple[Field, ...]:
    """Columns every register ends with: what did not fit (``notes``: more names of that
    column in that register), postal addresses (for letters; not printed), where the row came
    from and when."""
    return (
        Field("notes", "Autres informations", Kind.LONG_TEXT, width=30,
              synonyms=(*_NOTES_SYNONYMS, *notes)),
        *postal,
        Field("source", "Source", width=28),
        Field("imported_at", "Importé le", Kind.DATETIME, width=17),
    )


# Where « Remarques » names no other column, it is the notes column.
OFFICE_NOTES: Final = ("Remarques",)


def _address(*synonyms: str) -> Field:
    return Field("address", "Adresse postale", Kind.LONG_TEXT, width=30,
                 synonyms=("Adresse", "Adresse complète", "Adresse de correspondance",
                           *synonyms))


PRESCRIBER_ADDRESS: Final = Field(
    "prescriber_address", "Adresse du prescripteur", Kind.LONG_TEXT, width=30,
    synonyms=("Adresse postale du prescripteur", "Adresse du financeur"))


def _id(prefix: str) -> Field:
    return Field("id", ID_HEADER, Kind.ID, width=15,
                 synonyms=("Numéro", "Identifiant", "Id", "Réf.", "Référence", "N° " + prefix))


YES_NO: Final = ("Oui", "Non")
SCALE_5: Final = (1, 5)

RECLAMATIONS: Final = RegisterSchema(
    key="reclamations",
    title="Registre des réclamations, difficultés et aléas",
    prefix="REC",
    reference="ENR-QUA-31",
    sheet="Réclamations",
    fields=(
        _id("REC"),
        Field("received_on", "Date de réception", Kind.DATE, required=True, width=13,
              synonyms=("Reçu le", "Reçue le", "Date", "Date de la réclamation",
                        "Date réception", "Date de signalement", "Date d'arrivée")),
        Field("channel", "Canal", Kind.ENUM, required=True, width=14,
              choices=("Email", "Courrier", "Téléphone", "Formulaire",
                       "Enquête de satisfaction", "Oral", "Autre"),
              synonyms=("Canal de réception", "Moyen", "Mode de réception", "Via")),
        Field("stakeholder", "Partie prenante", Kind.ENUM, required=True, width=14,
              choices=("Apprenant", "Entreprise", "Formateur", "Financeur", "Partenaire", "Autre"),
              synonyms=("Type de déclarant", "Émetteur", "Qualité", "Origine", "Type")),
        Field("name", "Nom du déclarant", required=True, width=22,
              synonyms=("Nom", "Déclarant", "Nom prénom", "Prénom nom", "Client", "Plaignant",
                        "Nom et prénom", "Auteur")),
        Field("email", "Email", Kind.EMAIL, width=26,
              synonyms=("E-mail", "Courriel", "Mail", "Adresse mail", "Adresse e-mail")),
        Field("training", "Formation / session", width=24,
              synonyms=("Formation", "Session", "Action de formation", "Intitulé de la formation",
                        "Stage")),
        Field("nature", "Nature", Kind.ENUM, required=True, width=14,
              choices=("Réclamation", "Difficulté", "Aléa", "Demande d'information"),
              synonyms=("Type de demande", "Nature de la demande", "Type d'évènement")),
        Field("category", "Catégorie", Kind.ENUM, width=16,
              choices=("Pédagogique", "Administrative", "Logistique", "Technique", "Financière",
                       "Accessibilité / handicap", "Autre"),
              synonyms=("Domaine", "Thème", "Catégorie de réclamation")),
        Field("subject", "Objet", required=True, width=30,
              synonyms=("Sujet", "Motif", "Intitulé", "Objet de la réclamation", "Résumé")),
        Field("description", "Description", Kind.LONG_TEXT, width=40,
              synonyms=("Détail", "Détails", "Contenu", "Message", "Description de la réclamation",
                        "Verbatim")),
        Field("severity", "Gravité", Kind.ENUM, width=12, default="À qualifier",
              choices=("À qualifier", "Mineure", "Majeure", "Critique"),
              synonyms=("Criticité", "Niveau de gravité", "Priorité")),
        Field("status", "Statut", Kind.ENUM, width=14, default="Nouvelle",
              choices=("Nouvelle", "À compléter", "Accusé envoyé", "En cours", "Escaladée",
                       "Résolue", "Close", "Sans suite"),
              synonyms=("État", "Etat", "Avancement")),
        Field("acknowledged_on", "Date d'accusé de réception", Kind.DATE, width=13,
              synonyms=("Accusé de réception le", "Date AR", "AR envoyé le")),
        Field("owner", "Responsable", width=18,
              synonyms=("Pilote", "Suivi par", "Traité par", "Chargé de suivi")),
        Field("cause_analysis", "Analyse des causes", Kind.LONG_TEXT, width=30,
              synonyms=("Analyse", "Causes")),
        Field("corrective_action", "Action corrective / d'amélioration", Kind.LONG_TEXT, width=30,
              synonyms=("Action corrective", "Action d'amélioration", "Actions mises en œuvre",
                        "Actions correctives")),
        Field("response", "Réponse apportée", Kind.LONG_TEXT, width=30,
              synonyms=("Réponse", "Solution apportée", "Traitement")),
        Field("responded_on", "Date de réponse", Kind.DATE, width=13,
              synonyms=("Répondu le", "Date réponse")),
        Field("mediation", "Médiation proposée", Kind.ENUM, width=12, choices=YES_NO,
              synonyms=("Médiation",)),
        Field("closed_on", "Date de clôture", Kind.DATE, width=13,
              synonyms=("Clôturé le", "Clôturée le", "Date clôture")),
        Field("resolution_check", "Vérification auprès du déclarant", Kind.LONG_TEXT, width=24,
              synonyms=("Vérification", "Satisfaction du déclarant")),
        Field("improvement_ref", "Mesure d'amélioration liée", width=18,
              synonyms=("Amélioration liée", "Réf. amélioration", "Indicateur 32")),
        *_tail(_address("Adresse du déclarant"), notes=OFFICE_NOTES),
    ),
)

ANNULATIONS: Final = RegisterSchema(
    key="annulations",
    title="Registre des annulations et reports",
    prefix="ANN",
    reference="ENR-QUA-ANN",
    sheet="Annulations",
    person_key="person",
    fields=(
        _id("ANN"),
        Field("requested_on", "Date de la demande", Kind.DATETIME, required=True, width=17,
              synonyms=("Demandé le", "Demande reçue le", "Date", "Reçu le", "Date d'annulation")),
        Field("session_ref", "Réf. session", width=14,
              synonyms=("Référence session", "Session", "N° session", "Code session")),
        Field("training", "Formation", required=True, width=24,
              synonyms=("Intitulé de la formation", "Action de formation", "Stage", "Module")),
        Field("session_start", "Début de la session", Kind.DATETIME, required=True, width=17,
              synonyms=("Date de la session", "Date de début", "Début", "Date session",
                        "Séance du", "Date et heure de la séance")),
        Field("session_hours", "Durée (h)", Kind.NUMBER, width=9,
              synonyms=("Durée", "Nombre d'heures", "Heures")),
        Field("initiator", "À l'initiative de", Kind.ENUM, required=True, width=16,
              choices=("Apprenant", "Formateur", "Organisme", "Entreprise / financeur"),
              synonyms=("Initiative", "Demandeur", "Annulé par", "Origine")),
        Field("person", "Nom", width=22,
              synonyms=("Apprenant", "Stagiaire", "Nom du stagiaire", "Participant", "Nom prénom")),
        Field("email", "Email", Kind.EMAIL, width=26,
              synonyms=("E-mail", "Courriel", "Mail", "Adresse mail")),
        Field("kind", "Type", Kind.ENUM, required=True, width=12, choices=("Annulation", "Report"),
              synonyms=("Nature", "Annulation / report", "Type de demande")),
        Field("motive", "Motif", Kind.ENUM, width=22,
              choices=("Annulation plus de 24 h avant", "Annulation moins de 24 h avant", "Absence",
                       "Formateur indisponible", "Effectif insuffisant", "Force majeure", "Autre"),
              synonyms=("Motif d'annulation", "Raison", "Cause")),
        Field("motive_detail", "Précision", Kind.LONG_TEXT, width=26,
              synonyms=("Précisions", "Détail du motif", "Commentaire")),
        Field("recoverable", "Rattrapable", Kind.ENUM, width=11, choices=YES_NO,
              synonyms=("Récupérable", "À rattraper")),
        Field("billable", "Facturable", Kind.ENUM, width=11, choices=YES_NO,
              synonyms=("Facturée", "À facturer")),
        Field("new_start", "Nouvelle date", Kind.DATETIME, width=17,
              synonyms=("Reportée au", "Date de report", "Nouvelle date de session")),
        Field("alternative", "Solution proposée", Kind.ENUM, width=16,
              choices=("Report", "Distanciel", "Autre session", "Remboursement", "Avoir", "Aucune"),
              synonyms=("Alternative", "Alternative proposée", "Solution")),
        Field("participants_informed_on", "Participants informés le", Kind.DATE, width=13,
              synonyms=("Information des participants", "Participants prévenus le")),
        Field("status", "Statut", Kind.ENUM, width=16, default="Enregistrée",
              choices=("Enregistrée", "Participants informés", "Reprogrammée", "Close"),
              synonyms=("État", "Etat")),
        *_tail(_address("Adresse du stagiaire"), notes=OFFICE_NOTES),
    ),
)

ABANDONS: Final = RegisterSchema(
    key="abandons",
    title="Registre des abandons de formation",
    prefix="ABD",
    reference="ENR-QUA-ABD",
    sheet="Abandons",
    status_key="decision",
    person_key="learner",
    fields=(
        _id("ABD"),
        Field("learner", "Apprenant", required=True, width=22,
              synonyms=("Stagiaire", "Bénéficiaire", "Nom", "Nom du stagiaire", "Participant",
                        "Nom prénom")),
        Field("email", "Email", Kind.EMAIL, width=26,
              synonyms=("E-mail", "Courriel", "Mail", "Email du stagiaire")),
        Field("training", "Formation", required=True, width=24,
              synonyms=("Intitulé de la formation", "Action de formation", "Session", "Stage")),
        Field("start", "Début", Kind.DATE, width=12,
              synonyms=("Date de début", "Du", "Début de formation")),
        Field("end", "Fin", Kind.DATE, width=12,
              synonyms=("Date de fin", "Au", "Fin de formation")),
        Field("hours_planned", "Heures prévues", Kind.NUMBER, width=10,
              synonyms=("Durée prévue", "Nombre d'heures prévues", "Heures programmées")),
        Field("hours_done", "Heures réalisées", Kind.NUMBER, width=10,
              synonyms=("Heures effectuées", "Durée réalisée", "Heures suivies")),
        Field("prescriber", "Prescripteur / financeur", width=20,
              synonyms=("Prescripteur", "Financeur", "OPCO", "Conseiller")),
        Field("prescriber_email", "Email du prescripteur", Kind.EMAIL, width=26,
              synonyms=("Email prescripteur", "Courriel du prescripteur", "Mail prescripteur")),
        Field("absence_noted_on", "Absence constatée le", Kind.DATE, required=True, width=13,
              synonyms=("Date d'absence", "Absent depuis", "Date de constat", "Absence le",
                        "Dernière présence", "Date")),
        Field("prescriber_informed_on", "Prescripteur informé le", Kind.DATE, width=13),
        Field("reasons_requested_on", "Motifs demandés le", Kind.DATE, width=13),
        Field("reason", "Motif", Kind.ENUM, width=20,
              choices=("Manque de temps", "Manque de motivation pour la thématique",
                       "Caractère obligatoire de la formation", "Autre"),
              synonyms=("Motif d'abandon", "Raison", "Cause")),
        Field("reason_detail", "Précision", Kind.LONG_TEXT, width=24,
              synonyms=("Précisions", "Autre motif")),
        Field("analysis", "Analyse des causes", Kind.LONG_TEXT, width=26, synonyms=("Analyse",)),
        Field("proposal", "Solution proposée", Kind.LONG_TEXT, width=26,
              synonyms=("Alternative proposée", "Proposition")),
        Field("reminder_on", "Relance le", Kind.DATE, width=13, synonyms=("Date de relance",)),
        Field("decision", "Décision", Kind.ENUM, width=15, default="En cours",
              choices=("En cours", "Abandon validé", "Abandon invalidé"),
              synonyms=("Statut", "Validation")),
        Field("decided_on", "Décidé le", Kind.DATE, width=13, synonyms=("Date de décision",)),
        Field("attestation_sent_on", "Attestation envoyée le", Kind.DATE, width=13),
        Field("attestation_signed_on", "Attestation signée reçue le", Kind.DATE, width=13),
        *_tail(_address("Adresse du stagiaire"), PRESCRIBER_ADDRESS, notes=OFFICE_NOTES),
    ),
)

SATISFACTION: Final = RegisterSchema(
    key="satisfaction",
    title="Registre des enquêtes de satisfaction",
    prefix="SAT",
    reference="ENR-QUA-30",
    sheet="Satisfaction",
    status_key="",
    fields=(
        _id("SAT"),
        Field("answered_on", "Date de réponse", Kind.DATE, required=True, width=13,
              synonyms=("Répondu le", "Date", "Horodateur", "Horodatage", "Date de soumission",
                        "Soumis le", "Date de l'enquête")),
        Field("survey", "Enquête", Kind.ENUM, required=True, width=11,
              choices=("À chaud", "À froid"),
              synonyms=("Type d'enquête", "Questionnaire", "Type")),
        Field("respondent", "Répondant", Kind.ENUM, width=12,
              choices=("Apprenant", "Entreprise", "Formateur", "Financeur"),
              synonyms=("Profil", "Vous êtes", "Type de répondant")),
        Field("name", "Nom", width=20, synonyms=("Nom prénom", "Stagiaire", "Participant")),
        Field("email", "Email", Kind.EMAIL, width=26,
              synonyms=("E-mail", "Courriel", "Mail", "Adresse e-mail", "Adresse mail")),
        Field("training", "Formation", required=True, width=24,
              synonyms=("Intitulé de la formation", "Action de formation", "Stage", "Module")),
        Field("session_ref", "Réf. session", width=14,
              synonyms=("Session", "Référence session", "N° session", "Code session")),
        Field("overall", "Note globale", Kind.SCORE, required=True, bounds=SCALE_5, width=9,
              synonyms=("Satisfaction globale", "Note", "Appréciation globale",
                        "Note globale (1-5)", "Satisfaction")),
        Field("nps", "Recommandation", Kind.SCORE, bounds=(0, 10), width=16,
              synonyms=("NPS", "Recommanderiez-vous", "Note de recommandation",
                        "Recommandation (0-10)")),
        Field("welcome", "Accueil", Kind.SCORE, bounds=SCALE_5, width=9),
        Field("content", "Contenu", Kind.SCORE, bounds=SCALE_5, width=9,
              synonyms=("Contenu de la formation",)),
        Field("team", "Équipe pédagogique", Kind.SCORE, bounds=SCALE_5, width=12,
              synonyms=("Formateur", "Formateurs", "Intervenant")),
        Field("means", "Moyens", Kind.SCORE, bounds=SCALE_5, width=9,
              synonyms=("Moyens techniques", "Moyens pédagogiques", "Supports")),
        Field("support", "Accompagnement", Kind.SCORE, bounds=SCALE_5, width=16,
              synonyms=("Accompagnement pédagogique",)),
        Field("applied", "Compétences appliquées", Kind.ENUM, width=14,
              choices=("Oui", "Partiellement", "Non"),
              synonyms=("Mise en pratique", "Compétences mises en œuvre")),
        Field("comment", "Commentaire", Kind.LONG_TEXT, width=36,
              synonyms=("Commentaires", "Remarques", "Suggestions", "Verbatim",
                        "Avez-vous des commentaires")),
        Field("follow_up", "Suivi", Kind.LONG_TEXT, width=20, synonyms=("Suite donnée",)),
        *_tail(),  # « Remarques » is a comment there
    ),
)

ACTION_ORIGINS: Final = ("Réclamation", "Difficulté", "Enquête de satisfaction", "Abandon",
                         "Analyse des risques", "Audit", "Veille", "Autre")
ACTION_STATUSES: Final = ("Ouverte", "En cours", "Réalisée", "Efficace", "Non efficace",
                          "Abandonnée")

# Indicator 32: the improvement measures, their origins and their follow-up. The risk analysis
# the 2026 referential adds is a second sheet of the same workbook (automation.registers.risks).
ACTIONS: Final = RegisterSchema(
    key="actions",
    title="Registre des actions d'amélioration",
    prefix="ACT",
    reference="ENR-QUA-32",
    sheet="Actions",
    fields=(
        _id("ACT"),
        Field("opened_on", "Date d'ouverture", Kind.DATE, required=True, width=13,
              synonyms=("Ouverte le", "Date de création", "Créée le", "Date d'ouverture de "
                        "l'action")),
        Field("origin", "Origine", Kind.ENUM, required=True, width=16, choices=ACTION_ORIGINS,
              synonyms=("Origine de l'action", "Provenance", "Source de l'action")),
        Field("origin_ids", "Références d'origine", width=18,
              synonyms=("Réf. origine", "Références", "N° d'origine", "Réclamation liée")),
        Field("finding", "Constat", Kind.LONG_TEXT, width=30,
              synonyms=("Constat / dysfonctionnement", "Dysfonctionnement", "Problème",
                        "Écart", "Description du constat")),
        Field("cause", "Cause", Kind.LONG_TEXT, width=26,
              synonyms=("Causes", "Analyse des causes", "Cause identifiée")),
        Field("action", "Action", Kind.LONG_TEXT, required=True, width=32,
              synonyms=("Action d'amélioration", "Mesure", "Mesure d'amélioration",
                        "Action à mener", "Action décidée", "Description de l'action")),
        Field("owner", "Responsable", width=18,
              synonyms=("Pilote", "Porteur", "Suivi par", "Chargé de l'action")),
        Field("due_on", "Échéance", Kind.DATE, width=13,
              synonyms=("Date prévue", "Délai", "Date d'échéance", "À réaliser pour le")),
        Field("status", "Statut", Kind.ENUM, width=14, default="Ouverte",
              choices=ACTION_STATUSES, synonyms=("État", "Etat", "Avancement")),
        Field("done_on", "Réalisée le", Kind.DATE, width=13,
              synonyms=("Date de réalisation", "Réalisé le", "Date de clôture")),
        Field("check_on", "Vérification d'efficacité le", Kind.DATE, width=13,
              synonyms=("Date de vérification", "Efficacité vérifiée le",
                        "Date de mesure d'efficacité")),
        Field("check_how", "Modalité de vérification", Kind.LONG_TEXT, width=24,
              synonyms=("Comment vérifier", "Critère d'efficacité", "Indicateur de suivi",
                        "Moyen de vérification")),
        Field("check_result", "Résultat de la vérification", Kind.LONG_TEXT, width=24,
              synonyms=("Résultat", "Efficacité", "Mesure d'efficacité")),
        *_tail(notes=OFFICE_NOTES),
    ),
)

# The office's sessions planning: kept by the office, read by the tool, never written by it
# (no id, no journal columns). One row per participant; the session's columns may be left
# blank under its first participant.
SESSIONS: Final = RegisterSchema(
    key="sessions",
    title="Planning des sessions",
    prefix="SES",
    reference="PLANNING",
    sheet="Sessions",
    status_key="",
    person_key="learner",
    fields=(
        Field("session_ref", "Réf. session", required=True, width=14,
              synonyms=("Référence session", "Session", "N° session", "Code session", "Réf.",
                        "Référence", "Code")),
        Field("training", "Formation", required=True, width=24,
              synonyms=("Intitulé de la formation", "Action de formation", "Stage", "Module",
                        "Intitulé")),
        Field("start", "Début", Kind.DATETIME, required=True, width=17,
              synonyms=("Date de début", "Date et heure de début", "Début de la session",
                        "Date", "Du", "Le")),
        Field("end", "Fin", Kind.DATETIME, width=17,
              synonyms=("Date de fin", "Date et heure de fin", "Fin de la session", "Au")),
        Field("hours", "Durée (h)", Kind.NUMBER, width=9,
              synonyms=("Durée", "Nombre d'heures", "Heures")),
        Field("trainer", "Formateur", width=20,
              synonyms=("Formatrice", "Intervenant", "Intervenante", "Animateur")),
        Field("location", "Lieu / lien", width=24,
              synonyms=("Lieu", "Lien", "Salle", "Adresse", "Lien de connexion", "Lien visio")),
        Field("learner", "Apprenant", width=22,
              synonyms=("Stagiaire", "Participant", "Bénéficiaire", "Nom", "Nom prénom",
                        "Nom du stagiaire")),
        Field("email", "Email", Kind.EMAIL, width=26,
              synonyms=("E-mail", "Courriel", "Mail", "Email du stagiaire", "Adresse mail")),
        Field("address", "Adresse postale", Kind.LONG_TEXT, width=30,
              synonyms=("Adresse du stagiaire", "Adresse du participant",
                        "Adresse de l'apprenant")),
        Field("company", "Entreprise", width=20, synonyms=("Société", "Employeur", "Client")),
        Field("prescriber", "Prescripteur / financeur", width=20,
              synonyms=("Prescripteur", "Financeur", "OPCO", "Conseiller")),
        Field("prescriber_email", "Email du prescripteur", Kind.EMAIL, width=26,
              synonyms=("Email prescripteur", "Courriel du prescripteur", "Mail prescripteur")),
        # The session's own survey forms, when they are not the office's usual ones.
        Field("hot_form_url", "Lien questionnaire à chaud", width=30,
              synonyms=("Questionnaire à chaud", "Lien enquête à chaud", "Enquête à chaud")),
        Field("cold_form_url", "Lien questionnaire à froid", width=30,
              synonyms=("Questionnaire à froid", "Lien enquête à froid", "Enquête à froid")),
        Field("prescriber_address", "Adresse du prescripteur", Kind.LONG_TEXT, width=30,
              synonyms=("Adresse postale du prescripteur", "Adresse du financeur")),
    ),
)

DEFAULT_REGISTERS: Final[tuple[RegisterSchema, ...]] = (RECLAMATIONS, ANNULATIONS, ABANDONS,
                                                         SATISFACTION, ACTIONS)
# Registers the tool reads but never writes: no inbox folder, no rows appended, not created.
READ_ONLY_REGISTERS: Final[tuple[RegisterSchema, ...]] = (SESSIONS,)
REGISTERS_BY_KEY: Final[dict[str, RegisterSchema]] = {
    r.key: r for r in (*DEFAULT_REGISTERS, *READ_ONLY_REGISTERS)}


def schema_for(key: str) -> RegisterSchema:
    """The schema of register ``key`` (``reclamations``, ``annulations``, …)."""
    return REGISTERS_BY_KEY[key]
