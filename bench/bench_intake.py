"""Intake of a dropped 20,000-row file into an empty register, beside a bare read of that file.

For each case (``intake_files.py`` writes the files in the shapes offices drop them: a Google
Forms survey CSV, a Microsoft Forms survey .xlsx, a complaints list saved from French Excel
as CSV) a fresh office is made by ``automation init``, the file is copied into its inbox
folder, and ``automation --dir OFFICE ingest FILE`` runs as its own process: start-up, the
sandboxed reader (a child process), validation, the journal, the register write, the backup,
the letters and the filing all count. Beside it, in the same run, the baseline reads the same
file in its own process: python-calamine for a workbook; for a CSV, which calamine does not
read, Python's ``csv`` module on the decoded text (the reader the tool itself uses for CSV).

Beside both, the intake's floor (``intake_floor.py``, its own process): the stages the tool's
durability rules require — the read, the journal committed, the rows written into the
register, the sheet read back, the snapshot committed — and nothing checked. It shows how much
of the ratio to a bare read no tool with that journal can avoid; the tool is also reported
beside it (no target: the issue's target is the bare read).

Figures (median and min–max of 3): wall time of each and their ratio (target ≤ 10); the peak
memory of the whole process tree — the ingest's process and its sandboxed reader, each one's
own peak added up (``common.run_tree``; ≤ 150 MB). Each run is checked: the register gains one
row per line of the file, and the survey cases write one « suite à votre avis » letter per
low score (one answer in fifty). The complaints office has its acknowledgment letters turned
off: 20,000 of them would time docxtpl (``bench_letters.py``), not the intake.

    .venv/bin/python bench/bench_intake.py [--rows 20000] [--cases google-forms ms-forms]
    BENCH_QUICK=1 .venv/bin/python bench/bench_intake.py     # 500 rows, once
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402
    ChildRun,
    TreeRun,
    figures,
    note,
    peak_mb,
    quick,
    report,
    run_child,
    run_tree,
)
from common import exit_status as missed  # noqa: E402

TARGET: Final = 10.0
LIMIT_MB: Final = 150.0
ROWS: Final = 20_000
LOW_EVERY: Final = 50  # intake_files.LOW_EVERY (not imported: it would import its libraries)


@dataclass(frozen=True)
class Case:
    kind: str  # intake_files.py's
    file_name: str
    folder: str  # inbox sub-folder = register
    register: str  # the register's file
    prefix: str  # its ids
    survey: bool  # low scores write letters

    @property
    def csv(self) -> bool:
        return self.file_name.endswith(".csv")


CASES: Final = (
    Case("google-forms", "Satisfaction à chaud Excel avancé (réponses).csv", "satisfaction",
         "satisfaction.xlsx", "SAT-", survey=True),
    Case("ms-forms", "Enquête de satisfaction(1-20000).xlsx", "satisfaction",
         "satisfaction.xlsx", "SAT-", survey=True),
    Case("complaints-csv", "Réclamations 2026.csv", "reclamations", "reclamations.xlsx",
         "REC-", survey=False),
)

# Run in children: this process never imports a library (see common.run_child).
_CALAMINE = ("import sys; from python_calamine import CalamineWorkbook; "
             "book = CalamineWorkbook.from_path(sys.argv[1]); "
             "rows = book.get_sheet_by_index(0).to_python(); print(len(rows))")
_CSV = ("import csv, io, sys; from pathlib import Path; data = Path(sys.argv[1]).read_bytes(); "
        "text = data.decode('utf-8-sig') if sys.argv[2] == 'utf-8' else data.decode('cp1252'); "
        "rows = list(csv.reader(io.StringIO(text, newline=''), delimiter=sys.argv[3])); "
        "print(len(rows))")
_COUNT = ("import sys; from python_calamine import CalamineWorkbook; "
          "sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0); "
          "print(sum(1 for row in sheet.iter_rows() if str(row[0]).startswith(sys.argv[2])))")


def automation() -> Path:
    return Path(sys.executable).parent / "automation"


def checked(run: ChildRun, what: str) -> ChildRun:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    return run


def build(case: Case, folder: Path, rows: int) -> Path:
    path = folder / case.file_name
    checked(run_child([sys.executable, HERE / "intake_files.py", case.kind, path, str(rows)]),
            f"intake_files.py {case.kind}")
    return path


def template_office(folder: Path) -> Path:
    """``automation init``, acknowledgments off (see the module docstring)."""
    office = folder / "template-office"
    checked(run_child([automation(), "init", office]), "automation init")
    config = office / "automation.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("# acknowledgment = true", "acknowledgment = false", 1),
                      encoding="utf-8")
    return office


def baseline(case: Case, path: Path) -> ChildRun:
    if case.csv:
        encoding, delimiter = ("utf-8", ",") if case.survey else ("cp1252", ";")
        argv = [sys.executable, "-c", _CSV, path, encoding, delimiter]
    else:
        argv = [sys.executable, "-c", _CALAMINE, path]
    return checked(run_child(argv), f"bare read of {path.name}")


def intake_floor(case: Case, template: Path, path: Path, scratch: Path) -> ChildRun:
    """``intake_floor.py`` on ``path`` and the template's empty register, in its own process."""
    journal = scratch / "floor-journal.sqlite3"
    for stale in scratch.glob("floor-journal.sqlite3*"):
        stale.unlink()
    encoding, delimiter = ("utf-8-sig", ",") if case.survey else ("cp1252", ";")
    return checked(run_child([sys.executable, HERE / "intake_floor.py", path,
                              template / "registers" / case.register, scratch / "floor.xlsx",
                              journal, "--encoding", encoding, "--delimiter", delimiter]),
                   f"intake_floor.py {path.name}")


