"""A running watcher on an office with a 50,000-row register: how soon a drop is filed, how
soon SIGTERM stops it.

    .venv/bin/python bench/bench_watch.py [--size 50000]

The office is the one ``bench_append.py`` makes (an adopted register of ``size`` rows, seen
once by the journal), with its acknowledgments on. ``automation watch`` runs as a child
process, as the service runs it. Figures, three times each:

* a one-row CSV renamed into ``inbox/reclamations/`` once the start-up refresh of the
  dashboard is done: the time from its arrival to its leaving the inbox (its row in the
  register, its letter written), against the settle time (``watch.settle_seconds``, 2 s: a
  file is taken once it has not changed for that long) — target: within settle + 1 s;
* SIGTERM while the dashboard is refreshed (at start-up, and after a file): the time until
  the watcher has exited — target < 5 s;
* ``automation status`` beside the running watcher once its start-up refresh is done (the
  late count of that refresh is given again) — target < 0.5 s, as on a small office — and,
  for comparison, before any refresh (every register read and counted).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_append import HEADERS, REGISTER, automation, make_office  # noqa: E402
from common import exit_status as missed  # noqa: E402
from common import figures, note, quick, report, run_child  # noqa: E402

SETTLE = 2.0  # the default watch.settle_seconds
STOP_LIMIT = 5.0
STATUS_LIMIT = 0.5
POLL = 0.02


def start(office: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([automation(), "--dir", office, "watch"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition: Callable[[], bool], what: str, limit: float = 600.0) -> None:
    ends = time.monotonic() + limit
    while not condition():
        if time.monotonic() > ends:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(POLL)


def log_has(office: Path, text: str) -> bool:
    log = office / "registers" / ".logs" / "automation.log"
    return log.exists() and text in log.read_text(encoding="utf-8", errors="replace")


def dashboard_after(office: Path, since: float) -> bool:
    path = office / "registers" / "tableau-de-bord.xlsx"
    return path.exists() and path.stat().st_mtime > since


def drop(office: Path, n: int) -> Path:
    inbox = office / "inbox" / "reclamations"
    temporary = inbox / f".depot-{n}.tmp"
    values = ["20/11/2026", "Email", "Apprenant", f"Personne {n}", f"p{n}@exemple.fr",
              "Anglais B1", "Réclamation", f"Objet {n}", "Salle trop froide"]
    temporary.write_text(";".join(HEADERS) + "\n" + ";".join(values) + "\n", encoding="utf-8")
    target = inbox / f"depot-{n}.csv"
    temporary.replace(target)  # arrives whole, as a copy finished elsewhere would
    return target


def stop(process: subprocess.Popen[bytes]) -> float:
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait()
    return time.monotonic() - began


def status(office: Path) -> float:
    run = run_child([automation(), "--dir", office, "status"])
    if run.returncode != 0 or "Points en retard : " not in run.stdout:
        raise SystemExit(f"automation status failed ({run.returncode}):\n{run.stdout}")
    return run.seconds


def one_run(template: Path, office: Path,
            n: int) -> tuple[float, float, float, float, float]:
    """Latency of a drop; SIGTERM during the refresh after it; SIGTERM at start-up;
    ``status`` before any refresh, then beside the watcher once it refreshed."""
    if office.exists():
        shutil.rmtree(office)
    shutil.copytree(template, office)
    counted = status(office)
    began = time.time()
    watcher = start(office)
    try:
        wait_for(lambda: dashboard_after(office, began), "the start-up refresh")
        time.sleep(1.0)
        dropped = drop(office, n)
        arrived = time.monotonic()
        wait_for(lambda: not dropped.exists(), "the drop to be filed")
        latency = time.monotonic() - arrived
        time.sleep(0.5)  # the refresh the file asked for has begun
        after_file = stop(watcher)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    watcher = start(office)
    try:
        wait_for(lambda: log_has(office, "surveillance démarrée"), "the watcher to start", 60)
        time.sleep(1.0)  # inside the start-up refresh
        at_start = stop(watcher)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    began = time.time()
    watcher = start(office)
    try:
        wait_for(lambda: dashboard_after(office, began), "the start-up refresh")
        time.sleep(1.0)
        kept = status(office)
        stop(watcher)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    return latency, after_file, at_start, kept, counted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000 if quick() else 50_000)
    parser.add_argument("--repeat", type=int, default=1 if quick() else 3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-watch-") as folder:
        root = Path(folder)
        made = time.perf_counter()
        template = make_office(root, args.size)
        config = template / "automation.toml"  # acknowledgments on, as an office has them
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("acknowledgment = false", "# acknowledgment = true", 1),
                          encoding="utf-8")
        size_mb = (template / "registers" / REGISTER).stat().st_size / 1e6
        note(f"office with a {args.size:,}-row register ({size_mb:.1f} MB) made in "
             f"{time.perf_counter() - made:.0f} s")
        runs = [one_run(template, root / "office", n) for n in range(args.repeat)]
    size = f"{args.size:,}"
    report(f"1-row drop filed, {size}-row register", figures([r[0] for r in runs]), SETTLE,
           limit=SETTLE + 1.0, baseline_name="settle")
    report(f"SIGTERM during the refresh after a file, {size}", figures([r[1] for r in runs]),
           limit=STOP_LIMIT)
    report(f"SIGTERM during the start-up refresh, {size}", figures([r[2] for r in runs]),
           limit=STOP_LIMIT)
    report(f"status beside the watcher, {size}", figures([r[3] for r in runs]),
           figures([r[4] for r in runs]), limit=STATUS_LIMIT, baseline_name="counted")
    return missed()


if __name__ == "__main__":
    sys.exit(main())
