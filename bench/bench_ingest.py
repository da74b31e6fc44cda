"""Ingest a 2,000-row survey export into a satisfaction register that holds 20,000 rows.

Baseline, measured in the same run: one bare openpyxl load and save of that register. Target:
the whole ingest (read, validate, journal, append, backup, filing) under 3 times the baseline.
One answer in fifty has a low overall score, as in a real survey: each opens a « Difficulté »
and its « suite à votre avis » letter, which the measured ingest includes.

    .venv/bin/python bench/bench_ingest.py [--existing 20000] [--rows 2000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from automation.clock import PARIS, FixedClock
from automation.pipeline.files import ingest_file
from automation.pipeline.office import open_office
from automation.pipeline.scaffold import init_office

HEADERS = ("Horodateur", "Type d'enquête", "Vous êtes", "Nom", "E-mail", "Formation",
           "Note globale", "Recommandation (0-10)", "Accueil", "Contenu", "Commentaires")


def build_register(office: Path, existing: int) -> Path:
    register = office / "registers" / "satisfaction.xlsx"
    workbook = openpyxl.load_workbook(register)
    sheet = workbook["Satisfaction"]
    start = date(2025, 1, 1)
    for n in range(existing):
        sheet.append([f"SAT-2025-{n + 1:05d}", start + timedelta(days=n % 300), "À chaud",
                      "Apprenant", f"Personne {n}", f"p{n}@exemple.fr", "Excel avancé",
                      f"S{n % 40}", 1 + n % 5, n % 11, 4, 4, 5, 4, 4, "Oui", "Très bien", "",
                      "", f"import-{n}.xlsx, ligne 2", datetime(2025, 1, 1, 9, 0)])
    workbook.save(register)
    return register


def build_export(path: Path, rows: int) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Export du questionnaire de satisfaction"])
    sheet.append([])
    sheet.append(list(HEADERS))
    for n in range(rows):
        sheet.append([datetime(2026, 11, 2, 8, 0) + timedelta(minutes=n), "À chaud", "Apprenant",
                      f"Répondant {n}", f"r{n}@exemple.fr", "Gestion de projet",
                      1 if n % 50 == 0 else 3 + n % 3,
                      n % 11, 5, 4, f"Commentaire n°{n} : très satisfait & content"])
    workbook.save(path)
    return path


def bare_openpyxl(register: Path, scratch: Path) -> float:
    started = time.perf_counter()
    workbook = openpyxl.load_workbook(register)
    workbook.save(scratch / "baseline.xlsx")
    return time.perf_counter() - started


def ours(template_office: Path, export: Path, scratch: Path, run: int) -> float:
    office_dir = scratch / f"office-{run}"
    shutil.copytree(template_office, office_dir)
    dropped = office_dir / "inbox" / "satisfaction" / export.name
    shutil.copyfile(export, dropped)
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    with open_office(office_dir, clock=clock) as office:
        started = time.perf_counter()
        report = ingest_file(office, dropped)
        elapsed = time.perf_counter() - started
    assert report.accepted > 0 and report.rejected == 0, report
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        scratch = Path(temp)
        office = scratch / "template-office"
        init_office(office, clock=FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)))
        register = build_register(office, args.existing)
        export = build_export(scratch / "enquete-export.xlsx", args.rows)
        baseline = [bare_openpyxl(register, scratch) for _ in range(args.repeat)]
        measured = [ours(office, export, scratch, n) for n in range(args.repeat)]
    base, mine = statistics.median(baseline), statistics.median(measured)
    print(f"ingest {args.rows} rows into a {args.existing}-row register: "
          f"{mine:.2f} s; bare openpyxl load+save: {base:.2f} s; "
          f"ratio {mine / base:.2f} (target < 3)")


if __name__ == "__main__":
    main()
