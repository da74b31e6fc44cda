"""What every benchmark shares: repetitions, medians and min–max, a figure beside its baseline.

A benchmark measures its own figure and a baseline in the same run, three times each, and
reports them on one line::

    from common import ChildRun, measure, report, run_child

    ours = measure(lambda office: ingest(office), repeat=3, setup=fresh_office)
    floor = measure(lambda _: physical_floor(register))
    report("append 50 rows into 100,000", ours, floor, target=2.0)
    report("peak memory", run.peak_mb, limit=150, unit="MB")   # an absolute bound

which prints::

    append 50 rows into 100,000   1.23 s (1.20–1.31)
        | baseline 0.80 s (0.79–0.82)  ratio 1.54  ≤ 2  ok          (on one line)

``measure`` times a callable (``setup``, untimed, gives each repetition its argument);
``collect`` keeps values the callable returns (a child's own time, mails per second, MB);
``run_child`` runs a command in a child process and gives its wall time and its peak
memory (the largest resident set of the child and of every process it waited for — the
kernel's own figure, read with ``wait4``); ``run_tree`` also bounds the memory of the whole
process tree (a sandboxed reader that runs beside its parent counts with it). ``report``
prints and returns whether the target was met; ``exit_status()`` is 1 when a target was
missed in this process.

When ``run.py`` runs the benchmarks it sets ``BENCH_RESULTS`` to a file where each report
is also written as one JSON line, and prints them all again as a summary at the end.
The package's modules are compiled to bytecode on import of this module, as installing the
wheel (``pipx install``) does: an editable checkout run with ``PYTHONDONTWRITEBYTECODE``
would otherwise compile every module again in each child (0.1–0.2 s of each start-up).
``BENCH_QUICK=1`` asks a benchmark for a smaller version of itself (``quick()``), for
checking that it still runs; its figures mean nothing.
"""

from __future__ import annotations

import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

PACKAGE = Path(__file__).resolve().parent.parent / "automation"
compileall.compile_dir(PACKAGE, quiet=1)  # as an installed wheel has it (module docstring)

REPEAT = 3
_missed: list[str] = []


@dataclass(frozen=True)
class Figures:
    """The values of one figure over its repetitions, in ``unit``."""

    values: tuple[float, ...]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def scaled(self, factor: float, unit: str) -> Figures:
        return Figures(tuple(v * factor for v in self.values), unit)

    def text(self) -> str:
        if len(self.values) == 1:
            return f"{_number(self.median)} {self.unit}"
        return (f"{_number(self.median)} {self.unit} "
                f"({_number(self.low)}–{_number(self.high)})")


@dataclass(frozen=True)
class ChildRun:
    """A command run in a child process: wall time, peak memory, what it said, CPU time."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0  # user + system, of the child and of the processes it waited for


def quick() -> bool:
    """Whether the benchmark was asked for a small version of itself (``BENCH_QUICK=1``)."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def measure(fn: Callable[[T], object], repeat: int = REPEAT,
            setup: Callable[[], T] | None = None, unit: str = "s") -> Figures:
    """Time ``fn(setup())`` ``repeat`` times (``setup`` untimed; ``None`` when not given)."""
    values = []
    for _ in range(repeat):
        argument = setup() if setup is not None else None
        started = time.perf_counter()
        fn(argument)  # type: ignore[arg-type]  # None when no setup, as documented
        values.append(time.perf_counter() - started)
    return Figures(tuple(values), unit)


def collect(fn: Callable[[], float], repeat: int = REPEAT, unit: str = "s") -> Figures:
    """Keep the value ``fn()`` returns, ``repeat`` times (a child's own timing, a rate…)."""
    return Figures(tuple(float(fn()) for _ in range(repeat)), unit)


def figures(values: Sequence[float], unit: str = "s") -> Figures:
    return Figures(tuple(float(v) for v in values), unit)


