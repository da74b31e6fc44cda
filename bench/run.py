"""Run every benchmark (``bench/bench_*.py``) in one go: ``make bench``.

Each benchmark runs in its own process and prints its figures beside their baselines (see
``common.py``); this runner then prints every figure again as one summary, and exits 1 when a
benchmark failed or missed a target.

    .venv/bin/python bench/run.py [NAME…]     # only the benchmarks whose file name has NAME
    BENCH_QUICK=1 .venv/bin/python bench/run.py   # small versions: do they still run?
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = [s for s in sorted(HERE.glob("bench_*.py"))
               if not argv or any(name in s.name for name in argv)]
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-results-") as folder:
        results = Path(folder) / "results.jsonl"
        env = {**os.environ, "BENCH_RESULTS": str(results)}
        for script in scripts:
            print(f"== {script.name}", flush=True)
            started = time.perf_counter()
            code = subprocess.run([sys.executable, str(script)], env=env, check=False).returncode
            print(f"   ({time.perf_counter() - started:.0f} s)", flush=True)
            if code != 0:
                failed.append(f"{script.name} (exit {code})")
        lines = ([json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
                 if results.exists() else [])
    print("\n== summary: each figure, median (min–max) of its repetitions, beside its baseline")
    current = None
    for entry in lines:
        if entry["bench"] != current:
            current = entry["bench"]
            print(f"-- {current}")
        print(f"  {entry['line']}")
    missed = [f"{e['bench']}: {e['name']}" for e in lines if not e["met"]]
    for name in missed:
        print(f"MISSED {name}")
    for name in failed:
        print(f"FAILED {name}")
    return 1 if failed or missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
