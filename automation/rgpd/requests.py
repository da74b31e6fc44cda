"""The three requests of ``automation rgpd``: look (``--dry-run``), then do.

Each request is surveyed first with a placeholder pseudonym (nothing is written, not even a
code), shown, and carried out only once confirmed: then the person gets their code and the
same survey is made again with it and applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from automation.pipeline.office import Office
from automation.rgpd.erase import Outcome, apply_scope
from automation.rgpd.person import Person
from automation.rgpd.retention import with_old_files
from automation.rgpd.scope import Scope, survey
from automation.rgpd.targets import expired_target, person_target

ON_REQUEST = "demande de la personne"


@dataclass(frozen=True)
class Done:
    scope: Scope
    outcome: Outcome
    code: str = ""


def anonymise_scope(office: Office, person: Person, *, preview: bool = True) -> Scope:
    return survey(office, person_target(office, person, preview=preview))


def anonymise(office: Office, person: Person) -> Done:
    """Replace ``person`` everywhere by their pseudonym; remove their letters and mails."""
    target = person_target(office, person, preview=False)
    scope = survey(office, target)
    outcome = apply_scope(office, scope, reason=ON_REQUEST, code=target.scrubber.code)
    return Done(scope, outcome, target.scrubber.code)


def retention_reason(years: int) -> str:
    return f"durée de conservation de {years} an{'s' if years > 1 else ''} échue"


def purge_scope(office: Office, *, preview: bool = True) -> Scope:
    years = office.config.rgpd.retention_years
    today = office.clock.now().date()
    target = expired_target(office, years=years, today=today, preview=preview)
    return with_old_files(office, survey(office, target), target, years=years, today=today)


def purge(office: Office) -> Done:
    """Anonymise every row past the retention period, with its letters, mails and copies."""
    scope = purge_scope(office, preview=False)
    years = office.config.rgpd.retention_years
    return Done(scope, apply_scope(office, scope, reason=retention_reason(years)))


def cutoff_year(office: Office) -> int:
    """Rows of this year and before are past their retention period today."""
    today: date = office.clock.now().date()
    return today.year - office.config.rgpd.retention_years - 1
