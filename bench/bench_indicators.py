"""Benchmark: the indicators of a year with 20,000 answers and 1,000 complaints (target < 5 s).

    .venv/bin/python bench/bench_indicators.py [--answers 20000] [--complaints 1000]

An office is made with ``init``; its registers get a year of rows through the tool's own writer
and its planning 20,400 participants in 1,700 sessions of 25 trainings. Timed, best of
``--rounds``: reading the registers and the planning and computing every figure of the year
for the whole office and each training, then the dashboard's figures (the same, plus the
whole office month by month). The baseline is a bare python-calamine read of the same five
workbooks, measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from automation.clock import PARIS, FixedClock
from automation.config import load_config
from automation.indicators.book import dashboard_book
from automation.indicators.compute import compute
from automation.indicators.load import office_data, office_rules
from automation.indicators.period import year
from automation.indicators.selection import Scope
from automation.pipeline.scaffold import init_office
from automation.procedures.planning import load_planning
from automation.records import StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.schema import REGISTERS_BY_KEY
from automation.registers.xlsx.appender import XmlAppender

NOW = datetime(2027, 1, 15, 10, tzinfo=PARIS)
TRAININGS = [f"Formation {n:02d}" for n in range(1, 26)]
SESSIONS, PARTICIPANTS = 1_700, 12


def _day(rng: random.Random) -> date:
    return date(2026, 1, 1) + timedelta(days=rng.randrange(365))


def _append(root: Path, key: str, rows: list[dict[str, object]]) -> None:
    schema = REGISTERS_BY_KEY[key]
    binding = RegisterBinding(schema, root / "registers" / f"{key}.xlsx")
    stored = [StoredRow(key, f"{schema.prefix}-2026-{n:05d}", values, source="bench")
              for n, values in enumerate(rows, start=1)]
    XmlAppender(binding, backup_dir=root / "registers" / ".backup").append(stored, [])


def build(root: Path, answers: int, complaints: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    init_office(root, clock=FixedClock(NOW))
    sessions = [(f"S-{n:05d}", TRAININGS[n % len(TRAININGS)],
                 datetime.combine(_day(rng), datetime.min.time()) + timedelta(hours=9))
                for n in range(SESSIONS)]
    planning = Workbook()
    sheet = planning.active
    assert sheet is not None
    sheet.append(["Réf. session", "Formation", "Début", "Durée (h)", "Formateur", "Apprenant",
                  "Email"])
    for ref, training, start in sessions:
        for person in range(PARTICIPANTS):
            sheet.append([ref, training, start, 7, f"Formateur {hash(training) % 9}",
                          f"Stagiaire {ref} {person}", f"{ref}.{person}@exemple.fr"])
    planning.save(root / "registers" / "sessions.xlsx")
    _append(root, "satisfaction", [
        {"answered_on": _day(rng), "survey": rng.choice(("À chaud", "À chaud", "À froid")),
         "training": (s := rng.choice(sessions))[1], "session_ref": s[0],
         "overall": rng.randint(1, 5), "nps": rng.randint(0, 10), "welcome": rng.randint(1, 5),
         "content": rng.randint(1, 5)} for _ in range(answers)])
    _append(root, "reclamations", [
        {"received_on": (d := _day(rng)), "channel": "Email", "stakeholder": "Apprenant",
         "name": "Déclarant", "training": rng.choice(TRAININGS),
         "nature": rng.choice(("Réclamation", "Réclamation", "Difficulté", "Aléa")),
         "category": rng.choice(("Pédagogique", "Logistique", "Administrative")),
         "subject": "Objet", "acknowledged_on": d + timedelta(days=rng.randint(0, 5)),
         "responded_on": d + timedelta(days=rng.randint(3, 30))} for _ in range(complaints)])
    _append(root, "abandons", [
        {"learner": f"Stagiaire {s[0]} 1", "training": (s := rng.choice(sessions))[1],
         "absence_noted_on": s[2].date(), "decision": rng.choice(("Abandon validé", "En cours")),
         "reason": "Manque de temps", "hours_planned": 7, "hours_done": 3} for _ in range(300)])
    _append(root, "annulations", [
        {"requested_on": (s := rng.choice(sessions))[2] - timedelta(days=2), "training": s[1],
         "session_ref": s[0], "session_start": s[2], "initiator": "Apprenant",
         "kind": "Annulation", "motive": "Annulation plus de 24 h avant", "session_hours": 7}
        for _ in range(500)])


def bare_read(root: Path) -> float:
    start = time.perf_counter()
    for name in ("satisfaction", "reclamations", "abandons", "annulations", "sessions"):
        book = CalamineWorkbook.from_path(str(root / "registers" / f"{name}.xlsx"))
        for sheet in book.sheet_names:
            book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return time.perf_counter() - start


def year_figures(root: Path) -> float:
    start = time.perf_counter()
    config = load_config(root)
    data = office_data(config)
    rules = office_rules(config, NOW.date())
    compute(data, Scope(year(2026)), rules, generated_at=NOW)
    for training in TRAININGS:
        compute(data, Scope(year(2026), training=training), rules, generated_at=NOW)
    return time.perf_counter() - start


def planning_read(root: Path) -> float:
    start = time.perf_counter()
    load_planning(load_config(root))
    return time.perf_counter() - start


def dashboard_figures(root: Path) -> float:
    start = time.perf_counter()
    config = load_config(root)
    dashboard_book(office_data(config), office_rules(config, NOW.date()), generated_at=NOW,
                   years=[2026])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--complaints", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-indicators-") as folder:
        root = Path(folder) / "office"
        started = time.perf_counter()
        build(root, args.answers, args.complaints)
        print(f"set-up (untimed)      : {time.perf_counter() - started:6.2f} s")
        base = min(bare_read(root) for _ in range(args.rounds))
        ours = min(year_figures(root) for _ in range(args.rounds))
        board = min(dashboard_figures(root) for _ in range(args.rounds))
        planning = min(planning_read(root) for _ in range(args.rounds))
    print(f"bare calamine read    : {base:6.2f} s")
    print(f"year, office+{len(TRAININGS)} trainings: {ours:6.2f} s  (ratio {ours / base:4.1f}, "
          f"target < 5 s)")
    print(f"dashboard figures     : {board:6.2f} s  (ratio {board / base:4.1f})")
    print(f"of which the planning : {planning:6.2f} s  (procedures.planning.load_planning)")


if __name__ == "__main__":
    main()
