"""The ``[surveys]`` settings and the office's ``[[surveys.forms]]`` entries.

Declared like the sections of :mod:`automation.config` (default and help with every setting);
a bad value raises :class:`~automation.errors.ConfigError` naming it. Example::

    [surveys]
    hot_form_url = "https://forms.gle/aBcD"
    cold_form_url = "https://forms.office.com/r/XyZ"
    reminder_days = [3, 7]
    comment_rules = ["remboursement", "re:\\\\bplus jamais\\\\b"]

    [[surveys.forms]]          # written by `automation surveys adopt`, corrected by hand
    name = "Satisfaction à chaud"
    survey = "À chaud"
    [surveys.forms.questions]
    "Globalement, quel est votre niveau de satisfaction ?" = "overall"
    "Le rythme était-il adapté ?" = "content"
    [surveys.forms.scales]
    "Le rythme était-il adapté ?" = "1-4"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from automation.errors import ConfigError
from automation.mail_config import REGEX_PREFIX
from automation.settings import build_section, setting

if TYPE_CHECKING:
    from automation.intake.forms import FormEntry

SECTION: Final = "surveys"
FORMS_KEY: Final = "forms"


@dataclass(frozen=True)
class Surveys:
    invite: bool = setting(
        True, "Enquêtes : inviter chaque participant du planning par courriel (à chaud à la fin "
              "de sa session, à froid plus tard) et relancer ceux qui n'ont pas répondu.")
    hot_within_days: int = setting(
        15, "Enquêtes : une réponse arrivée au plus ce nombre de jours après la fin de la "
            "session est « À chaud », au-delà « À froid » ; une invitation part au plus tard ce "
            "nombre de jours après sa date.")
    cold_after_months: int = setting(
        3, "Enquêtes : l'invitation à l'enquête à froid part ce nombre de mois après la fin de "
           "la session.")
    reminder_days: list[int] = setting(  # noqa: RUF009 - setting() gives a list a factory
        [3, 7], "Enquêtes : relancer ceux qui n'ont pas répondu ce nombre de jours après "
                "l'invitation (une relance par nombre).")
    hot_form_url: str = setting(
        "", "Lien du questionnaire à chaud (la colonne « Lien questionnaire à chaud » du "
            "planning l'emporte) ; {nom}, {email} et {session} y sont remplacés.")
    cold_form_url: str = setting(
        "", "Lien du questionnaire à froid (la colonne « Lien questionnaire à froid » du "
            "planning l'emporte) ; {nom}, {email} et {session} y sont remplacés.")
    funders_form_url: str = setting(
        "", "Lien du questionnaire adressé une fois par an aux financeurs et entreprises.")
    funders_month: int = setting(
        6, "Mois (1 à 12) où financeurs et entreprises du planning sont sollicités, une fois "
           "par an ; 0 = jamais.")
    low_score: int = setting(
        2, "Une réponse dont la note globale est au plus celle-ci (sur 5) ouvre une "
           "« Difficulté » au registre des réclamations.")
    low_recommendation: int = setting(
        6, "Une recommandation au plus celle-ci (sur 10) avec un commentaire de mécontentement "
           "ouvre aussi une « Difficulté ».")
    comment_rules: list[str] = setting(  # noqa: RUF009 - setting() gives a list a factory
        [], "Mots (début de mot, accents ignorés) ou expressions « re: » qui, dans un "
            "commentaire, ouvrent à eux seuls une « Difficulté ».")
    sender: str = setting(
        "", "Adresse d'expédition des invitations ; vide = [mail.smtp] from_address, sinon "
            "l'adresse de l'organisme.")
    owner: str = setting(
        "", "Responsable des enquêtes dans `automation due` ; vide = [deadlines] "
            "default_owner.")

    def __post_init__(self) -> None:
        _between("hot_within_days", self.hot_within_days, 1, 90)
        _between("cold_after_months", self.cold_after_months, 1, 24)
        _between("funders_month", self.funders_month, 0, 12)
        _between("low_score", self.low_score, 0, 4)
        _between("low_recommendation", self.low_recommendation, 0, 10)
        days = self.reminder_days
        if any(not isinstance(d, int) or not 1 <= d <= 60 for d in days) or days != sorted(
                set(days)):
            raise ConfigError(f"setting {SECTION}.reminder_days = {days!r}: expected whole "
                              "numbers of days from 1 to 60, in increasing order")
        for pattern in self.comment_rules:
            if pattern.startswith(REGEX_PREFIX):
                try:
                    re.compile(pattern[len(REGEX_PREFIX):])
                except re.error as exc:
                    raise ConfigError(f"setting {SECTION}.comment_rules: {pattern!r} is not a "
                                      f"valid regular expression ({exc})") from exc

    def form_url(self, survey: str) -> str:
        return self.hot_form_url if survey == "À chaud" else self.cold_form_url


def _between(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"setting {SECTION}.{name} = {value!r}: expected a whole number from "
                          f"{low} to {high}")


SURVEY_SECTIONS: Final = {SECTION: Surveys}


def load_surveys(table: Mapping[str, Any], environ: Mapping[str, str], *,
                 where: str = "") -> tuple[Surveys, tuple[FormEntry, ...]]:
    """The ``[surveys]`` section and its ``[[surveys.forms]]`` entries."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: [surveys] must be a table")
    settings_table = {k: v for k, v in table.items() if k != FORMS_KEY}
    settings = build_section(SECTION, Surveys, settings_table, environ, where=where)
    if FORMS_KEY not in table:  # no form declared: the answers' readers need not be loaded
        return settings, ()
    # form_entries reads answers' scales with intake, which imports the configuration
    from automation.surveys.form_entries import form_entries

    return settings, form_entries(table[FORMS_KEY], where=where)
