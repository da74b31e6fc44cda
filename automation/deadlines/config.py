"""The ``[deadlines]`` settings: delays, the working-day calendar and the daily digest.

Declared like the sections of :mod:`automation.config` (default and help with every setting);
a bad value raises :class:`~automation.errors.ConfigError` naming the setting as soon as the
section is built, so the loader of :mod:`automation.config` fails at start-up. Example::

    [deadlines]
    answer_days = 10
    closing_days = ["2026-05-15", "2026-08-03..2026-08-21", "2026-12-24..2026-12-31"]
    holiday_subdivision = "67"

    [deadlines.owners]
    "Claire Martin" = "claire.martin@exemple.fr"
    "Responsable qualité" = "qualite@exemple.fr"
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Final

from automation.deadlines.workdays import SUBDIVISIONS, WorkCalendar
from automation.errors import ConfigError
from automation.settings import setting

SECTION: Final = "deadlines"
MAX_DELAY: Final = 366  # working days; a larger delay is a typing mistake
MAX_CLOSING_SPAN: Final = 366  # calendar days in one closing range


@dataclass(frozen=True)
class Deadlines:
    acknowledge_days: int = setting(
        2, "Réclamations : accuser réception dans ce nombre de jours ouvrés après la réception.")
    answer_days: int = setting(
        15, "Réclamations : répondre au déclarant dans ce nombre de jours ouvrés.")
    close_days: int = setting(
        30, "Réclamations : clôturer dans ce nombre de jours ouvrés après la réception.")
    inform_participants_days: int = setting(
        1, "Annulations à l'initiative de l'organisme ou du formateur : informer les "
           "participants dans ce nombre de jours ouvrés après la demande.")
    prescriber_days: int = setting(
        2, "Abandons, étape 1 : informer le prescripteur dans ce nombre de jours ouvrés après "
           "l'absence constatée.")
    reasons_days: int = setting(
        5, "Abandons, étape 2 : demander les motifs dans ce nombre de jours ouvrés après "
           "l'absence constatée.")
    reminder_days: int = setting(
        10, "Abandons, étape 6 : relancer avec une alternative dans ce nombre de jours ouvrés "
            "après la demande des motifs, tant que rien n'est décidé.")
    decision_days: int = setting(
        20, "Abandons, étape 7 : valider ou invalider l'abandon dans ce nombre de jours ouvrés "
            "après l'absence constatée.")
    attestation_days: int = setting(
        5, "Abandons, étape 8 : envoyer l'attestation dans ce nombre de jours ouvrés après la "
           "décision « Abandon validé ».")
    due_soon_days: int = setting(
        2, "Un point est « à échéance proche » quand son échéance tombe dans ce nombre de jours "
           "ouvrés (0 = le jour même).")
    closing_days: list[str] = setting(  # noqa: RUF009 - a field with a default_factory
        [], "Jours de fermeture de l'organisme, non comptés comme ouvrés : dates "
            "« AAAA-MM-JJ » ou périodes « AAAA-MM-JJ..AAAA-MM-JJ ».")
    holiday_subdivision: str = setting(
        "", "Jours fériés locaux : vide pour la France métropolitaine, « 57 », « 67 » ou "
            "« 68 » pour l'Alsace-Moselle (Vendredi saint et 26 décembre).")
    default_owner: str = setting(
        "Responsable qualité", "Responsable des points dont la ligne du registre n'en nomme "
                               "aucun (annulations, abandons, réclamations sans responsable).")
    owners: dict[str, str] = setting(  # noqa: RUF009 - a field with a default_factory
        {}, "Adresse électronique de chaque responsable, pour le rappel quotidien : "
            "[deadlines.owners] \"Nom\" = \"adresse\".")
    digest_hour: int = setting(
        8, "Le rappel quotidien part à partir de cette heure (0 à 23, heure de Paris), les jours "
           "ouvrés, une fois par jour et par responsable.")
    digest_sender: str = setting(
        "", "Adresse d'expédition du rappel quotidien ; vide = l'adresse de l'organisme.")

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.type == "int" or f.type is int:
                _check_int(f.name, getattr(self, f.name))
        if not 0 <= self.digest_hour <= 23:
            raise ConfigError(_bad("digest_hour", self.digest_hour, "an hour from 0 to 23"))
        if self.holiday_subdivision not in ("", *SUBDIVISIONS):
            raise ConfigError(_bad("holiday_subdivision", self.holiday_subdivision,
                                   '"" (metropolitan France), "57", "67" or "68"'))
        if not isinstance(self.owners, dict) or not all(
                isinstance(k, str) and k.strip() and isinstance(v, str) and _is_address(v)
                for k, v in self.owners.items()):
            raise ConfigError(_bad("owners", self.owners,
                                   'a table of "Name" = "address@domain" entries'))
        if self.digest_sender and not _is_address(self.digest_sender):
            raise ConfigError(_bad("digest_sender", self.digest_sender, "an email address"))
        self.closed_dates()  # validates closing_days

    def closed_dates(self) -> frozenset[date]:
        """Every day listed or covered by a range in ``closing_days``."""
        if not isinstance(self.closing_days, list):
            raise ConfigError(_bad("closing_days", self.closing_days, "a list of dates"))
        days: set[date] = set()
        for entry in self.closing_days:
            days.update(_closing_entry(entry))
        return frozenset(days)

    def calendar(self) -> WorkCalendar:
        """The working-day calendar these settings describe."""
        return WorkCalendar(subdivision=self.holiday_subdivision,
                            closing_days=self.closed_dates())


def _check_int(name: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DELAY:
        raise ConfigError(_bad(name, value, f"a whole number from 0 to {MAX_DELAY}"))


def _closing_entry(entry: object) -> list[date]:
    expected = '"YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD"'
    if not isinstance(entry, str):
        raise ConfigError(_bad("closing_days", entry, expected))
    first_text, _, last_text = entry.strip().partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat(last_text.strip()) if last_text else first
    except ValueError as exc:
        raise ConfigError(_bad("closing_days", entry, expected)) from exc
    if last < first or (last - first).days >= MAX_CLOSING_SPAN:
        raise ConfigError(_bad("closing_days", entry,
                               f"a range whose end follows its start, at most "
                               f"{MAX_CLOSING_SPAN} days long"))
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _is_address(text: str) -> bool:
    local, at, domain = text.strip().rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in text.strip()))


def _bad(name: str, value: object, expected: str) -> str:
    return f"setting {SECTION}.{name} = {value!r}: expected {expected}"