def ingest(case: Case, template: Path, path: Path, scratch: Path, rows: int) -> TreeRun:
    """``automation ingest`` of ``path`` in a fresh copy of ``template``, checked."""
    office = scratch / "office"
    if office.exists():
        shutil.rmtree(office)
    shutil.copytree(template, office)
    dropped = office / "inbox" / case.folder / path.name
    shutil.copyfile(path, dropped)
    tree = run_tree([automation(), "--dir", office, "ingest", dropped], every=0.025)
    checked(tree.run, f"automation ingest {path.name}")
    count = checked(run_child([sys.executable, "-c", _COUNT,
                               office / "registers" / case.register, case.prefix]),
                    "counting the register's rows")
    if int(count.stdout) != rows:
        raise SystemExit(f"{case.register} holds {count.stdout.strip()} rows, not {rows}:\n"
                         f"{tree.run.stdout}")
    letters = len(list((office / "outbox").glob("*.docx")))
    wanted = len(range(0, rows, LOW_EVERY)) if case.survey else 0
    if letters != wanted:
        raise SystemExit(f"{letters} letters written, not {wanted}:\n{tree.run.stdout}")
    return tree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500 if quick() else ROWS)
    parser.add_argument("--cases", nargs="*", default=[c.kind for c in CASES],
                        choices=[c.kind for c in CASES])
    parser.add_argument("--repeat", type=int, default=1 if quick() else 3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as folder:
        root = Path(folder)
        template = template_office(root)
        note(f"this benchmark's own peak memory: {peak_mb():.1f} MB")
        for case in (c for c in CASES if c.kind in args.cases):
            path = build(case, root, args.rows)
            ours: list[TreeRun] = []
            bare: list[ChildRun] = []
            floors: list[ChildRun] = []
            for _ in range(args.repeat):
                ours.append(ingest(case, template, path, root, args.rows))
                bare.append(baseline(case, path))
                floors.append(intake_floor(case, template, path, root))
            tool = "csv module" if case.csv else "python-calamine"
            letters = len(range(0, args.rows, LOW_EVERY)) if case.survey else 0
            note(f"{case.kind}: {path.name}, {path.stat().st_size / 1e6:.1f} MB, "
                 f"{args.rows:,} rows, {letters} letters")
            report(f"intake {args.rows:,} rows, {case.kind}",
                   figures([r.run.seconds for r in ours]), figures([r.seconds for r in bare]),
                   target=TARGET, baseline_name=f"bare {tool} read")
            report(f"  the intake's floor, {case.kind}", figures([r.seconds for r in floors]),
                   figures([r.seconds for r in bare]), baseline_name=f"bare {tool} read")
            report(f"  intake beside its floor, {case.kind}",
                   figures([r.run.seconds for r in ours]), figures([r.seconds for r in floors]),
                   baseline_name="intake floor")
            note("the floor's stages (s): " + ", ".join(
                f"{name} {value:.2f}" for name, value in json.loads(floors[-1].stdout).items()))
            report(f"  peak memory, process tree, {case.kind}",
                   figures([r.tree_peak_mb for r in ours], "MB"),
                   figures([r.peak_mb for r in bare], "MB"), limit=LIMIT_MB,
                   baseline_name="bare read")
            last = ours[-1]
            note("each process's own peak: " + ", ".join(f"{p:.0f}" for p in last.peaks_mb)
                 + f" MB; the most held at once (sampled): {last.rss_mb:.0f} MB; "
                 f"CPU {last.run.cpu_seconds:.1f} s")
            path.unlink()
    return missed()


if __name__ == "__main__":
    sys.exit(main())
