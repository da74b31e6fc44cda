"""Figures from the complaints register (indicator 31): how many, per 100 learners, by
category, and how fast they were acknowledged, answered and closed, in working days."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from statistics import median
from typing import Final

from automation.indicators.catalog import Definition, Figure, no_register, ratio, registry
from automation.indicators.records import Complaint
from automation.indicators.results import Part, Unit
from automation.indicators.selection import Selection

DEFINITIONS: Final[list[Definition]] = []
COMPLAINT: Final = "reclamation"
TITLE: Final = "des réclamations"


def _absent(selection: Selection) -> Figure | None:
    return no_register(selection, "reclamations", TITLE)


def _of_nature(selection: Selection, nature: str) -> list[Complaint]:
    return [c for c in selection.complaints if c.nature == nature]


def _count(nature: str) -> Callable[[Selection], Figure]:
    def count(selection: Selection) -> Figure:
        found = len(_of_nature(selection, nature))
        return _absent(selection) or Figure(float(found), found, None)
    return count


for _key, _label, _nature, _word in (
        ("complaints", "Réclamations reçues", COMPLAINT, "Réclamation"),
        ("difficulties", "Difficultés signalées", "difficulte", "Difficulté"),
        ("hazards", "Aléas", "alea", "Aléa")):
    registry(DEFINITIONS, _key, _label, Unit.COUNT,
             f"Lignes de nature « {_word} » du registre des réclamations, reçues sur la "
             f"période.")(_count(_nature))


@registry(DEFINITIONS, "complaints_per_100_learners", "Réclamations pour 100 stagiaires",
          Unit.PER_100,
          "Réclamations reçues sur la période divisées par les participants des sessions "
          "commencées sur la période (planning), multipliées par 100.")
def complaints_per_100_learners(selection: Selection) -> Figure:
    if (absent := _absent(selection)) is not None:
        return absent
    found = len(_of_nature(selection, COMPLAINT))
    if not selection.sessions:
        why = ("aucune session du planning sur la période" if selection.planning_known
               else "pas de planning des sessions")
        return Figure(None, found, None, missing=why)
    return ratio(found, selection.learners, missing="aucun participant au planning")


@registry(DEFINITIONS, "complaints_by_category", "Réclamations par catégorie", Unit.COUNT,
          "Réclamations reçues sur la période, comptées par « Catégorie » (« Non renseignée » "
          "quand la case est vide).")
def complaints_by_category(selection: Selection) -> Figure:
    found = _of_nature(selection, COMPLAINT)
    counts = Counter(c.category or "Non renseignée" for c in found)
    parts = tuple(Part(label, n) for label, n in counts.most_common())
    return _absent(selection) or Figure(float(len(found)), len(found), None, parts=parts)


def _in_time(selection: Selection, done: Callable[[Complaint], date | None], days: int,
             what: str) -> Figure:
    """Done within ``days`` working days ÷ complaints done or past their due day."""
    if (absent := _absent(selection)) is not None:
        return absent
    calendar, today = selection.rules.calendar, selection.rules.today
    on_time = due = 0
    for complaint in _of_nature(selection, COMPLAINT):
        assert complaint.day is not None  # selected rows have their day
        deadline = calendar.add_working_days(complaint.day, days)
        finished = done(complaint)
        if finished is None and deadline >= today:
            continue  # still within its delay: neither in time nor late yet
        due += 1
        on_time += finished is not None and finished <= deadline
    return ratio(on_time, due, missing=f"aucune réclamation de la période à {what} ou dont "
                                       f"l'échéance est passée")


@registry(DEFINITIONS, "acknowledged_in_time", "Réclamations accusées dans le délai",
          Unit.PERCENT,
          "Réclamations reçues sur la période dont l'accusé de réception est daté au plus tard "
          "{acknowledge_days} jours ouvrés après la réception, divisées par celles qui ont un "
          "accusé daté ou dont le délai est écoulé (sans date, une réclamation compte hors "
          "délai).")
def acknowledged_in_time(selection: Selection) -> Figure:
    return _in_time(selection, lambda c: c.acknowledged, selection.rules.acknowledge_days,
                    "accuser")


@registry(DEFINITIONS, "answered_in_time", "Réclamations répondues dans le délai",
          Unit.PERCENT,
          "Réclamations reçues sur la période dont la réponse est datée au plus tard "
          "{answer_days} jours ouvrés après la réception, divisées par celles qui ont une "
          "réponse datée ou dont le délai est écoulé (sans date, une réclamation compte hors "
          "délai).")
def answered_in_time(selection: Selection) -> Figure:
    return _in_time(selection, lambda c: c.responded, selection.rules.answer_days, "répondre")


def _median_days(selection: Selection, done: Callable[[Complaint], date | None],
                 what: str) -> Figure:
    if (absent := _absent(selection)) is not None:
        return absent
    calendar = selection.rules.calendar
    days = [calendar.working_days_between(c.day, finished)
            for c in _of_nature(selection, COMPLAINT)
            if c.day is not None and (finished := done(c)) is not None and finished >= c.day]
    if not days:
        return Figure(None, None, 0, missing=f"aucune réclamation de la période n'a de date {what}")
    return Figure(float(median(days)), None, len(days))


def _median(field: str, what: str) -> Callable[[Selection], Figure]:
    def compute(selection: Selection) -> Figure:
        return _median_days(selection, lambda c: getattr(c, field), what)
    return compute


for _key, _label, _field, _what, _target in (
        ("median_days_to_acknowledge", "Délai médian d'accusé de réception", "acknowledged",
         "d'accusé de réception", "acknowledge_days"),
        ("median_days_to_answer", "Délai médian de réponse", "responded", "de réponse",
         "answer_days"),
        ("median_days_to_close", "Délai médian de clôture", "closed", "de clôture",
         "close_days")):
    registry(DEFINITIONS, _key, _label, Unit.WORKING_DAYS,
             f"Médiane des jours ouvrés entre la réception et la date {_what}, sur les "
             f"réclamations de la période qui ont ces deux dates (objectif : "
             f"{{{_target}}} jours ouvrés).")(
        _median(_field, _what))
