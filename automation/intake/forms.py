"""Survey exports: which tool wrote one, and which question gives which register field.

Google Forms, Microsoft Forms, LimeSurvey and Typeform write a few columns of their own (the
submission time, the respondent's address, quiz points) around one column per question,
titled with the question itself. :func:`find_survey` looks for such a header row in the first
rows of each sheet and returns a :class:`~automation.intake.headers.HeaderMatch` for the
satisfaction register whose ``survey`` says how every column is read. A column's field comes
from, in order:

1. the office's ``[[surveys.forms]]`` entry for this form (:class:`FormEntry`, written by
   ``automation surveys adopt``), when one lists these questions;
2. the tool's own columns, by signature (:data:`SIGNATURES`): the submission time gives
   « Date de réponse », the collected address « Email », the account name « Nom » (used only
   when no question asks for them); IDs, start times and quiz points are skipped;
3. a header that is one of the register's own column names (« Note globale », « Formation »);
4. what the question asks (:data:`QUESTIONS`: the first rule whose words it contains).

A score field needs scores: a question whose answers are sentences goes to « Commentaire »
when it asks for comments (« Commentaires sur le formateur »), else to « Autres
informations ». A question no rule claims goes there too, as « question : réponse ».
« Enquête » and « Formation » may be left to later steps (the form's entry, the file name,
the planning), so a form that does not ask them still goes in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from automation.intake import messages
from automation.intake.answers import Scale, looks_like_scores
from automation.intake.headers import HEADER_SCAN_ROWS, HeaderMatch, header_text, name_field
from automation.records import CellValue
from automation.registers.schema import SATISFACTION, Kind
from automation.text import fold

if TYPE_CHECKING:
    from automation.intake.tables import Table

REGISTER: Final = SATISFACTION.key
# Required fields a form need not give: found later from the office's entry for the form, the
# file name or the planning (automation.surveys.matching).
DEFERRED: Final = frozenset({"survey", "training"})
SCORE_FIELDS: Final = frozenset(f.key for f in SATISFACTION.fields if f.kind is Kind.SCORE)
# Fields a form's question may give (as written in [[surveys.forms]]); "" = « Autres
# informations ».
QUESTION_FIELDS: Final = ("answered_on", "survey", "respondent", "name", "email", "training",
                          "session_ref", "overall", "nps", "welcome", "content", "team",
                          "means", "support", "applied", "comment")
# Fields several columns may give: joined (names, comments) or the first one answered.
SHARED_FIELDS: Final = frozenset({"name", "email", "comment"})


class Tool(StrEnum):
    GOOGLE = "Google Forms"
    MICROSOFT = "Microsoft Forms"
    LIMESURVEY = "LimeSurvey"
    TYPEFORM = "Typeform"
    OTHER = "questionnaire"


@dataclass(frozen=True)
class Signature:
    """The columns a tool writes itself, by folded header."""

    tool: Tool
    needs: tuple[frozenset[str], ...]  # one name of each set must be there
    timestamp: frozenset[str]  # gives « Date de réponse »
    email: frozenset[str] = frozenset()
    name: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    skip_pattern: re.Pattern[str] | None = None  # on the header as written (quiz points)
    notes_pattern: re.Pattern[str] | None = None  # the grader's feedback: kept in the notes
    english: frozenset[str] = frozenset()  # names that say the export is in English
    utc: bool = False  # the timestamp is in UTC without saying so in its cells
    first: str = ""  # the header the first column must have, as written ("#")


def _names(*names: str) -> frozenset[str]:
    return frozenset(fold(n) for n in names)


SIGNATURES: Final[tuple[Signature, ...]] = (
    Signature(
        Tool.MICROSOFT,
        needs=(_names("ID"), _names("Heure de début", "Start time"),
               _names("Heure de fin", "Completion time"),
               _names("Adresse de messagerie", "Email"), _names("Nom", "Name")),
        timestamp=_names("Heure de fin", "Completion time"),
        email=_names("Adresse de messagerie", "Email"), name=_names("Nom", "Name"),
        skip=_names("ID", "Heure de début", "Start time", "Heure de la dernière modification",
                    "Last modified time", "Total points", "Total des points"),
        skip_pattern=re.compile(r"^Points\s+-\s+"),
        notes_pattern=re.compile(r"^(?:Commentaires|Feedback)\s+-\s+|^Commentaires sur le "
                                 r"questionnaire$|^Commentaires du questionnaire$|"
                                 r"^Quiz feedback$", re.IGNORECASE),
        english=_names("Start time", "Completion time")),
    Signature(
        Tool.LIMESURVEY,
        needs=(_names("ID de la réponse", "Response ID"),
               _names("Date de soumission", "Date submitted")),
        timestamp=_names("Date de soumission", "Date submitted"),
        email=_names("Adresse de courriel", "Email address"),
        skip=_names("ID de la réponse", "Response ID", "Dernière page", "Last page",
                    "Langue de départ", "Start language", "Tête de série", "Seed",
                    "Date de lancement", "Date started", "Date de la dernière action",
                    "Date last action", "Adresse IP", "IP address", "URL de provenance",
                    "Referrer URL", "Code d'accès", "Token")),
    Signature(
        Tool.TYPEFORM,
        needs=(_names("Submit Date (UTC)"),),
        timestamp=_names("Submit Date (UTC)"),
        skip=_names("Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Network ID",
                    "Tags", "Ending"),
        utc=True, first="#", english=_names("Submit Date (UTC)")),
    Signature(
        Tool.GOOGLE,
        needs=(_names("Horodateur", "Timestamp", "Marca temporal", "Zeitstempel",
                      "Informazioni cronologiche", "Carimbo de data/hora"),),
        timestamp=_names("Horodateur", "Timestamp", "Marca temporal", "Zeitstempel",
                         "Informazioni cronologiche", "Carimbo de data/hora"),
        email=_names("Adresse e-mail", "Email Address", "Email address", "Adresse mail"),
        skip=_names("Score total", "Total score", "Score", "Note totale"),
        skip_pattern=re.compile(r"\[(?:Score|Note|Points)\]\s*$", re.IGNORECASE),
        notes_pattern=re.compile(r"\[(?:Commentaires|Feedback)\]\s*$", re.IGNORECASE),
        english=_names("Timestamp", "Email Address")),
)


# The columns our own rejection copies add in front of the file's.
_OWN_COLUMNS: Final = frozenset({fold(messages.ERRORS_HEADER), fold(messages.LINE_HEADER)})


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"\b(?:{p})" for p in patterns))


# What a question asks, on its folded text; the first rule that matches wins.
QUESTIONS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("nps", _rx(r"recommand", r"recommend", r"nps\b", r"conseiller(?:iez|ais)? cette")),
    ("applied", _rx(r"mis en pratique", r"mettre en pratique", r"mise en pratique",
                    r"mis en oeuvre", r"mettre en oeuvre", r"mise en oeuvre", r"appliqu",
                    r"reinvesti", r"put into practice", r"appl(?:y|ied)\b", r"use what you")),
    ("overall", _rx(r"globalement", r"dans l ensemble", r"de maniere generale",
                    r"d une maniere generale", r"en general\b", r"satisfaction globale",
                    r"satisfaction generale", r"appreciation globale", r"note globale",
                    r"overall", r"in general\b")),
    ("", _rx(r"telephone", r"phone\b", r"entreprise", r"societe", r"employeur", r"company",
             r"employer", r"date\b", r"age\b", r"ville\b", r"city\b")),
    ("welcome", _rx(r"accueil", r"organisation", r"organization", r"logistique", r"logistic",
                    r"welcome", r"convocation", r"inscription", r"administrati")),
    ("means", _rx(r"moyens", r"supports? (?:de cours|pedagogiques?|de formation)",
                  r"supports\b", r"materiel", r"salle", r"locaux", r"outils", r"plateforme",
                  r"equipement", r"means\b", r"materials?\b", r"equipment", r"room\b",
                  r"facilities", r"tools\b")),
    ("team", _rx(r"format(?:eur|rice)s?\b", r"intervenant", r"equipe pedagogique",
                 r"pedagogi", r"animat", r"trainers?\b", r"instructors?\b", r"teachers?\b",
                 r"facilitators?\b", r"speakers?\b")),
    ("support", _rx(r"accompagn", r"\bsuivi\b", r"assistance", r"support\b", r"guidance",
                    r"follow up")),
    ("content", _rx(r"contenu", r"programme", r"objectif", r"attentes", r"rythme", r"duree",
                    r"content", r"program", r"topics?\b", r"expectations", r"objectives",
                    r"pace\b")),
    ("comment", _rx(r"commentaire", r"comments?\b(?! on)", r"remarque", r"suggestion",
                    r"amelior", r"points forts", r"points faibles",
                    r"precisez", r"expression libre", r"feedback", r"improve",
                    r"anything else", r"ajouter", r"autre chose")),
    ("respondent", _rx(r"vous etes\b", r"votre profil", r"votre statut", r"you are\b",
                       r"vous repondez", r"en tant que", r"respondent")),
    ("training", _rx(r"quelle formation", r"formation suivie", r"intitule",
                     r"nom de la formation", r"titre de la formation", r"which training",
                     r"which course", r"training\s*$", r"course\s*$", r"course title",
                     r"training title")),
    ("session_ref", _rx(r"session", r"reference", r"code\b")),
    ("email", _rx(r"e mail", r"email", r"courriel", r"adresse mail", r"adresse electronique",
                  r"mail\b")),
    ("name", _rx(r"nom\b", r"prenom", r"name\b", r"identite")),
    ("overall", _rx(r"satisf")),
)


_COMMENT: Final = next(pattern for key, pattern in QUESTIONS if key == "comment")


@dataclass(frozen=True)
class FormEntry:
    """An office's ``[[surveys.forms]]`` entry: how one form of theirs is read.

    ``questions`` maps a question (as the export titles it) to a field key, ``""`` for
    « Autres informations »; ``scales`` a question to ``"1-10"``, ``"0-10"``, ``"mots"``…;
    ``survey``, ``training``, ``session_ref`` and ``respondent`` fill those fields for every
    answer of the form that does not give them.
    """

    name: str
    questions: Mapping[str, str] = field(default_factory=dict)
    scales: Mapping[str, Scale] = field(default_factory=dict)
    survey: str = ""
    training: str = ""
    session_ref: str = ""
    respondent: str = ""

    def constants(self) -> dict[str, str]:
        given = {"survey": self.survey, "training": self.training,
                 "session_ref": self.session_ref, "respondent": self.respondent}
        return {key: value for key, value in given.items() if value}

    def coverage(self, headers: Iterable[str]) -> int:
        """How many of its questions ``headers`` hold; 0 unless it holds them all."""
        present = {fold(h) for h in headers if h}
        wanted = {fold(q) for q in self.questions}
        return len(wanted) if wanted and wanted <= present else 0

    def field_of(self, header: str) -> str | None:
        wanted = fold(header)
        return next((f for q, f in self.questions.items() if fold(q) == wanted), None)

    def scale_of(self, header: str) -> Scale | None:
        wanted = fold(header)
        return next((s for q, s in self.scales.items() if fold(q) == wanted), None)


@dataclass(frozen=True)
class Answer:
    """One column of a survey export and how it is read."""

    column: int
    header: str
    field: str  # register field key; "" = « Autres informations »
    origin: str  # how the field was chosen, in French, for the adoption table
    scale: Scale | None = None  # declared by the office
    fallback: bool = False  # the tool's own address or name: used when no question gives it
    utc: bool = False  # a timestamp in UTC
    own: bool = False  # a column the tool writes itself (not a question)


@dataclass(frozen=True)
class SurveyForm:
    """How a survey export is read: its tool, every column, and the office's entry."""

    tool: Tool
    answers: tuple[Answer, ...]
    skipped: tuple[int, ...] = ()  # the tool's bookkeeping and quiz points
    entry: FormEntry | None = None
    english: bool = False  # English headers: « 3/12/2026 » is more likely 12 March

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(a.field for a in self.answers if a.field)

    @property
    def provided(self) -> frozenset[str]:
        """Fields given by a column, by the office's entry, or left for later steps."""
        constants = frozenset(self.entry.constants()) if self.entry else frozenset()
        return self.fields | constants | DEFERRED

    @property
    def signed(self) -> bool:
        """Written by a known tool, or one of the office's own forms."""
        return self.tool is not Tool.OTHER or self.entry is not None

    @property
    def label(self) -> str:
        if self.entry is not None:
            return f"formulaire « {self.entry.name} » ({self.tool.value})"
        return f"export {self.tool.value}"


