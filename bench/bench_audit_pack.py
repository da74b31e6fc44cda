"""Benchmark: the audit pack of a year with 1,000 complaints and 20,000 answers (target < 60 s).

    .venv/bin/python bench/bench_audit_pack.py [--answers 20000] [--complaints 1000] [--no-pdf]

The office is the indicators benchmark's (``bench_indicators.build``: 20,400 participants in
the planning, 300 dropouts, 500 cancellations), plus 200 improvement actions and, for the
complete cases, the acknowledgment and answer letters of three complaints produced by the
tool. Timed: ``make_audit_pack`` for 2026 — reading every register and the journal, the
figures of the year and of each month, the charts, the extracts of the period, the evidence
archive and its index, the Word document, and its PDF when LibreOffice is installed (one
round: LibreOffice's start-up dominates the PDF). The baseline is a bare python-calamine read
of the same workbooks, measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench_indicators import NOW, _append, _day, bare_read, build

from automation.audit.pack import make_audit_pack
from automation.clock import FixedClock
from automation.indicators.period import year
from automation.letters.catalog import LetterKind
from automation.pipeline import letters
from automation.pipeline.office import open_office
from automation.pipeline.register_watch import look_at_register

TARGET = 60.0


def _improvement(root: Path, seed: int = 11) -> None:
    rng = random.Random(seed)
    _append(root, "actions", [
        {"opened_on": (d := _day(rng)), "origin": rng.choice(("Réclamation", "Enquête de "
                                                              "satisfaction", "Abandon")),
         "origin_ids": f"REC-2026-{rng.randint(1, 1000):05d}", "action": "Action",
         "due_on": d + timedelta(days=30), "status": rng.choice(("Ouverte", "Réalisée",
                                                                 "Efficace"))}
        for _ in range(200)])


def _letters(root: Path) -> None:
    with open_office(root, clock=FixedClock(NOW)) as office:
        # The watcher's first look: the rows are known to the journal, letters can name them.
        look_at_register(office, office.config.binding("reclamations"))
        with office.journal.transaction():
            for number in (1, 2, 3):
                for kind in (LetterKind.ACKNOWLEDGMENT, LetterKind.COMPLAINT_RESPONSE):
                    office.journal.queue_letter("reclamations", f"REC-2026-{number:05d}",
                                                kind.value, now=NOW, recipient_key="name")
        letters.produce_pending(office)


def pack(root: Path, *, pdf: bool) -> tuple[float, int, bool]:
    start = time.perf_counter()
    with open_office(root, clock=FixedClock(NOW)) as office:
        made = make_audit_pack(office, year(2026), now=NOW, pdf=pdf)
    return time.perf_counter() - start, len(made.entries), made.pdf is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--complaints", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as folder:
        root = Path(folder) / "office"
        started = time.perf_counter()
        build(root, args.answers, args.complaints)
        _improvement(root)
        _letters(root)
        print(f"set-up (untimed)      : {time.perf_counter() - started:6.2f} s")
        base = min(bare_read(root) for _ in range(args.rounds))
        docx = min(pack(root, pdf=False)[0] for _ in range(args.rounds))
        whole, files, has_pdf = pack(root, pdf=not args.no_pdf)
    print(f"bare calamine read    : {base:6.2f} s")
    print(f"pack without PDF      : {docx:6.2f} s  (ratio {docx / base:4.1f})")
    label = "pack with its PDF     " if has_pdf else "pack (no LibreOffice) "
    verdict = "ok" if whole < TARGET else "OVER TARGET"
    print(f"{label}: {whole:6.2f} s  (ratio {whole / base:4.1f}, target < {TARGET:.0f} s: "
          f"{verdict}; {files} files in the archive)")


if __name__ == "__main__":
    main()
