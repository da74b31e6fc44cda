"""Benchmark: start-up of ``automation --help`` and ``automation status``, as a scheduler runs them.

    .venv/bin/python bench/bench_startup.py [--repeat 3]

Each command runs as its own process (the installed ``automation`` script), on a small office
made by ``automation init`` with one complaint ingested (its row in the register, its
acknowledgment prepared). The baseline is a bare ``python -c pass`` of the same interpreter,
measured in the same run. Figures, for each command: wall time (target: under 0.5 s), CPU
seconds (user + system) and peak resident memory, each beside the baseline's; medians and
min–max of the repetitions. One untimed run of each first, so that no figure includes
writing the bytecode cache.

A child's peak memory, as the kernel counts it, starts from the resident size of the process
that forked it: this benchmark imports no library (the dropped workbook is written by a
child), so that its own size, printed first, stays below the figures it measures.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import ChildRun, exit_status, figures, note, peak_mb, report, run_child

START_LIMIT = 0.5  # seconds, wall, for --help and status

# A complaint as a person saves it from Excel (written in a child: openpyxl stays out of here).
WRITE_COMPLAINT = """
import sys, openpyxl
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.append(["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email",
              "Nature", "Objet"])
sheet.append(["20/11/2026", "Email", "Apprenant", "Martin Dupont", "martin.dupont@exemple.fr",
              "Réclamation", "Retard du formateur"])
workbook.save(sys.argv[1])
"""


def automation_command() -> list[str]:
    """The ``automation`` script installed beside this interpreter (what offices run)."""
    script = Path(sys.executable).with_name("automation")
    return [str(script)] if script.exists() else [sys.executable, "-m", "automation"]


def small_office(folder: Path) -> Path:
    """``automation init``, then one complaint dropped and ingested."""
    root = folder / "office"
    command = automation_command()
    checked(run_child([*command, "init", str(root)]))
    dropped = root / "inbox" / "reclamations" / "plainte.xlsx"
    dropped.parent.mkdir(parents=True, exist_ok=True)
    checked(run_child([sys.executable, "-c", WRITE_COMPLAINT, str(dropped)]))
    checked(run_child([*command, "--dir", str(root), "ingest", str(dropped)]))
    return root


def checked(run: ChildRun) -> ChildRun:
    if run.returncode != 0:
        raise SystemExit(f"exit {run.returncode}:\n{run.stdout}\n{run.stderr}")
    return run


def runs(argv: list[str], repeat: int) -> list[ChildRun]:
    checked(run_child(argv))  # untimed: the bytecode cache is written once
    return [checked(run_child(argv)) for _ in range(repeat)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    command = automation_command()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        root = small_office(Path(folder))
        note(f"office: automation init + 1 complaint ingested; command: {' '.join(command)}")
        note(f"this benchmark's own peak memory: {peak_mb():.1f} MB")
        bare = runs([sys.executable, "-c", "pass"], args.repeat)
        for name, argv in (("automation --help", [*command, "--help"]),
                           ("automation status", [*command, "--dir", str(root), "status"])):
            mine = runs(argv, args.repeat)
            report(f"{name}: wall", figures([r.seconds for r in mine]),
                   figures([r.seconds for r in bare]), limit=START_LIMIT,
                   baseline_name="python -c pass")
            report(f"{name}: CPU (user + system)", figures([r.cpu_seconds for r in mine]),
                   figures([r.cpu_seconds for r in bare]), baseline_name="python -c pass")
            report(f"{name}: peak memory", figures([r.peak_mb for r in mine], "MB"),
                   figures([r.peak_mb for r in bare], "MB"), baseline_name="python -c pass")
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
