"""Append 50 rows to an office's 50,000-row register through the XML-level appender.

Baseline, measured in the same run on a copy of the same workbook: one bare openpyxl load and
save (which, besides, loses the x14 dropdown and the data bar). Target: the append — backup,
read, splice, write, check, replace — in at most a quarter of the baseline.

    .venv/bin/python bench/bench_append.py [--existing 50000] [--rows 50]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import warnings
from datetime import date, datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from build_office_workbooks import SHEET_NAME, build_office_workbook  # noqa: E402

from automation.records import ChangeNote, StoredRow  # noqa: E402
from automation.registers.adopt import adopt_register  # noqa: E402
from automation.registers.binding import RegisterBinding  # noqa: E402
from automation.registers.schema import RECLAMATIONS  # noqa: E402
from automation.registers.xlsx.appender import XmlAppender  # noqa: E402

TARGET_RATIO = 0.25


def new_rows(count: int, first: int) -> list[StoredRow]:
    return [StoredRow("reclamations", f"REC-2026-{first + n}", {
        "received_on": date(2026, 11, 20), "channel": "Email", "stakeholder": "Apprenant",
        "name": f"Nouveau déclarant {n}", "email": f"nouveau{n}@exemple.fr",
        "training": "Anglais B1", "nature": "Réclamation", "subject": f"Objet {n}",
        "description": "=SOMME(A1:A9) reste du texte", "status": "Nouvelle",
        "source": "mail.eml"}, "mail.eml") for n in range(count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--existing", type=int, default=50_000, help="rows already in the register")
    parser.add_argument("--rows", type=int, default=50, help="rows to append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        register = build_office_workbook(root / "registre.xlsx", rows=args.existing)
        print(f"built a {args.existing}-row register ({register.stat().st_size / 1e6:.1f} MB) "
              f"in {time.perf_counter() - started:.1f} s")
        baseline_copy = shutil.copy(register, root / "baseline.xlsx")

        adoption = adopt_register(register, "reclamations", sheet=SHEET_NAME)
        binding = RegisterBinding(RECLAMATIONS, register, sheet=adoption.sheet,
                                  columns=adoption.mapping, adopted=True)
        appender = XmlAppender(binding, backup_dir=root / ".backup")
        rows = new_rows(args.rows, args.existing + 1)
        notes = [ChangeNote(datetime(2026, 11, 22, 10, 0), "Ajout", "mail.eml", r.record_id)
                 for r in rows]
        started = time.perf_counter()
        result = appender.append(rows, notes)
        ours = time.perf_counter() - started
        assert len(result.written) == args.rows, result

        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the x14 extensions it drops
            workbook = openpyxl.load_workbook(baseline_copy)
        workbook.save(baseline_copy)
        baseline = time.perf_counter() - started

    ratio = ours / baseline
    print(f"xml appender, {args.rows} rows into {args.existing}: {ours:.2f} s")
    print(f"openpyxl bare load + save of the same workbook: {baseline:.2f} s")
    print(f"ratio: {ratio:.3f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
