"""Anonymise one person in an office whose complaints register holds 10,000 rows.

Baseline, measured in the same run on a copy of the same workbook: one bare openpyxl load
and save. The anonymisation reads every register, the journal and the backups, rewrites the
person's rows through the writer, rewrites the rest of the workbook and each backup at the
XML level, and rebuilds the journal; it is a rare, deliberate command, so the target is
loose: at most 6 baselines with 3 backups.

    .venv/bin/python bench/bench_rgpd.py [--existing 10000] [--backups 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl

from automation.clock import PARIS, FixedClock
from automation.pipeline.office import open_office
from automation.pipeline.scaffold import init_office
from automation.records import StoredRow
from automation.registers.xlsx.appender import XmlAppender
from automation.rgpd.person import Person
from automation.rgpd.requests import anonymise

TARGET_RATIO = 6.0


def rows(count: int) -> list[StoredRow]:
    return [StoredRow("reclamations", f"REC-2026-{n:05d}", {
        "received_on": date(2026, 3, 1 + n % 28), "channel": "Email",
        "stakeholder": "Apprenant",
        "name": "Zoé Dupré" if n % 2000 == 7 else f"Déclarant {n}",
        "email": "zoe.dupre@exemple.fr" if n % 2000 == 7 else f"d{n}@exemple.fr",
        "training": "Anglais B1", "nature": "Réclamation", "subject": f"Objet {n}",
        "description": "Mme Dupré était là" if n % 500 == 3 else "Rien à signaler",
        "status": "Nouvelle", "source": "import.csv"}, "import.csv")
        for n in range(1, count + 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", type=int, default=10_000)
    parser.add_argument("--backups", type=int, default=3)
    args = parser.parse_args()
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "office"
        init_office(root, clock=clock)
        with open_office(root, clock=clock) as office:
            binding = office.config.binding("reclamations")
            XmlAppender(binding, backup_dir=office.backup_dir).append(rows(args.existing), [])
            for index in range(args.backups - 1):
                shutil.copy(binding.path, office.backup_dir / f"reclamations.20261120-0900"
                            f"{index:02d}-000000.xlsx")
            baseline_copy = shutil.copy(binding.path, Path(folder) / "baseline.xlsx")
            size = binding.path.stat().st_size / 1e6
            started = time.perf_counter()
            done = anonymise(office, Person.of(["Zoé Dupré"]))
            ours = time.perf_counter() - started
        assert done.outcome.rows["reclamations"] >= args.existing // 2000, done.outcome
        started = time.perf_counter()
        workbook = openpyxl.load_workbook(baseline_copy)
        workbook.save(baseline_copy)
        baseline = time.perf_counter() - started
    ratio = ours / baseline
    print(f"anonymise in a {args.existing}-row register ({size:.1f} MB), "
          f"{args.backups} backups: {ours:.2f} s")
    print(f"openpyxl bare load + save of the same workbook: {baseline:.2f} s")
    print(f"ratio {ratio:.2f} (target ≤ {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
