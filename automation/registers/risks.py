"""The « Analyse des risques » sheet of the improvement-actions register (indicator 32, 2026).

The 2026 referential adds to indicator 32 « une analyse des risques sur la qualité des
formations délivrées ». The default actions register (``registers/actions.xlsx``) carries it as
a second sheet: one row per risk — its likelihood and impact (1 to 4), their product as the
score (a formula the office sees in Excel; the tool computes it again itself, since a formula
written by the tool has no cached value), the measures that control it, the ACT- ids of the
actions taken, and the day it was last reviewed. The default list names risks common to
training organisations, to be evaluated by the office: likelihood, impact and review date are
left empty, never guessed. The analysis is reviewed yearly (:mod:`automation.improvement.due`).

:func:`~automation.registers.risk_sheet.add_risk_sheet` writes the sheet into a new register;
:func:`read_risks` reads the sheet back from the office's workbook, found by its name or by its
header (an adopted actions register may have it anywhere, or not at all).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

from python_calamine import CalamineError, CalamineWorkbook

from automation.errors import RegisterError
from automation.registers.dates import typed_date
from automation.text import fold

SHEET: Final = "Analyse des risques"
HEADER_ROW: Final = 4
SCALE: Final = (1, 4)
ACT_ID: Final = re.compile(r"\bACT-\d{4}-\d{3,}\b")


@dataclass(frozen=True)
class RiskColumn:
    key: str
    header: str
    width: int
    names: tuple[str, ...] = ()  # other headers an office may use (folded prefixes)


COLUMNS: Final[tuple[RiskColumn, ...]] = (
    RiskColumn("ref", "N°", 7, ("numero", "ref")),
    RiskColumn("risk", "Risque", 46, ("risque identifie", "description du risque")),
    RiskColumn("likelihood", "Probabilité (1 à 4)", 12, ("probabilite", "vraisemblance",
                                                          "frequence")),
    RiskColumn("impact", "Impact (1 à 4)", 11, ("impact", "gravite")),
    RiskColumn("score", "Score (P × I)", 10, ("score", "criticite", "cotation")),
    RiskColumn("measures", "Mesures de maîtrise", 44, ("mesures", "moyens de maitrise",
                                                       "actions de maitrise")),
    RiskColumn("action_ids", "Actions liées (ACT-)", 18, ("actions liees", "actions",
                                                         "act")),
    RiskColumn("reviewed_on", "Revue le", 12, ("revue le", "date de revue", "revu le",
                                               "derniere revue")),
)

# Risks common to training organisations: a starting list for the office to evaluate.
DEFAULT_RISKS: Final[tuple[tuple[str, str], ...]] = (
    ("Formation inadaptée au besoin ou au niveau des apprenants (analyse du besoin ou "
     "positionnement insuffisants)", "Entretien ou questionnaire de positionnement avant "
     "l'entrée en formation"),
    ("Indisponibilité d'un formateur (maladie, désistement) entraînant l'annulation ou le "
     "report d'une session", "Formateurs remplaçants identifiés ; information des "
     "participants et solutions proposées (procédure d'annulation)"),
    ("Compétences d'un formateur insuffisantes ou non actualisées",
     "Suivi des compétences et du développement professionnel des formateurs"),
    ("Contenus pédagogiques obsolètes (évolutions réglementaires, techniques ou métier)",
     "Veille légale, métier et pédagogique ; revue périodique des supports"),
    ("Abandons ou absentéisme des apprenants", "Procédure de gestion des abandons ; "
     "analyse des causes de chaque abandon"),
    ("Locaux, matériel ou outils numériques défaillants (salle, équipement, plateforme de "
     "classe virtuelle)", "Vérification avant chaque session ; solution de repli"),
    ("Accessibilité insuffisante pour les personnes en situation de handicap",
     "Référent handicap ; recueil des besoins d'adaptation à l'inscription"),
    ("Information du public incomplète ou erronée (prérequis, objectifs, durée, tarifs, "
     "délais d'accès)", "Relecture et mise à jour des fiches de formation"),
    ("Sous-traitance ou intervenants extérieurs mal maîtrisés",
     "Convention, sélection et suivi des sous-traitants"),
    ("Réclamations ou difficultés non traitées ou traitées hors délai",
     "Registre des réclamations ; délais suivis par l'outil (accusé, réponse, clôture)"),
    ("Perte ou divulgation de données personnelles des apprenants (RGPD)",
     "Accès restreints ; durée de conservation ; sauvegardes"),
    ("Violences ou harcèlement pendant la formation", "Règlement intérieur ; "
     "personne à contacter ; traitement de tout signalement"),
    ("Défaut ou retard de financement de la formation (prise en charge non obtenue)",
     "Vérification de l'accord de prise en charge avant l'entrée en formation"),
    ("Évaluation des acquis non réalisée ou non tracée", "Évaluation de fin de formation "
     "prévue dans chaque programme ; conservation des résultats"),
)

@dataclass(frozen=True)
class Risk:
    line: int  # the row number a person sees in Excel
    ref: str
    risk: str
    likelihood: int | None
    impact: int | None
    measures: str
    action_ids: tuple[str, ...]
    reviewed_on: date | None
    action_text: str = ""  # the cell as typed, when it holds more than ACT- ids

    @property
    def score(self) -> int | None:
        """Likelihood × impact; None until both are evaluated."""
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact


@dataclass(frozen=True)
class RiskSheet:
    found: bool  # the workbook has a risk analysis sheet
    sheet: str = ""
    risks: tuple[Risk, ...] = ()

    @property
    def last_review(self) -> date | None:
        days = [r.reviewed_on for r in self.risks if r.reviewed_on is not None]
        return max(days) if days else None


def read_risks(path: Path) -> RiskSheet:
    """The risk analysis of the workbook at ``path``; ``found=False`` when it has none."""
    if not path.exists():
        return RiskSheet(False)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        ordered = sorted(names, key=lambda n: fold(n) != fold(SHEET))
        for name in ordered:
            cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            found = _header(cells)
            if found is not None:
                return RiskSheet(True, name, tuple(_risks(cells, *found)))
    except (CalamineError, OSError, ValueError) as exc:
        raise RegisterError(f"{path.name} : analyse des risques illisible ({exc})",
                            path=path) from exc
    return RiskSheet(False)


def _header(cells: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and each column's index, when a row names a risk and its
    likelihood or impact."""
    for number, row in enumerate(cells[:12]):
        columns: dict[str, int] = {}
        for index, value in enumerate(row):
            text = fold(str(value)) if isinstance(value, str) else ""
            for column in COLUMNS:
                if column.key not in columns and text and any(
                        text == fold(column.header) or text.startswith(name)
                        for name in (fold(column.header), *column.names)):
                    columns[column.key] = index
                    break
        if "risk" in columns and ("likelihood" in columns or "impact" in columns):
            return number, columns
    return None


def _risks(cells: Sequence[Sequence[object]], header: int,
           columns: dict[str, int]) -> list[Risk]:
    risks: list[Risk] = []
    for number, row in enumerate(cells[header + 1:], start=header + 2):
        def cell(key: str, row: Sequence[object] = row) -> object:
            index = columns.get(key)
            return row[index] if index is not None and index < len(row) else None

        risk = _text(cell("risk"))
        if not risk:
            continue
        actions = _text(cell("action_ids"))
        ids = tuple(dict.fromkeys(ACT_ID.findall(actions)))
        reviewed = cell("reviewed_on")
        risks.append(Risk(number, _text(cell("ref")), risk, _scale(cell("likelihood")),
                          _scale(cell("impact")), _text(cell("measures")), ids,
                          _day(reviewed),
                          actions if actions and " ".join(ids) != actions else ""))
    return risks


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _scale(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and float(value).is_integer() \
            and SCALE[0] <= value <= SCALE[1]:
        return int(value)
    return None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = typed_date(value) if isinstance(value, str) else None
    return found.date() if isinstance(found, datetime) else found