def run_child(argv: Sequence[str | Path], *, cwd: Path | None = None,
              env: dict[str, str] | None = None) -> ChildRun:
    """Run ``argv``; its wall time, CPU time and peak resident memory (MB) as the kernel
    counts them.

    The child is reaped with ``wait4``, whose usage is the child's own: its ``ru_maxrss`` is
    the largest resident set of the child and of each process it waited for (a sandboxed
    reader, a converter), each counted alone.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(seconds, usage.ru_maxrss / 1024,  # kilobytes on Linux
                        process.returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"),
                        usage.ru_utime + usage.ru_stime)


@dataclass(frozen=True)
class TreeRun:
    """A command run with its process tree watched: the command's own figures, and the most
    memory its processes can have held at once (MB)."""

    run: ChildRun
    tree_peak_mb: float  # see run_tree: a bound the tree never exceeded
    peaks_mb: tuple[float, ...]  # each process's own peak, the command's first
    rss_mb: float  # the most the tree was seen holding at one reading


def run_tree(argv: Sequence[str | Path], *, cwd: Path | None = None,
             env: dict[str, str] | None = None, every: float = 0.025) -> TreeRun:
    """Run ``argv`` as :func:`run_child` does, reading every ``every`` seconds the memory of
    the command and of each process below it from ``/proc`` (Linux).

    A process's peak so far is its ``VmHWM`` (it only grows while the process runs; an
    ``exec`` starts it afresh, so the last reading counts). Between two readings, the tree
    held at most the peaks so far of the processes alive then, added up: the largest such sum
    is ``tree_peak_mb``. A process that grows between its last reading and its end is the only
    thing this can miss.
    """
    peaks: dict[tuple[int, str], float] = {}
    bound = held = 0.0
    previous: set[tuple[int, str]] = set()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env,
                                   stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            alive: set[tuple[int, str]] = set()
            rss = 0.0
            for each in _tree(process.pid):
                memory = _memory_kb(each)
                if memory is None:
                    continue
                key = (each, _started_at(each))
                alive.add(key)
                peaks[key] = memory[0] / 1024  # the last reading: see the docstring
                rss += memory[1] / 1024
            bound = max(bound, sum(peaks[key] for key in alive | previous))
            held = max(held, rss)
            previous = alive
            time.sleep(every)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = ChildRun(seconds, usage.ru_maxrss / 1024, process.returncode,
                       out.read().decode("utf-8", "replace"),
                       err.read().decode("utf-8", "replace"), usage.ru_utime + usage.ru_stime)
    # The command itself: the kernel's figure when no reading caught its last growth.
    own = max(next(iter(peaks.values()), 0.0), run.peak_mb if len(peaks) <= 1 else 0.0)
    return TreeRun(run, max(bound, own), (own, *list(peaks.values())[1:]), held)


def _tree(root: int) -> list[int]:
    """``root`` and every live process below it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found = [root]
    for pid in found:
        found.extend(child for child, parent in parents.items() if parent == pid)
    return found


def _memory_kb(pid: int) -> tuple[int, int] | None:
    """``(VmHWM, VmRSS)`` of ``pid`` in kB; None once it is gone (or a zombie)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    if "VmHWM" not in fields or "VmRSS" not in fields:
        return None
    return int(fields["VmHWM"].split()[0]), int(fields["VmRSS"].split()[0])


def _started_at(pid: int) -> str:
    """When ``pid`` started (a pid reused by a later process is another process)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return ""


def peak_mb() -> float:
    """This process's own peak resident memory so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(name: str, value: Figures | float, baseline: Figures | float | None = None, *,
           target: float | None = None, limit: float | None = None, unit: str = "s",
           baseline_name: str = "baseline", higher_is_better: bool = False) -> bool:
    """Print ``value`` beside ``baseline`` and their ratio; whether the target was met.

    ``target`` bounds the ratio of medians (``value / baseline``; with ``higher_is_better``
    it is a lower bound), ``limit`` bounds the median itself, in its unit.
    """
    mine = value if isinstance(value, Figures) else Figures((float(value),), unit)
    base = (baseline if isinstance(baseline, Figures) or baseline is None
            else Figures((float(baseline),), mine.unit))
    parts = [f"{name:<44} {mine.text():<26}"]
    ratio = None
    met = True
    if base is not None:
        ratio = mine.median / base.median if base.median else float("inf")
        parts.append(f"| {baseline_name} {base.text():<26} ratio {ratio:6.2f}")
        if target is not None:
            ok = ratio >= target if higher_is_better else ratio <= target
            parts.append(f"{'≥' if higher_is_better else '≤'} {_number(target)}")
            met = met and ok
    if limit is not None:
        ok = mine.median >= limit if higher_is_better else mine.median <= limit
        parts.append(f"{'≥' if higher_is_better else '≤'} {_number(limit)} {mine.unit}")
        met = met and ok
    if target is not None or limit is not None:
        parts.append("ok" if met else "MISSED")
    line = "  ".join(parts)
    print(line, flush=True)
    if not met:
        _missed.append(name)
    _record({"bench": Path(sys.argv[0]).name, "name": name, "line": line, "met": met,
             "median": mine.median, "min": mine.low, "max": mine.high, "unit": mine.unit,
             "baseline": None if base is None else base.median, "ratio": ratio,
             "target": target, "limit": limit})
    return met


def note(text: str) -> None:
    """A line of context (a set-up time, a size) that is no figure."""
    print(f"  {text}", flush=True)


def exit_status() -> int:
    """1 when a target was missed in this process, else 0."""
    return 1 if _missed else 0


def _record(entry: dict[str, Any]) -> None:
    target = os.environ.get("BENCH_RESULTS")
    if target:
        with Path(target).open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _number(value: float) -> str:
    if value != value:  # NaN
        return "?"
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3g}"
