"""What a spreadsheet attached to a mail is: rows for a register, or evidence kept with the row.

A spreadsheet attached to a complaint is usually evidence — the customer's attendance sheet,
the invoice they dispute, the programme they were promised — and must stay a file beside the
complaint, not become register rows. It becomes rows only when it clearly is a list for a
register: its headers fit that register well (:data:`WELL_FIT` of its named columns are the
register's, the required ones among them) *and* the mail's classification or the office's rule
names that same register. An attendance sheet, an invoice or a programme never becomes rows,
whatever its headers and the mail say.

:func:`attachment_use` is pure: it reads the header match that
:func:`automation.intake.headers.route_tables` found for the file (None when no register
fits), the file's first rows (titles above the headers), its name, the mail's register and the
office's rule (``attachments`` of the ``[[mail.rules]]`` entry that classified the mail: ``""``
to decide as above, ``"evidence"`` to keep every attached spreadsheet as evidence, or a
register key to take lists for that register from that mail). It returns :class:`RegisterRows`
or :class:`Evidence`, each with its reason in French.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Final

from automation.intake.headers import HeaderMatch, header_text
from automation.registers.schema import REGISTERS_BY_KEY
from automation.text import fold

if TYPE_CHECKING:
    from automation.intake.tables import Table

WELL_FIT: Final = 0.6  # share of a sheet's named columns that must be the register's
MIN_COLUMNS: Final = 3  # a list for a register names at least this many of its columns
EVIDENCE_RULE: Final = "evidence"
TITLE_ROWS: Final = 5  # rows read above the header (or at the top) for a document's title


class DocumentKind(StrEnum):
    """Documents that are never register rows (written in the row's notes)."""

    ATTENDANCE = "feuille d'émargement"
    INVOICE = "facture"
    PROGRAMME = "programme de formation"


@dataclass(frozen=True)
class RegisterRows:
    """The spreadsheet is a list for ``register``: ingest its rows."""

    register: str
    reason: str  # French, for the row's notes and the summary


@dataclass(frozen=True)
class Evidence:
    """The spreadsheet is evidence: keep the file with the mail's row."""

    reason: str  # French
    kind: DocumentKind | None = None


AttachmentUse = RegisterRows | Evidence

# Folded headers that only such documents have.
_ATTENDANCE_HEADERS: Final = frozenset({
    "matin", "apres midi", "signature", "signatures", "emargement", "emargements",
    "signature du stagiaire", "signature stagiaire", "signature apprenant",
    "signature du formateur", "signature formateur", "present", "presente", "presence",
    "presences", "demi journee", "heure d arrivee", "heure de depart", "am", "pm"})
_INVOICE_HEADERS: Final = frozenset({
    "montant", "montant ht", "montant ttc", "ht", "ttc", "tva", "taux de tva", "montant tva",
    "prix unitaire", "prix unitaire ht", "pu", "pu ht", "quantite", "qte", "total ht",
    "total ttc", "remise", "designation", "net a payer", "reference article"})
_PROGRAMME_HEADERS: Final = frozenset({
    "module", "modules", "sequence", "sequences", "objectif", "objectifs",
    "objectifs pedagogiques", "objectif pedagogique", "contenu", "contenus", "horaire",
    "horaires", "duree", "intervenant", "intervenants", "methodes pedagogiques",
    "methode pedagogique", "modalites d evaluation", "evaluation", "jour", "seance",
    "theme", "themes", "competences visees"})
_TITLES: Final = (
    (DocumentKind.ATTENDANCE, ("feuille d emargement", "emargement", "feuille de presence",
                               "liste de presence", "feuille d appel",
                               "attestation de presence", "attendance")),
    (DocumentKind.INVOICE, ("facture", "avoir n", "devis", "bon de commande", "invoice")),
    (DocumentKind.PROGRAMME, ("programme de formation", "programme", "deroule pedagogique",
                              "emploi du temps", "planning pedagogique")),
)


def attachment_use(*, mail_register: str | None, match: HeaderMatch | None,
                   tables: Sequence[Table] = (), name: str = "",
                   office_rule: str = "") -> AttachmentUse:
    """Rows for a register, or evidence (see the module docstring)."""
    header = match.header if match is not None else ()
    kind = document_kind(header, _titles(tables, match), name)
    if kind is not None:
        return Evidence(f"{kind} : gardée comme pièce jointe, jamais versée à un registre",
                        kind)
    if office_rule == EVIDENCE_RULE:
        return Evidence("la règle de l'organisme garde les tableaux joints comme pièces "
                        "jointes")
    if match is None or not match.fits:
        return Evidence("ses colonnes ne correspondent à aucun registre")
    title = REGISTERS_BY_KEY[match.register].title
    share = fit_share(match)
    if share < WELL_FIT or len(match.columns) < MIN_COLUMNS:
        return Evidence(f"ses colonnes ne ressemblent qu'en partie au « {title} » "
                        f"({round(share * 100)} % reconnues)")
    wanted = office_rule or mail_register
    if wanted is None:
        return Evidence(f"ses colonnes ressemblent au « {title} », mais le courriel n'est "
                        "classé dans aucun registre")
    if wanted != match.register:
        said = ("la règle de l'organisme attend le" if office_rule
                else "le courriel relève du")
        wanted_title = REGISTERS_BY_KEY[wanted].title if wanted in REGISTERS_BY_KEY else wanted
        return Evidence(f"ses colonnes ressemblent au « {title} », mais {said} "
                        f"« {wanted_title} »")
    who = "la règle de l'organisme" if office_rule else "le classement du courriel"
    return RegisterRows(match.register, f"colonnes reconnues à {round(share * 100)} %, "
                                        f"confirmé par {who}")


def fit_share(match: HeaderMatch) -> float:
    """The share of the sheet's named columns that name a field of the register."""
    named = [text for column, text in enumerate(match.header)
             if text and column not in match.ignored]
    return len(match.columns) / len(named) if named else 0.0


def document_kind(header: Sequence[str], titles: Sequence[str],
                  name: str = "") -> DocumentKind | None:
    """An attendance sheet, an invoice or a programme, told by its headers, its title rows
    or its file name; None for anything else."""
    folded = {fold(text) for text in header if text}
    if folded & (_ATTENDANCE_HEADERS - {"am", "pm"}) or {"am", "pm"} <= folded:
        return DocumentKind.ATTENDANCE
    if len(folded & _INVOICE_HEADERS) >= 2:
        return DocumentKind.INVOICE
    if len(folded & _PROGRAMME_HEADERS) >= 3:
        return DocumentKind.PROGRAMME
    stem = fold(PurePosixPath(name).stem)
    texts = [fold(t) for t in titles if t]
    for kind, words in _TITLES:
        if any(stem.startswith(word) for word in words):
            return kind
        if any(text.startswith(word) for text in texts for word in words):
            return kind
    return None


def describe_use(use: AttachmentUse) -> str:
    """A few words for the row's notes: « feuille d'émargement », « versé au registre »."""
    if isinstance(use, RegisterRows):
        return f"versé au « {REGISTERS_BY_KEY[use.register].title} »"
    return str(use.kind) if use.kind is not None else "pièce justificative"


def _titles(tables: Sequence[Table], match: HeaderMatch | None) -> list[str]:
    """The texts of the rows above the header row (or the first rows), sheet names included."""
    texts: list[str] = []
    for table in tables:
        if match is not None and table.sheet != match.sheet:
            continue
        texts.append(table.sheet)
        limit = match.header_line if match is not None else TITLE_ROWS + 1
        for row in table.rows[:TITLE_ROWS]:
            if row.number >= limit:
                break
            texts.extend(header_text(cell) for cell in row.cells if cell is not None)
    return texts