def signature_of(header: Sequence[str]) -> Signature | None:
    folded = {fold(h) for h in header if h}
    theirs = [h for h in header if fold(h) not in _OWN_COLUMNS]  # a rejection copy's aside
    for signature in SIGNATURES:
        if signature.first and (not theirs or theirs[0].strip() != signature.first):
            continue
        if all(names & folded for names in signature.needs):
            return signature
    return None


def question_field(text: str) -> str | None:
    """The field a question asks for by its words; ``""`` for « Autres informations »,
    ``None`` when no rule claims it."""
    folded = fold(text)
    for key, pattern in QUESTIONS:
        if pattern.search(folded):
            return key
    return None


def read_header(cells: Sequence[CellValue], answers_below: Sequence[Sequence[CellValue]], *,
                forms: Sequence[FormEntry] = ()) -> SurveyForm:
    """How the columns of a header row would be read (``answers_below``: its first data rows,
    to tell scores from sentences)."""
    header = [header_text(c) for c in cells]
    signature = signature_of(header)
    entry = max(forms, key=lambda e: e.coverage(header), default=None)
    if entry is not None and not entry.coverage(header):
        entry = None
    answers: list[Answer] = []
    skipped: list[int] = []
    taken: set[str] = set()
    for column, text in enumerate(header):
        if not text or fold(text) in _OWN_COLUMNS:
            continue
        values = [row[column] if column < len(row) else None for row in answers_below]
        found = _column(column, text, signature, entry, values)
        if found is None:
            skipped.append(column)
            continue
        if found.field and found.field not in SHARED_FIELDS and found.field in taken:
            found = Answer(column, text, "", "déjà donné par une autre colonne")
        taken.add(found.field)
        answers.append(found)
    tool = signature.tool if signature else Tool.OTHER
    english = bool(signature and signature.english & {fold(h) for h in header})
    return SurveyForm(tool, tuple(answers), tuple(skipped), entry, english)



