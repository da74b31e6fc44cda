"""Append k rows to an office's register through ``automation ingest``, beside the physical floor.

For each register size (rows already in the office's register: a table, validations, an x14
dropdown, a Journal sheet, as ``tests/build_office_workbooks.py`` writes it) an office is
made once: ``automation init``, the register adopted with ``automation adopt --add-columns``,
and one file ingested, so that the journal knows the register as an office's journal does
(the tool wrote it last: the next append passes over its middle rows with the memo of that
write, as in an office between two saves by a person).
Then, for each k, a CSV of k complaints is dropped into a fresh copy of that office and
``automation ingest`` runs as a child process; beside it, in the same run, the physical
floor (``floor.py``: every zip entry copied, the sheet part rewritten once, streaming) runs as
its own child process on the same register and CSV. Figures: wall time of each (median and
min–max of 3), their ratio (target ≤ 2), and the peak resident memory of the ingest's whole
process tree — the command and its sandboxed reader, added up (``run_tree``; ≤ 150 MB).
Then the same for k = 50 (or the first k asked for) after a person saved the workbook since
the tool's last write (``_SAVE``: a cell selected elsewhere, every part deflated again, a new
time — what the tool sees of a save in Excel): the tool's memo of its write no longer fits,
so that append reads every row, as the first one after a person's save does.
Acknowledgment letters are turned off in the office: they are measured by
``bench_letters.py``, and here they would time docxtpl, not the append.

    .venv/bin/python bench/bench_append.py               # 1,000 and 10,000 rows; k = 1, 50, 1,000
    BENCH_FULL=1 .venv/bin/python bench/bench_append.py  # up to 100,000 rows
    .venv/bin/python bench/bench_append.py --sizes 50000 --ks 50
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import ChildRun, figures, note, quick, report, run_child, run_tree  # noqa: E402
from common import exit_status as missed  # noqa: E402

REGISTER = "Registre réclamations.xlsx"
SHEET_PART = "xl/worksheets/sheet1.xml"
HEADERS = ("Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email",
           "Formation / session", "Nature", "Objet", "Description")
SIZES = (1_000, 10_000)
FULL_SIZES = (1_000, 10_000, 50_000, 100_000)
KS = (1, 50, 1_000)
TARGET = 2.0
LIMIT_MB = 150.0


def automation() -> Path:
    return Path(sys.executable).parent / "automation"


def write_csv(path: Path, count: int, *, tag: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADERS)
        for n in range(count):
            out.writerow([f"{1 + n % 28:02d}/11/2026", "Email", "Apprenant",
                          f"Déclarant {tag} {n}", f"declarant.{tag}.{n}@exemple.fr",
                          "Anglais B1", "Réclamation", f"Objet {tag} {n}",
                          f"Description {tag} {n} : salle trop froide, le matin"])
    return path


def cli(office: Path, *args: str | Path) -> ChildRun:
    run = run_child([automation(), "--dir", office, *args])
    if run.returncode != 0:
        raise SystemExit(f"automation {' '.join(map(str, args))} failed ({run.returncode}):\n"
                         f"{run.stdout}\n{run.stderr}")
    return run


def make_office(folder: Path, size: int) -> Path:
    """An office whose register holds ``size`` rows, adopted, seen once by the journal; kept
    as ``template-SIZE``, copied back to ``office`` for each run."""
    office = folder / "office"
    if office.exists():
        shutil.rmtree(office)
    cli(office, "init")
    config = office / "automation.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("# acknowledgment = true", "acknowledgment = false", 1),
                      encoding="utf-8")
    register = office / "registers" / REGISTER
    built = run_child([sys.executable, "-c", _BUILD, HERE.parent / "tests", register, str(size)])
    if built.returncode != 0:
        raise SystemExit(f"the register could not be built:\n{built.stderr}")
    cli(office, "adopt", register, "--as", "reclamations", "--add-columns")
    warm = write_csv(office / "inbox" / "reclamations" / "premier-depot.csv", 1, tag="w")
    cli(office, "ingest", warm)
    template = folder / f"template-{size}"
    shutil.copytree(office, template)
    return template


# Run in children: a child's peak memory counts the parent's as it was when the child was
# forked, so this process never holds a register (neither to build it nor to check it).
_COUNT = ("import sys; from python_calamine import CalamineWorkbook; "
          "sheet = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0); "
          "print(sum(1 for row in sheet.iter_rows() if str(row[0]).startswith('REC-')))")
_SAVE = """
import sys, zipfile
path, sheet = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(path) as original:
    parts = [(info, original.read(info)) for info in original.infolist()]
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
    for info, data in parts:
        if info.filename == sheet:
            clicked = data.replace(b'activeCell="B7" sqref="B7"', b'activeCell="C9" sqref="C9"', 1)
            assert clicked != data, "no selection to move"
            data = clicked
        out.writestr(info, data, zipfile.ZIP_DEFLATED)
