"""Regenerate the ``plan-*`` sample planning workbooks the procedures tests read.

Run from the repository root: ``.venv/bin/python tests/data/build_plan_samples.py``.

- ``plan-sessions.xlsx``: our default headers, two sessions (one on the night the clocks go
  forward, 29 March 2026), real date cells, the session's columns left blank under its first
  participant as offices often do.
- ``plan-sessions-office.xlsx``: an office's own planning — title rows, its own header names,
  dates typed as French text, a sheet named « Planning 2026 » after a « Notes » sheet.
- ``plan-sessions-addresses.xlsx``: ``plan-sessions.xlsx`` with the participants' and
  prescribers' postal addresses, typed on several lines in one cell (Alt+Entrée) or on one
  line with commas, for the letters' window envelopes.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Final

from openpyxl import Workbook

HERE: Final = Path(__file__).resolve().parent

HEADERS: Final = ["Réf. session", "Formation", "Début", "Fin", "Durée (h)", "Formateur",
                  "Lieu / lien", "Apprenant", "Email", "Entreprise", "Prescripteur / financeur",
                  "Email du prescripteur"]
EXCEL: Final = ("S-2026-031", "Excel avancé", datetime(2026, 3, 12, 9, 0),
                datetime(2026, 3, 12, 17, 0), 7, "Claire Formatrice", "Salle Matisse, Nice")
ENGLISH: Final = ("S-2026-044", "Anglais professionnel", datetime(2026, 3, 29, 9, 0),
                  datetime(2026, 3, 29, 12, 0), 3, "John Smith",
                  "https://visio.exemple.fr/anglais")
PEOPLE: Final = {
    "S-2026-031": [
        ("Marie Dupont", "marie.dupont@exemple.fr", "ACME", "OPCO Atlas",
         "conseil@opco-atlas.fr"),
        ("Jean Petit", "jean.petit@exemple.fr", "Beta SARL", "France Travail",
         "agence.nice@francetravail.fr"),
        ("Awa Diallo", "awa.diallo@exemple.fr", None, None, None),
    ],
    "S-2026-044": [
        ("Luc Martin", "luc.martin@exemple.fr", "Gamma", "OPCO EP", "suivi@opco-ep.fr"),
        ("Marie Dupont", "marie.dupont@exemple.fr", "ACME", "OPCO Atlas",
         "conseil@opco-atlas.fr"),
    ],
}


def default_planning(out: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sessions"
    sheet.append(HEADERS)
    for session in (EXCEL, ENGLISH):
        for index, person in enumerate(PEOPLE[session[0]]):
            # the session's columns are written on its first participant's row only
            sheet.append([*(session if index == 0 else (None,) * len(session)), *person])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.number_format = "DD/MM/YYYY HH:MM"
    workbook.save(out)


ADDRESSES: Final = {
    "Marie Dupont": ("3, rue des Lilas\nAppartement 12\n06100 Nice",
                     "OPCO Atlas – Délégation Sud\n45 avenue Jean Médecin\n06000 Nice"),
    "Jean Petit": ("8 avenue de la Californie, 06200 Nice", None),
    "Awa Diallo": (None, None),
    "Luc Martin": ("12 chemin des Oliviers\n06600 Antibes", "OPCO EP, 2 rue Fleurie, 75001 Paris"),
}


def planning_with_addresses(out: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sessions"
    sheet.append([*HEADERS, "Adresse postale", "Adresse du prescripteur"])
    for session in (EXCEL, ENGLISH):
        for index, person in enumerate(PEOPLE[session[0]]):
            sheet.append([*(session if index == 0 else (None,) * len(session)), *person,
                          *ADDRESSES[person[0]]])
    workbook.save(out)


def office_planning(out: Path) -> None:
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "Planning tenu par l'accueil — ne pas trier"
    sheet = workbook.create_sheet("Planning 2026")
    sheet["A1"] = "Planning des sessions 2026"
    sheet.append([])
    sheet.append(["Code", "Intitulé", "Date de début", "Date de fin", "Heures", "Intervenant",
                  "Salle", "Stagiaire", "Courriel", "Société", "Financeur",
                  "Mail prescripteur", "Remarques"])
    for ref, training, start, end, hours, trainer, place in (EXCEL, ENGLISH):
        for person in PEOPLE[ref]:
            sheet.append([ref, training, start.strftime("%d/%m/%Y %H:%M"),
                          end.strftime("%d/%m/%Y %H:%M"), hours, trainer, place, *person,
                          "—"])
    workbook.save(out)


def main() -> None:
    default_planning(HERE / "plan-sessions.xlsx")
    office_planning(HERE / "plan-sessions-office.xlsx")
    planning_with_addresses(HERE / "plan-sessions-addresses.xlsx")


if __name__ == "__main__":
    main()
