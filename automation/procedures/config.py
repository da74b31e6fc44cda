"""The ``[cancellations]`` settings: which cancellation motives are billed.

Declared like the sections of :mod:`automation.config` (default and help with every setting).
The defaults follow PRODUCT.md: a learner who cancels more than 24 h before the
start is not billed; a late cancellation or an absence is; a session cancelled by the trainer
or the organisation is not. A motive the table does not cover ("Autre") leaves « Facturable »
empty for a person to fill. Example::

    [cancellations]
    billable_late_cancellation = false   # this office does not bill late cancellations
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

from automation.errors import ConfigError
from automation.settings import setting

SECTION: Final = "cancellations"
YES: Final = "Oui"
NO: Final = "Non"


@dataclass(frozen=True)
class Cancellations:
    billable_early_cancellation: bool = setting(
        False, "Annulations : une annulation par l'apprenant plus de 24 h avant le début "
               "(« Annulation plus de 24 h avant ») est facturée.")
    billable_late_cancellation: bool = setting(
        True, "Annulations : une annulation par l'apprenant moins de 24 h avant le début "
              "(« Annulation moins de 24 h avant ») est facturée.")
    billable_absence: bool = setting(
        True, "Annulations : une absence constatée après un tiers de la durée de la session "
              "(« Absence ») est facturée.")
    billable_trainer_unavailable: bool = setting(
        False, "Annulations : une session annulée parce que le formateur est indisponible est "
               "facturée.")
    billable_too_few_participants: bool = setting(
        False, "Annulations : une session annulée faute d'effectif suffisant est facturée.")
    billable_force_majeure: bool = setting(
        False, "Annulations : une annulation pour force majeure est facturée.")

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, bool):
                raise ConfigError(f"setting {SECTION}.{item.name} = {value!r}: expected "
                                  "true or false")

    def billable(self, motive: str) -> str:
        """« Oui » or « Non » for ``motive`` (a choice of the register); ``""`` when the
        policy does not say (``Autre``, or no motive): a person decides."""
        setting_name = BILLABLE_SETTING.get(motive)
        if setting_name is None:
            return ""
        return YES if getattr(self, setting_name) else NO


# Each motive of the « Annulations et reports » register (its exact French value) and the
# setting saying whether it is billed.
BILLABLE_SETTING: Final[dict[str, str]] = {
    "Annulation plus de 24 h avant": "billable_early_cancellation",
    "Annulation moins de 24 h avant": "billable_late_cancellation",
    "Absence": "billable_absence",
    "Formateur indisponible": "billable_trainer_unavailable",
    "Effectif insuffisant": "billable_too_few_participants",
    "Force majeure": "billable_force_majeure",
}
