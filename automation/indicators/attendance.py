"""Figures from the planning, the dropouts and the cancellations registers (indicators 2, 12
and 31): learners, dropout and completion rates, cancellations and postponements by motive."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Final

from automation.indicators.catalog import Definition, Figure, no_register, ratio, registry
from automation.indicators.results import Part, Unit
from automation.indicators.selection import Selection
from automation.text import fold

DEFINITIONS: Final[list[Definition]] = []
NOT_GIVEN: Final = "Non renseigné"


def _no_sessions(selection: Selection) -> str:
    return ("aucune session du planning sur la période" if selection.planning_known
            else "pas de planning des sessions")


@registry(DEFINITIONS, "learners", "Stagiaires", Unit.LEARNERS,
          "Participants inscrits au planning dans les sessions commencées sur la période (un "
          "participant compte une fois par session).")
def learners(selection: Selection) -> Figure:
    if not selection.sessions:
        return Figure(None, missing=_no_sessions(selection))
    return Figure(float(selection.learners), selection.learners, None)


@registry(DEFINITIONS, "dropout_rate", "Taux d'abandon", Unit.PERCENT,
          "Abandons de décision « Abandon validé » dont l'absence a été constatée sur la "
          "période, divisés par les participants des sessions commencées sur la période "
          "(planning).")
def dropout_rate(selection: Selection) -> Figure:
    if (absent := no_register(selection, "abandons", "des abandons")) is not None:
        return absent
    validated = sum(1 for d in selection.dropouts if d.validated)
    if not selection.sessions:
        return Figure(None, validated, None, missing=_no_sessions(selection))
    return ratio(validated, selection.learners, missing="aucun participant au planning")


@registry(DEFINITIONS, "dropouts_by_reason", "Abandons validés par motif", Unit.COUNT,
          "Abandons de décision « Abandon validé » dont l'absence a été constatée sur la "
          "période, comptés par « Motif ».")
def dropouts_by_reason(selection: Selection) -> Figure:
    validated = [d for d in selection.dropouts if d.validated]
    return no_register(selection, "abandons", "des abandons") or Figure(
        float(len(validated)), len(validated), None,
        parts=_parts(d.reason for d in validated))


@registry(DEFINITIONS, "completion_rate", "Taux de réalisation des heures", Unit.PERCENT,
          "Heures prévues au planning pour les participants des sessions commencées sur la "
          "période, moins les heures non réalisées des abandons (heures prévues − heures "
          "réalisées) et des absences du registre des annulations de la période, divisées par "
          "les heures prévues.")
def completion_rate(selection: Selection) -> Figure:
    planned = sum((s.hours or 0.0) * len(s.participants) for s in selection.sessions)
    if not selection.sessions or planned <= 0:
        why = _no_sessions(selection) if not selection.sessions else \
            "les sessions de la période n'ont pas de durée au planning"
        return Figure(None, None, planned or None, missing=why)
    missed = sum(max(d.hours_planned - d.hours_done, 0.0) for d in selection.dropouts
                 if d.hours_planned is not None and d.hours_done is not None)
    missed += sum(c.hours or 0.0 for c in selection.cancellations
                  if fold(c.motive) == "absence")
    done = max(planned - missed, 0.0)
    return Figure(100 * done / planned, done, planned)


def _parts(labels: Iterable[str]) -> tuple[Part, ...]:
    counts = Counter(label or NOT_GIVEN for label in labels)
    return tuple(Part(label, n) for label, n in counts.most_common())


def _kind(kind: str) -> Callable[[Selection], Figure]:
    def count(selection: Selection) -> Figure:
        found = [c for c in selection.cancellations if fold(c.kind) == fold(kind)]
        return no_register(selection, "annulations", "des annulations") or Figure(
            float(len(found)), len(found), None, parts=_parts(c.motive for c in found))
    return count


for _key, _label, _kind_name in (("cancellations", "Annulations", "Annulation"),
                                 ("postponements", "Reports", "Report")):
    registry(DEFINITIONS, _key, _label, Unit.COUNT,
             f"Lignes de type « {_kind_name} » du registre des annulations et reports, "
             f"demandées sur la période (détail par motif).")(_kind(_kind_name))


def _by(field: str) -> Callable[[Selection], Figure]:
    def count(selection: Selection) -> Figure:
        found = selection.cancellations
        return no_register(selection, "annulations", "des annulations") or Figure(
            float(len(found)), len(found), None,
            parts=_parts(getattr(c, field) for c in found))
    return count


registry(DEFINITIONS, "cancellations_by_motive", "Annulations et reports par motif", Unit.COUNT,
         "Annulations et reports demandés sur la période, comptés par « Motif ».")(
    _by("motive"))
registry(DEFINITIONS, "cancellations_by_initiator", "Annulations et reports par initiative",
         Unit.COUNT,
         "Annulations et reports demandés sur la période, comptés par « À l'initiative de ».")(
    _by("initiator"))