def _column(column: int, text: str, signature: Signature | None, entry: FormEntry | None,
            values: Sequence[CellValue]) -> Answer | None:
    """How one column is read; ``None`` for a column of the tool's own that is skipped."""
    folded = fold(text)
    if entry is not None and (chosen := entry.field_of(text)) is not None:
        return Answer(column, text, chosen, "formulaire de l'office",
                      scale=entry.scale_of(text),
                      utc=bool(signature and signature.utc and folded in signature.timestamp))
    if signature is not None:
        tool = signature.tool.value
        if folded in signature.timestamp:
            return Answer(column, text, "answered_on", f"colonne {tool}", utc=signature.utc,
                          own=True)
        if folded in signature.email:
            return Answer(column, text, "email", f"colonne {tool}", fallback=True, own=True)
        if folded in signature.name:
            return Answer(column, text, "name", f"colonne {tool}", fallback=True, own=True)
        if folded in signature.skip or (signature.skip_pattern is not None
                                        and signature.skip_pattern.search(text)) or (
                signature.first and text.strip() == signature.first):
            return None
        if signature.notes_pattern is not None and signature.notes_pattern.search(text):
            return Answer(column, text, "", f"commentaire du correcteur ({tool})", own=True)
    named = name_field(text, REGISTER)
    if named is not None and named[0] in QUESTION_FIELDS:
        key, origin = named[0], "nom de colonne du registre"
    else:
        key, origin = question_field(text) or "", "question"
    if key in SCORE_FIELDS and any(v is not None for v in values) and not looks_like_scores(
            values):
        asks_comment = _COMMENT.search(folded) is not None  # « Commentaires sur le formateur »
        key = "comment" if asks_comment else ""
        origin = "réponses en phrases, pas des notes"
    if not key:
        origin = origin if origin != "question" else "aucune règle ne la reconnaît"
    return Answer(column, text, key, origin)


