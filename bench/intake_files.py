"""Dropped files of N rows in the shapes offices drop them, for ``bench_intake.py``.

Run as a child (the benchmark itself imports no library, so that its size stays out of the
figures it measures)::

    .venv/bin/python bench/intake_files.py KIND OUT ROWS

KIND is one of :data:`KINDS`:

- ``google-forms``: a Google Forms survey downloaded as CSV — every field quoted, commas,
  UTF-8 with a BOM (as it comes back once opened and saved by a spreadsheet), Google's
  timestamp (``2026/06/14 16:45:10 UTC+2``) and the question texts of
  ``tests/data/build_survey_samples.py``;
- ``ms-forms``: a Microsoft Forms survey, « Ouvrir dans Excel » (.xlsx, real date cells,
  ``ID, Heure de début, …`` then per question the answer, its points and comments), written
  by the same function as the test samples;
- ``complaints-csv``: a complaints list typed in French Excel and saved as « CSV
  (séparateur : point-virgule) » — Windows-1252, CRLF, the headers of
  ``drop-reclamations-excel-40.csv``.

One answer in fifty has a low overall score and names its respondent: each opens a
« Difficulté » and its « suite à votre avis » letter (:func:`low_scores` says how many).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "data"))

from build_survey_samples import (  # noqa: E402
    MS_FORMS_FR,
    Q_APPLIED,
    Q_COMMENT,
    Q_CONTENT,
    Q_MEANS,
    Q_NPS,
    Q_OVERALL,
    Q_SUPPORT,
    Q_TEAM,
    Q_WELCOME,
    _csv,
    _ms_forms,
)

KINDS: Final = ("google-forms", "ms-forms", "complaints-csv")
LOW_EVERY: Final = 50  # one answer in fifty: overall score 2 on 5
_START: Final = datetime(2026, 6, 1, 8, 0, 0)
_WORDS: Final = ("Très satisfait", "Satisfait", "Moyennement satisfait", "Satisfait",
                 "Très satisfait")
_TRAININGS: Final = ("Excel avancé", "Management d'équipe", "Anglais B1", "Gestion de projet")


def low_scores(rows: int) -> int:
    """How many of ``rows`` answers call for a « suite à votre avis » letter."""
    return len(range(0, rows, LOW_EVERY))


def _low(n: int) -> bool:
    return n % LOW_EVERY == 0


def _person(n: int) -> tuple[str, str]:
    return f"Répondant{n} Hélène", f"repondant.{n}@exemple.fr"


def google_forms(out: Path, rows: int) -> None:
    table: list[list[object]] = [
        ["Horodateur", "Adresse e-mail", "Nom et prénom",
         "Quelle formation avez-vous suivie ?", Q_OVERALL, Q_NPS, Q_WELCOME, Q_CONTENT, Q_TEAM,
         Q_MEANS, Q_SUPPORT, Q_APPLIED, Q_COMMENT]]
    for n in range(rows):
        name, email = _person(n)
        when = _START + timedelta(minutes=3 * n, seconds=n % 60)
        low = _low(n)
        table.append([
            f"{when:%Y/%m/%d %H:%M:%S} UTC+2", email, name, _TRAININGS[n % 4],
            "2" if low else str(3 + n % 3), "3" if low else str(7 + n % 4),
            "Peu satisfait" if low else _WORDS[n % 5], str(6 + n % 5), str(3 + n % 3),
            "Satisfait", "" if n % 7 == 0 else str(4 + n % 2),
            "Non" if low else ("Oui", "En partie")[n % 2],
            "Formateur pas préparé, très déçu." if low else
            ("" if n % 3 else f"Très bonne formation n°{n}, merci ! Les exercices « Excel » "
                              "étaient adaptés.")])
    out.write_text(_csv(table, quote_all=True), encoding="utf-8-sig", newline="")


def ms_forms(out: Path, rows: int) -> None:
    answers: list[list[object]] = []
    for n in range(rows):
        name, email = _person(n)
        start = _START + timedelta(minutes=3 * n)
        low = _low(n)
        answers.append([start, start + timedelta(minutes=4, seconds=n % 60), email, name,
                        "Peu satisfait" if low else _WORDS[n % 5],
                        3 if low else 7 + n % 4,
                        "Moyennement satisfait" if low else _WORDS[(n + 2) % 5],
                        2 if low else 3 + n % 3,
                        "Trop de théorie, formatrice pas à l'écoute" if low else
                        (None if n % 3 else f"RAS, merci (réponse {n})")])
    _ms_forms(out, **MS_FORMS_FR, answers=answers)


def complaints_csv(out: Path, rows: int) -> None:
    lines = ["Reçu le;Objet;Nom;E-mail;Partie prenante;Canal;Nature"]
    for n in range(rows):
        day = _START + timedelta(days=n % 180)
        lines.append(f"{day:%d/%m/%Y};Réclamation n° {n} : café froid à l'accueil, 3 € "
                     f"le gobelet;Stagiaire Numéro {n} Hélène;stagiaire{n}@exemple.fr;"
                     f"Apprenant;{('Email', 'Téléphone', 'Courrier')[n % 3]};Réclamation")
    out.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


BUILDERS: Final = {"google-forms": google_forms, "ms-forms": ms_forms,
                   "complaints-csv": complaints_csv}


def main(argv: list[str]) -> int:
    kind, out, rows = argv
    BUILDERS[kind](Path(out), int(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