"""
_BUILD = ("import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
          "from build_office_workbooks import build_office_workbook; "
          "build_office_workbook(Path(sys.argv[2]), rows=int(sys.argv[3]))")


def ids_in(office: Path) -> int:
    """How many rows of the register have an id (read untimed, to check the run)."""
    run = run_child([sys.executable, "-c", _COUNT, office / "registers" / REGISTER])
    if run.returncode != 0:
        raise SystemExit(f"the register cannot be read:\n{run.stderr}")
    return int(run.stdout)


def one(template: Path, rows: Path, count: int, scratch: Path, *,
        saved: bool = False) -> tuple[ChildRun, ChildRun]:
    """``automation ingest`` of ``rows`` into a fresh copy of ``template`` (``saved``: saved
    by a person first, untimed), then the floor."""
    office = scratch / "office"
    if office.exists():
        shutil.rmtree(office)
    shutil.copytree(template, office)
    if saved:
        save = run_child([sys.executable, "-c", _SAVE, office / "registers" / REGISTER,
                          SHEET_PART])
        if save.returncode != 0:
            raise SystemExit(f"the person's save could not be made:\n{save.stderr}")
    dropped = Path(shutil.copy(rows, office / "inbox" / "reclamations" / rows.name))
    before = ids_in(office)
    tree = run_tree([automation(), "--dir", office, "ingest", dropped])
    if tree.run.returncode != 0:
        raise SystemExit(f"automation ingest failed ({tree.run.returncode}):\n"
                         f"{tree.run.stdout}\n{tree.run.stderr}")
    ours = replace(tree.run, peak_mb=tree.tree_peak_mb)  # with its sandboxed reader's
    if ids_in(office) != before + count:
        raise SystemExit(f"automation ingest did not append {count} rows:\n{ours.stdout}")
    floor = run_child([sys.executable, HERE / "floor.py", template / "registers" / REGISTER,
                       rows, scratch / "floor.xlsx", "--sheet", SHEET_PART])
    if floor.returncode != 0:
        raise SystemExit(f"floor.py failed:\n{floor.stderr}")
    return ours, floor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    full = os.environ.get("BENCH_FULL", "") not in ("", "0")
    parser.add_argument("--sizes", type=int, nargs="*",
                        default=list(FULL_SIZES if full else (1_000,) if quick() else SIZES))
    parser.add_argument("--ks", type=int, nargs="*", default=list((1,) if quick() else KS))
    parser.add_argument("--repeat", type=int, default=1 if quick() else 3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-append-") as folder:
        root = Path(folder)
        for size in args.sizes:
            started = time.perf_counter()
            template = make_office(root, size)
            register = template / "registers" / REGISTER
            note(f"office with a {size:,}-row register ({register.stat().st_size / 1e6:.1f} MB)"
                 f" made in {time.perf_counter() - started:.0f} s")
            saved_k = 50 if 50 in args.ks else args.ks[0]
            for k, saved in [*((k, False) for k in args.ks), (saved_k, True)]:
                ours: list[ChildRun] = []
                floors: list[ChildRun] = []
                for n in range(args.repeat):
                    rows = write_csv(root / f"depot-{size}-{k}-{n}.csv", k, tag=f"{k}-{n}")
                    mine, floor = one(template, rows, k, root, saved=saved)
                    ours.append(mine)
                    floors.append(floor)
                after = ", saved by a person" if saved else ""
                name = f"ingest {k:,} rows into {size:,}{after}"
                report(name, figures([r.seconds for r in ours]),
                       figures([r.seconds for r in floors]), target=TARGET,
                       baseline_name="floor")
                report(f"  peak memory, {k:,} into {size:,}{after}",
                       figures([r.peak_mb for r in ours], "MB"),
                       figures([r.peak_mb for r in floors], "MB"), limit=LIMIT_MB,
                       baseline_name="floor")
            shutil.rmtree(template)
    return missed()


if __name__ == "__main__":
    sys.exit(main())
