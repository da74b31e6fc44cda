"""Benchmark: 200 acknowledgment letters through ``produce_letter`` against a bare docxtpl loop.

    .venv/bin/python bench/bench_letters.py [--count 200]

Both loops write the same letters (same template, same contexts, built beforehand for the
bare loop) into a temporary folder; each repetition of each loop runs in a fresh process,
so the tool's figure includes preparing the template (once per process) and the bare loop
pays its own imports outside its timing. The pipeline's call does more than docxtpl's loop:
the context, the safe file name, the identity in the properties, the atomic save.
Target: ratio ≤ 0.3. The same is measured on an office's own template (tables, headers,
images: ``tests/data/tpl-office-accuse-reception.docx``), without a target.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import jinja2
from common import collect, exit_status, note, quick, report, run_child
from docxtpl import DocxTemplate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from automation.config import Organisation  # noqa: E402 - after the path
from automation.letters import LetterKind, letter_context, produce_letter  # noqa: E402
from automation.records import StoredRow  # noqa: E402

TEMPLATES = ROOT / "templates"
OFFICE_TEMPLATE = ROOT / "tests" / "data" / "tpl-office-accuse-reception.docx"
TODAY = date(2026, 11, 22)


def _row(number: int) -> StoredRow:
    return StoredRow("reclamations", f"REC-2026-{number:04d}", {
        "received_on": date(2026, 11, 20), "channel": "Email", "stakeholder": "Apprenant",
        "name": f"Marie Dupont {number}", "training": "Excel avancé", "nature": "Réclamation",
        "subject": "Salle trop froide & bruyante <urgent>", "owner": "Paul Durand",
    }, source="bench")


ORG = Organisation(name="Formations Azur & Co", address="12 rue de France\n06000 Nice",
                   siret="12345678900012", nda="93060000006", email="contact@azur.fr",
                   phone="04 93 00 00 00", signatory="Claire Martin",
                   signatory_title="Directrice", city="Nice")


def bare(count: int, out: Path, template: Path) -> float:
    """docxtpl alone (contexts built beforehand, untimed): new template, render, save."""
    contexts = [letter_context(ORG, _row(n), today=TODAY) for n in range(1, count + 1)]
    started = time.perf_counter()
    for number, context in enumerate(contexts, start=1):
        doc = DocxTemplate(template)
        env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
        doc.render(context, jinja_env=env, autoescape=True)
        doc.save(out / f"{number}.docx")
    return time.perf_counter() - started


def ours(count: int, out: Path, template: Path) -> float:
    """The pipeline's call: context, cleaning, safe name, render, atomic save."""
    templates = template.parent
    kind = LetterKind.ACKNOWLEDGMENT
    if template.name != kind.template:  # the office's template, under the default's name
        templates = out.parent / "templates"
        templates.mkdir(exist_ok=True)
        (templates / kind.template).write_bytes(template.read_bytes())
    started = time.perf_counter()
    for number in range(1, count + 1):
        record = _row(number)
        produce_letter(kind=kind, org=ORG, templates_dir=templates, outbox_dir=out,
                       row=record, today=TODAY, person=str(record.values["name"]))
    return time.perf_counter() - started


def child(which: str, count: int, template: Path) -> None:
    """One loop in this fresh process; prints its time as JSON."""
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as folder:
        out = Path(folder) / "out"
        out.mkdir()
        seconds = (bare if which == "bare" else ours)(count, out, template)
    print(json.dumps({"seconds": seconds}))


def in_child(which: str, count: int, template: Path) -> float:
    run = run_child([sys.executable, __file__, "--child", which, "--count", str(count),
                     "--template", str(template)], cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(f"{which} loop failed:\n{run.stderr}")
    return float(json.loads(run.stdout.strip().splitlines()[-1])["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20 if quick() else 200)
    parser.add_argument("--child", choices=["bare", "ours"])
    parser.add_argument("--template", type=Path,
                        default=TEMPLATES / "accuse-reception-reclamation.docx")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.count, args.template)
        return 0
    count = args.count
    for name, template, target in (("acknowledgment (default template)", args.template, 0.3),
                                   ("acknowledgment (office template)", OFFICE_TEMPLATE, None)):
        base = collect(lambda t=template: in_child("bare", count, t))
        mine = collect(lambda t=template: in_child("ours", count, t))
        report(f"{count} letters, {name}", mine, base, target=target,
               baseline_name="bare docxtpl")
        per = mine.scaled(1000 / count, "ms")
        note(f"{per.text()} a letter through produce_letter; docxtpl alone "
             f"{base.scaled(1000 / count, 'ms').text()}")
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
