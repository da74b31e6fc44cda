"""The figures of each section of the audit pack, each with how it was computed.

The figures of indicators 2, 30 and 31 are the indicators' own (:mod:`automation.indicators`):
the referential's data says which computed figure evidences which indicator. Indicator 32's
come from the actions register and from the links between it and the complaints and dropouts,
computed here, each with its French method. A figure without data says so, never 0 %.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Final

from automation.audit.gather import AuditData
from automation.deadlines.rules import as_date, filled, is_value
from automation.improvement.opening import action_ids
from automation.indicators.results import IndicatorResult, format_number
from automation.registers.schema import ACTIONS

NO_DATA: Final = "pas de données"


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # as shown: « 87,5 % », « 12 », « pas de données (…) »
    basis: str  # what it was computed from: « 35 / 40 », « Pédagogique : 3 · … »
    method: str  # one French sentence


def from_result(result: IndicatorResult) -> Figure:
    basis = ""
    if result.numerator is not None and result.denominator is not None:
        basis = f"{format_number(result.numerator, 2)} / {format_number(result.denominator, 2)}"
    if result.parts:
        basis = " · ".join(f"{p.label} : {p.count}" for p in result.parts)
    if result.answers is not None:
        basis = f"{basis} ({result.answers} réponse(s))" if basis else \
            f"{result.answers} réponse(s)"
    return Figure(result.label, result.shown, basis, result.method)


def indicator_figures(data: AuditData, number: int) -> list[Figure]:
    """The indicators' figures the referential lists as evidence of indicator ``number``."""
    indicator = data.referential.indicator(number)
    if indicator is None:
        return []
    keys = {r.key for r in data.report.results}
    return [from_result(data.report.result(key)) for key in indicator.evidence.results
            if key in keys]


def _percent(part: int, whole: int, missing: str) -> tuple[str, str]:
    if not whole:
        return f"{NO_DATA} ({missing})", ""
    value = format_number(100 * part / whole)
    return f"{value}\u00a0%", f"{part} / {whole}"


def improvement_figures(data: AuditData) -> list[Figure]:
    """Indicator 32: the actions of the period, their origins, follow-up and links."""
    period = data.period
    actions = data.register(ACTIONS.key)
    rows = [values for _, values in actions.in_period]
    opened = [v for v in rows if (d := as_date(v.get("opened_on"))) and d in period]
    done = [v for v in rows if (d := as_date(v.get("done_on"))) and d in period]
    checked = [v for v in rows if (d := as_date(v.get("check_on"))) and d in period]
    figures: list[Figure] = []
    if not actions.exists:
        return [Figure("Actions d'amélioration", f"{NO_DATA} (registre des actions absent)",
                       "", "Le registre registers/actions.xlsx n'existe pas.")]
    origins = Counter(str(v.get("origin") or "non renseignée") for v in opened)
    figures.append(Figure(
        "Actions ouvertes sur la période", str(len(opened)),
        " · ".join(f"{k} : {n}" for k, n in origins.most_common()),
        "Lignes du registre des actions dont « Date d'ouverture » est dans la période, par "
        "« Origine »."))
    on_time = [v for v in done if (d := as_date(v.get("done_on"))) is not None
               and (due := as_date(v.get("due_on"))) is not None and d <= due]
    dated = [v for v in done if as_date(v.get("due_on")) is not None]
    value, basis = _percent(len(on_time), len(dated), "aucune action réalisée avec échéance")
    figures.append(Figure(
        "Actions réalisées sur la période", str(len(done)), "",
        "Actions dont « Réalisée le » est dans la période."))
    figures.append(Figure(
        "Actions réalisées à l'échéance", value, basis,
        "Actions réalisées sur la période dont « Réalisée le » ne dépasse pas « Échéance » ÷ "
        "actions réalisées sur la période ayant une échéance."))
    effective = [v for v in checked if is_value(v, "status", "Efficace")]
    value, basis = _percent(len(effective), len(checked), "aucune vérification sur la période")
    figures.append(Figure(
        "Efficacité vérifiée", value, basis,
        "Actions au statut « Efficace » ÷ actions dont « Vérification d'efficacité le » est "
        "dans la période."))
    late = [v for v in rows if not filled(v.get("done_on"))
            and not is_value(v, "status", "Réalisée", "Efficace", "Non efficace", "Abandonnée")
            and (due := as_date(v.get("due_on"))) is not None and due < period.end]
    figures.append(Figure(
        "Actions en retard à la fin de la période", str(len(late)), "",
        "Actions non réalisées dont « Échéance » précède le dernier jour de la période."))
    figures += _links(data)
    return figures


def _links(data: AuditData) -> list[Figure]:
    complaints = [(rid, v) for rid, v in data.register("reclamations").in_period
                  if not is_value(v, "nature", "Demande d'information")]
    known = {rid for rid, _ in data.register(ACTIONS.key).rows}
    named = {rid: action_ids(v.get("improvement_ref")) for rid, v in complaints}
    corrective = [rid for rid, v in complaints if filled(v.get("corrective_action"))]
    linked = [rid for rid in corrective if any(a in known for a in named[rid])]
    value, basis = _percent(len(linked), len(corrective),
                            "aucune action corrective saisie sur la période")
    figures = [Figure(
        "Réclamations avec action corrective reliée à une action", value, basis,
        "Réclamations, difficultés et aléas reçus sur la période dont « Mesure d'amélioration "
        "liée » nomme une action du registre des actions ÷ ceux dont « Action corrective / "
        "d'amélioration » est remplie.")]
    dropouts = [(rid, v) for rid, v in data.register("abandons").in_period
                if is_value(v, "decision", "Abandon validé")]
    origins = {o for _, v in data.register(ACTIONS.key).rows
               for o in _ids(v.get("origin_ids"))}
    analysed = [rid for rid, v in dropouts if filled(v.get("analysis"))]
    value, basis = _percent(len([r for r in analysed if r in origins]), len(analysed),
                            "aucun abandon validé analysé sur la période")
    figures.append(Figure(
        "Abandons analysés à l'origine d'une action", value, basis,
        "Abandons validés (par « Absence constatée le ») dont « Analyse des causes » est "
        "remplie et que « Références d'origine » d'une action nomme ÷ ces abandons analysés."))
    risks = data.risks
    if risks.found:
        rated = [r for r in risks.risks if r.score is not None]
        last = risks.last_review
        figures.append(Figure(
            "Risques évalués", f"{len(rated)} sur {len(risks.risks)}",
            f"dernière revue le {last:%d/%m/%Y}" if last else "aucune revue datée",
            "Lignes de la feuille « Analyse des risques » dont probabilité et impact sont "
            "cotés (score = probabilité × impact)."))
    else:
        figures.append(Figure("Risques évalués", f"{NO_DATA} (aucune feuille « Analyse des "
                              "risques »)", "", "La feuille est cherchée dans le registre des "
                              "actions, par son nom ou son en-tête."))
    return figures


def _ids(value: object) -> tuple[str, ...]:
    text = str(value or "").replace(";", ",").replace(" ", ",")
    return tuple(part.strip() for part in text.split(",") if part.strip())

