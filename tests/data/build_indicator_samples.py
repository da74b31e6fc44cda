"""Regenerate ``reg-indicators-2026/``: an office's registers holding a known year, for the
indicators tests (figures computed by hand in ``tests/test_indicators_office.py``).

Run from the repository root: ``.venv/bin/python tests/data/build_indicator_samples.py``.

The four registers are the default ones, created as ``init`` creates them, their rows appended
by the tool's own writer (so the cells are what the watcher writes: date cells, text, numbers);
the planning is written as an office keeps it (one row per participant, the session's columns
left blank under its first participant). The year 2026 holds three sessions (10 participants),
9 survey answers, complaints of every nature with their dates, dropouts and cancellations;
2025 holds one of each, which a 2026 figure must leave out.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook

from automation.records import StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.schema import REGISTERS_BY_KEY
from automation.registers.workbook import create_register
from automation.registers.xlsx.appender import XmlAppender

HERE: Final = Path(__file__).resolve().parent
OUT: Final = HERE / "reg-indicators-2026"
EXCEL: Final = "Excel avancé"
ENGLISH: Final = "Anglais professionnel"

SESSIONS: Final = [
    # ref, training, start, end, hours, trainer, participants
    ("S-EXC-01", EXCEL, datetime(2026, 3, 10, 9), datetime(2026, 3, 10, 17), 7,
     "Claire Formatrice", ["Alice Martin", "Bruno Petit", "Chloé Durand", "David Leroy"]),
    ("S-ANG-01", ENGLISH, datetime(2026, 6, 2, 9), datetime(2026, 6, 3, 17), 14, "John Smith",
     ["Inès Robert", "Jules Moreau"]),
    ("S-EXC-02", EXCEL, datetime(2026, 9, 15, 9), datetime(2026, 9, 15, 17), 7,
     "Claire Formatrice", ["Emma Simon", "Félix Laurent", "Gaëlle Michel", "Hugo Garcia"]),
    ("S-EXC-00", EXCEL, datetime(2025, 11, 20, 9), datetime(2025, 11, 20, 17), 7,
     "Claire Formatrice", ["Xavier Roux", "Yasmine Blanc", "Zoé Faure"]),
]


def _answer(day: date, survey: str, training: str, ref: str, overall: int,
            nps: int | None = None, welcome: int | None = None) -> dict[str, Any]:
    return {"answered_on": day, "survey": survey, "respondent": "Apprenant",
            "training": training, "session_ref": ref, "overall": overall, "nps": nps,
            "welcome": welcome}


ANSWERS: Final = [
    _answer(date(2026, 3, 10), "À chaud", EXCEL, "S-EXC-01", 5, 10, 5),
    _answer(date(2026, 3, 10), "À chaud", EXCEL, "S-EXC-01", 4, 9, 4),
    _answer(date(2026, 3, 11), "À chaud", EXCEL, "S-EXC-01", 3, 7, 4),
    _answer(date(2026, 9, 15), "À chaud", EXCEL, "S-EXC-02", 5, 6, 5),
    _answer(date(2026, 9, 16), "À chaud", EXCEL, "S-EXC-02", 2, 3, 2),
    _answer(date(2026, 9, 17), "À chaud", EXCEL, "", 4),
    _answer(date(2026, 6, 3), "À chaud", ENGLISH, "S-ANG-01", 5, 9, 5),
    _answer(date(2026, 6, 4), "À chaud", ENGLISH, "S-ANG-01", 5, 10, 4),
    _answer(date(2026, 9, 10), "À froid", ENGLISH, "S-ANG-01", 4, 8),
    _answer(date(2025, 11, 21), "À chaud", EXCEL, "S-EXC-00", 1, 0, 1),
]


def _complaint(day: date, nature: str, training: str, category: str = "", *,
               ack: date | None = None, answer: date | None = None,
               closed: date | None = None) -> dict[str, Any]:
    return {"received_on": day, "channel": "Email", "stakeholder": "Apprenant",
            "name": "Déclarant", "training": training, "nature": nature, "category": category,
            "subject": f"{nature} du {day:%d/%m/%Y}", "acknowledged_on": ack,
            "responded_on": answer, "closed_on": closed}


COMPLAINTS: Final = [
    _complaint(date(2026, 3, 11), "Réclamation", EXCEL, "Pédagogique", ack=date(2026, 3, 12),
               answer=date(2026, 3, 20), closed=date(2026, 3, 27)),
    _complaint(date(2026, 6, 5), "Réclamation", ENGLISH, "Logistique", ack=date(2026, 6, 10),
               answer=date(2026, 6, 19)),
    _complaint(date(2026, 9, 16), "Réclamation", "Excel avancé - session S-EXC-02 du 15/09",
               "Pédagogique"),
    _complaint(date(2026, 10, 1), "Difficulté", EXCEL, "Logistique"),
    _complaint(date(2026, 10, 5), "Aléa", ENGLISH, "Technique"),
    _complaint(date(2026, 4, 1), "Demande d'information", EXCEL),
    _complaint(date(2025, 12, 15), "Réclamation", EXCEL, "Administrative"),
]


def _dropout(learner: str, training: str, noted: date, decision: str, reason: str,
             planned: float, done: float) -> dict[str, Any]:
    return {"learner": learner, "training": training, "absence_noted_on": noted,
            "decision": decision, "reason": reason, "hours_planned": planned,
            "hours_done": done}


DROPOUTS: Final = [
    _dropout("Bruno Petit", EXCEL, date(2026, 3, 10), "Abandon validé", "Manque de temps", 7, 2),
    _dropout("Inès Robert", ENGLISH, date(2026, 6, 3), "Abandon validé", "Autre", 14, 7),
    _dropout("Félix Laurent", EXCEL, date(2026, 9, 15), "Abandon invalidé", "", 7, 7),
    _dropout("Zoé Faure", EXCEL, date(2025, 11, 20), "Abandon validé", "Autre", 7, 0),
]


def _cancellation(requested: datetime, training: str, ref: str, start: datetime,
                  initiator: str, person: str, kind: str, motive: str,
                  hours: float | None = None) -> dict[str, Any]:
    return {"requested_on": requested, "training": training, "session_ref": ref,
            "session_start": start, "initiator": initiator, "person": person, "kind": kind,
            "motive": motive, "session_hours": hours}


CANCELLATIONS: Final = [
    _cancellation(datetime(2026, 9, 14, 10), EXCEL, "S-EXC-02", datetime(2026, 9, 15, 9),
                  "Apprenant", "Emma Simon", "Annulation", "Annulation moins de 24 h avant", 7),
    _cancellation(datetime(2026, 6, 2, 12), ENGLISH, "S-ANG-01", datetime(2026, 6, 2, 9),
                  "Apprenant", "Jules Moreau", "Annulation", "Absence"),
    _cancellation(datetime(2026, 5, 20, 9), ENGLISH, "S-ANG-01", datetime(2026, 6, 2, 9),
                  "Organisme", "", "Report", "Formateur indisponible"),
    _cancellation(datetime(2025, 11, 19, 9), EXCEL, "S-EXC-00", datetime(2025, 11, 20, 9),
                  "Apprenant", "Xavier Roux", "Annulation", "Annulation plus de 24 h avant", 7),
]


def write_register(folder: Path, key: str, rows: list[dict[str, Any]]) -> Path:
    schema = REGISTERS_BY_KEY[key]
    binding = RegisterBinding(schema, folder / f"{key}.xlsx")
    create_register(binding, today=date(2026, 1, 2))
    stored = []
    for number, values in enumerate(rows, start=1):
        day = next(v for v in values.values() if isinstance(v, date))
        stored.append(StoredRow(key, f"{schema.prefix}-{day.year}-{number:04d}",
                                {k: v for k, v in values.items() if v not in (None, "")},
                                source="build_indicator_samples.py"))
    XmlAppender(binding, backup_dir=folder / ".backup").append(stored, [])
    return binding.path


def write_planning(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sessions"
    sheet.append(["Réf. session", "Formation", "Début", "Fin", "Durée (h)", "Formateur",
                  "Apprenant", "Email"])
    for ref, training, start, end, hours, trainer, people in SESSIONS:
        for index, person in enumerate(people):
            first = [ref, training, start, end, hours, trainer] if index == 0 else [None] * 6
            email = person.lower().replace(" ", ".") + "@exemple.fr"
            sheet.append([*first, person, email])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = "DD/MM/YYYY HH:MM"
    workbook.save(path)
    return path


def build(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    write_register(folder, "satisfaction", ANSWERS)
    write_register(folder, "reclamations", COMPLAINTS)
    write_register(folder, "abandons", DROPOUTS)
    write_register(folder, "annulations", CANCELLATIONS)
    write_planning(folder / "sessions.xlsx")
    shutil.rmtree(folder / ".backup", ignore_errors=True)
    return folder


if __name__ == "__main__":
    print(build(OUT))
