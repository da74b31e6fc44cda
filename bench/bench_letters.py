"""Benchmark: letters through ``produce_letter`` against a bare docxtpl loop, same template.

    .venv/bin/python bench/bench_letters.py [--count 200]

Both loops render the acknowledgment letter with the same context and save it, in a temporary
folder; the figure that matters is the ratio (target < 1.3): what naming, cleaning, error
translation and the atomic save cost on top of docxtpl itself.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

from automation.config import Organisation
from automation.letters import LetterKind, letter_context, produce_letter
from automation.records import StoredRow

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
ORG = Organisation(name="Formations Azur & Co", address="12 rue de France\n06000 Nice",
                   siret="12345678900012", nda="93060000006", email="contact@azur.fr",
                   phone="04 93 00 00 00", signatory="Claire Martin",
                   signatory_title="Directrice", city="Nice")
TODAY = date(2026, 11, 22)


def row(number: int) -> StoredRow:
    return StoredRow("reclamations", f"REC-2026-{number:04d}", {
        "received_on": date(2026, 11, 20), "channel": "Email", "stakeholder": "Apprenant",
        "name": f"Marie Dupont {number}", "training": "Excel avancé", "nature": "Réclamation",
        "subject": "Salle trop froide & bruyante <urgent>", "owner": "Paul Durand",
    }, source="bench")


def bare(count: int, out: Path) -> float:
    """docxtpl alone (contexts built beforehand, untimed): new template, render, save."""
    template = TEMPLATES / LetterKind.ACKNOWLEDGMENT.template
    contexts = [letter_context(ORG, row(n), today=TODAY) for n in range(1, count + 1)]
    start = time.perf_counter()
    for number, context in enumerate(contexts, start=1):
        doc = DocxTemplate(template)
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        doc.render(context, jinja_env=env, autoescape=True)
        doc.save(out / f"{number}.docx")
    return time.perf_counter() - start


def produced(count: int, out: Path) -> float:
    """The pipeline's call: context, cleaning, safe name, render, atomic save."""
    start = time.perf_counter()
    for number in range(1, count + 1):
        record = row(number)
        produce_letter(kind=LetterKind.ACKNOWLEDGMENT, org=ORG, templates_dir=TEMPLATES,
                       outbox_dir=out, row=record, today=TODAY, person=str(record.values["name"]))
    return time.perf_counter() - start


def _fresh(folder: Path) -> Path:
    folder.mkdir()
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="letters per loop (200)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds, each running both loops; the best of each is kept (3)")
    args = parser.parse_args()
    bases, ours_all = [], []
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as folder:
        root = Path(folder)
        bare(5, _fresh(root / "warm-bare"))  # warm-up: imports, file cache
        produced(5, _fresh(root / "warm-outbox"))
        for number in range(args.rounds):
            bases.append(bare(args.count, _fresh(root / f"bare-{number}")))
            ours_all.append(produced(args.count, _fresh(root / f"outbox-{number}")))
    base, ours = min(bases), min(ours_all)
    print(f"bare docxtpl   : {base:6.2f} s  ({base / args.count * 1000:5.1f} ms/letter)")
    print(f"produce_letter : {ours:6.2f} s  ({ours / args.count * 1000:5.1f} ms/letter)")
    print(f"ratio          : {ours / base:6.2f}  (target < 1.3)")


if __name__ == "__main__":
    main()