def _rank(form: SurveyForm) -> tuple[bool, bool, int]:
    return "overall" in form.fields, form.signed, len(form.fields)


def find_survey(tables: Sequence[Table], *, hint: str | None,
                forms: Sequence[FormEntry] = ()) -> HeaderMatch | None:
    """The header row of a survey export among ``tables``, read as :func:`read_header` says;
    ``None`` when no row is one (no tool's signature, no entry of the office, no question
    giving the overall score)."""
    best: tuple[tuple[bool, bool, int], HeaderMatch] | None = None
    for table in tables:
        rows = [r for r in table.rows if r.number <= HEADER_SCAN_ROWS]
        for index, row in enumerate(rows):
            below = [r.cells for r in table.rows[index + 1:index + 1 + HEADER_SCAN_ROWS]]
            form = read_header(row.cells, below, forms=forms)
            rank = _rank(form)
            if not (rank[0] or rank[1]):
                continue
            if best is None or rank > best[0]:
                best = (rank, _match(form, row.cells, line=row.number, sheet=table.sheet,
                                     hint=hint))
    return best[1] if best else None


def _match(form: SurveyForm, cells: Sequence[CellValue], *, line: int, sheet: str,
           hint: str | None) -> HeaderMatch:
    header = tuple(header_text(c) for c in cells)
    ignored = [c for c, text in enumerate(header) if fold(text) in _OWN_COLUMNS]
    return HeaderMatch(
        register=REGISTER, sheet=sheet, header_line=line, header=header,
        columns={a.column: a.field for a in form.answers if a.field},
        unknown={a.column: a.header for a in form.answers if not a.field},
        ignored=(*ignored, *form.skipped), routed_by_headers=hint is None, survey=form)
