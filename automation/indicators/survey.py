"""Figures from the satisfaction register (indicators 2 and 30): satisfaction, scores, NPS,
response rate. Every one rests on the answers of the period, counted in ``answers``."""

from __future__ import annotations

from statistics import fmean
from typing import Final

from automation.indicators.catalog import Definition, Figure, no_register, ratio, registry
from automation.indicators.records import CRITERIA
from automation.indicators.results import Unit
from automation.indicators.selection import Selection

DEFINITIONS: Final[list[Definition]] = []
NO_ANSWER: Final = "aucune réponse sur la période"
CRITERIA_LABELS: Final = {"welcome": "Accueil", "content": "Contenu",
                          "team": "Équipe pédagogique", "means": "Moyens",
                          "support": "Accompagnement"}


def _absent(selection: Selection) -> Figure | None:
    return no_register(selection, "satisfaction", "des enquêtes de satisfaction")


@registry(DEFINITIONS, "satisfaction_rate", "Taux de satisfaction", Unit.PERCENT,
          "Réponses dont la note globale est de 4 ou 5 sur 5, divisées par les réponses de la "
          "période qui ont une note globale.")
def satisfaction_rate(selection: Selection) -> Figure:
    scores = [a.overall for a in selection.answers if a.overall is not None]
    return _absent(selection) or ratio(sum(1 for s in scores if s >= 4), len(scores),
                                       missing=NO_ANSWER, answers=True)


def _mean(selection: Selection, index: int | None, what: str) -> Figure:
    if (absent := _absent(selection)) is not None:
        return absent
    scores = [a.overall if index is None else a.criteria[index] for a in selection.answers]
    given = [s for s in scores if s is not None]
    if not given:
        return Figure(None, answers=0, missing=f"aucune réponse ne donne de note {what}")
    return Figure(fmean(given), sum(given), len(given), answers=len(given))


@registry(DEFINITIONS, "mean_overall", "Note globale moyenne", Unit.SCORE,
          "Moyenne des notes globales (de 1 à 5) des réponses de la période.")
def mean_overall(selection: Selection) -> Figure:
    return _mean(selection, None, "globale")


def _criterion(index: int, key: str) -> None:
    label = CRITERIA_LABELS[key]

    @registry(DEFINITIONS, f"mean_{key}", f"Note moyenne « {label} »", Unit.SCORE,
              f"Moyenne des notes « {label} » (de 1 à 5) des réponses de la période qui en "
              f"donnent une.")
    def mean_criterion(selection: Selection) -> Figure:
        return _mean(selection, index, f"« {label} »")


for _index, _key in enumerate(CRITERIA):
    _criterion(_index, _key)


@registry(DEFINITIONS, "nps", "Net Promoter Score (NPS)", Unit.POINTS,
          "Part des réponses qui recommandent à 9 ou 10 sur 10, moins la part de celles de 0 à "
          "6, en points, sur les réponses de la période qui donnent une recommandation.")
def nps(selection: Selection) -> Figure:
    if (absent := _absent(selection)) is not None:
        return absent
    given = [a.nps for a in selection.answers if a.nps is not None]
    promoters = sum(1 for n in given if n >= 9)
    detractors = sum(1 for n in given if n <= 6)
    return ratio(promoters - detractors, len(given), answers=True,
                 missing="aucune réponse ne donne de recommandation")


@registry(DEFINITIONS, "response_rate", "Taux de réponse aux enquêtes à chaud", Unit.PERCENT,
          "Réponses « À chaud » de la période divisées par les {solicited}.")
def response_rate(selection: Selection) -> Figure:
    if (absent := _absent(selection)) is not None:
        return absent
    hot = sum(1 for a in selection.answers if a.hot)
    solicited = selection.base.solicited(selection)
    if solicited is None:
        why = ("aucune session du planning sur la période" if selection.planning_known
               else "pas de planning des sessions")
        return Figure(None, hot, None, answers=hot, missing=why)
    figure = ratio(hot, solicited.count, missing="aucun participant sollicité sur la période")
    return Figure(figure.value, figure.numerator, figure.denominator, answers=hot,
                  missing=figure.missing)
