"""Benchmark: letters converted to PDF, one LibreOffice call for a pass, against one per letter.

    .venv/bin/python bench/bench_pdf.py [--letters 20]

The acknowledgments of a mailbox pass are converted in one ``convert_to_pdf`` call (the
worker's own LibreOffice profile, kept between calls); the baseline is what the tool did
before: one call per letter, each with a new profile (measured on a few letters, per letter).
Figures: seconds a letter for 20 letters in one call (target ≤ 0.7 s), beside the baseline;
and one letter alone, for the record. Three repetitions each.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from common import exit_status, figures, note, quick, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from automation.config import Organisation  # noqa: E402 - after the path
from automation.letters import LetterKind, convert_to_pdf, produce_letter  # noqa: E402
from automation.letters.pdf import find_libreoffice  # noqa: E402
from automation.records import StoredRow  # noqa: E402

BASELINE_LETTERS = 3  # letters converted one call each, per repetition


def letters(count: int, outbox: Path) -> list[Path]:
    made = []
    for number in range(1, count + 1):
        row = StoredRow("reclamations", f"REC-2026-{number:04d}", {
            "received_on": date(2026, 11, 16), "channel": "Email", "stakeholder": "Apprenant",
            "name": f"Personne {number}", "nature": "Réclamation",
            "subject": f"Réclamation n°{number} : retard du formateur"}, source="bench")
        made.append(produce_letter(
            kind=LetterKind.ACKNOWLEDGMENT, org=Organisation(name="Organisme", city="Nice"),
            templates_dir=ROOT / "templates", outbox_dir=outbox, row=row,
            today=date(2026, 11, 23), person=f"Personne {number}"))
    return made


def one_call(docs: list[Path], out: Path) -> float:
    started = time.perf_counter()
    pdfs = convert_to_pdf(docs, out)
    seconds = time.perf_counter() - started
    assert len(pdfs) == len(docs)
    shutil.rmtree(out)
    return seconds


def one_call_each(docs: list[Path], out: Path) -> float:
    """The former way: a LibreOffice start, with a new profile, for every letter."""
    program = find_libreoffice()
    assert program is not None
    started = time.perf_counter()
    for doc in docs:
        with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
            subprocess.run([str(program), f"-env:UserInstallation={Path(profile).as_uri()}",
                            "--headless", "--norestore", "--nologo", "--nolockcheck",
                            "--convert-to", "pdf", "--outdir", str(out), str(doc)],
                           check=True, capture_output=True, timeout=300)
    seconds = time.perf_counter() - started
    shutil.rmtree(out)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=5 if quick() else 20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if find_libreoffice() is None:
        raise SystemExit("LibreOffice (soffice) is required: scripts/install-system-deps")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as temp:
        docs = letters(args.letters, Path(temp) / "outbox")
        one_call([docs[0]], Path(temp) / "warm")  # the worker's profile, set up once
        many, single, each = [], [], []
        for _ in range(args.repeat):
            many.append(one_call(docs, Path(temp) / "pdf") / len(docs))
            single.append(one_call([docs[0]], Path(temp) / "pdf"))
            each.append(one_call_each(docs[:BASELINE_LETTERS], Path(temp) / "pdf")
                        / BASELINE_LETTERS)
    base = figures(each, "s")
    report(f"{args.letters} letters in one call, a letter", figures(many, "s"), base,
           limit=0.7, baseline_name="one call per letter")
    report("1 letter alone, in one call", figures(single, "s"), base,
           baseline_name="one call per letter")
    note(f"baseline: {BASELINE_LETTERS} letters a repetition, each its own LibreOffice start "
         "with a new profile")
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
