"""The office the survey tests work in: a planning of two sessions, and helpers to drop exports.

« Excel avancé » (S-2026-060) ends on Sunday 14 June 2026 at 17:00 — « yesterday » for the
tests' clock, Monday 15 June 2026 10:00 — and « Management d'équipe » (S-2026-021) ended on
13 March 2026, three months before. The exports under ``tests/data/drop-survey-*`` are answers
of these participants.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from automation.clock import PARIS, FixedClock
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office
from automation.pipeline.report import Report

from .conftest import DATA
from .spine import register_rows, write_xlsx

NOW: Final = datetime(2026, 6, 15, 10, 0, tzinfo=PARIS)
HOT_REF: Final = "S-2026-060"
COLD_REF: Final = "S-2026-021"
PLANNING_HEADERS: Final = ["Réf. session", "Formation", "Début", "Fin", "Durée (h)",
                           "Formateur", "Lieu / lien", "Apprenant", "Email", "Entreprise",
                           "Prescripteur / financeur", "Email du prescripteur",
                           "Lien questionnaire à froid"]
PLANNING: Final[list[list[Any]]] = [
    PLANNING_HEADERS,
    [HOT_REF, "Excel avancé", datetime(2026, 6, 12, 9), datetime(2026, 6, 14, 17), 21,
     "Claire Formatrice", "Salle Matisse", "Marie Dupont", "marie.dupont@exemple.fr", "ACME",
     "OPCO Atlas", "conseil@opco-atlas.fr", None],
    [None] * 7 + ["Jean Petit", "jean.petit@exemple.fr", "Beta SARL", "France Travail",
                  "agence@francetravail-exemple.fr", None],
    [None] * 7 + ["Awa Diallo", "awa.diallo@exemple.fr", None, None, None, None],
    [None] * 7 + ["Paul Sansadresse", None, None, None, None, None],
    [COLD_REF, "Management d'équipe", datetime(2026, 3, 11, 9), datetime(2026, 3, 13, 17), 21,
     "Paul Coach", "Lyon", "Luc Martin", "luc.martin@exemple.fr", "Gamma", None, None,
     "https://forms.office.com/r/froid-{session}?email={email}"],
    [None] * 7 + ["Sophie Bernard", "sophie.bernard@exemple.fr", "Gamma", None, None, None],
    [None] * 7 + ["Marie Dupont", "marie.dupont@exemple.fr", "ACME", None, None, None],
]


def clock() -> FixedClock:
    return FixedClock(NOW)


def write_planning(root: Path) -> Path:
    return write_xlsx(root / "registers" / "sessions.xlsx", PLANNING)


def sample(prefix: str) -> Path:
    return next(DATA.glob(f"drop-survey-{prefix} *"))


def drop(office: Office, prefix: str, *, folder: str = "satisfaction") -> Report:
    """Copy a sample export into the inbox (``folder`` "" = its top), ingest it, catch up."""
    source = sample(prefix)
    target = office.config.inbox_dir / folder / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    report = ingest_file(office, target)
    catch_up(office)
    return report


def rows(office: Office, register: str) -> list[dict[str, Any]]:
    sheet = {"satisfaction": "Satisfaction", "reclamations": "Réclamations"}[register]
    return [{k: c.value for k, c in row.items()}
            for row in register_rows(office.config.binding(register).path, sheet)]
