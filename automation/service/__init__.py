"""Keeping the watcher running for years: a systemd unit on Linux, a scheduled task on Windows.

``automation service install`` makes the operating system start ``automation --dir OFFICE
watch`` at boot, restart it when it fails, and run it whether anyone is logged on or not:

* Linux (:mod:`.systemd`): a unit ``automation-<office>.service``, in the system's units
  (``/etc/systemd/system``, run as the office folder's owner) when installed as root, else in
  the user's (``~/.config/systemd/user``, with ``loginctl enable-linger`` so that it starts at
  boot without a login);
* Windows (:mod:`.windows`): a task ``\\automation\\<office>`` of the Task Scheduler, started
  at boot and every 5 minutes (a watcher already running makes the new start a no-op), with
  no time limit, registered with the account's password so that it runs with nobody logged on
  and reaches a network share.

Each operation is first a :class:`Plan` — the files to write or remove and the commands to
run — that ``--dry-run`` prints and :func:`carry_out` executes through a :class:`Runner`
(the real one runs the programs; tests give their own).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from automation.errors import ServiceError

__all__ = ["Outcome", "Plan", "Runner", "ServiceError", "ServiceFile", "ServiceState",
           "carry_out", "run_program", "service_name", "watch_command"]

PREFIX: Final = "automation"
MAX_SLUG: Final = 40


@dataclass(frozen=True)
class ServiceFile:
    path: Path
    content: bytes
    shown: str  # the content as a person reads it (--dry-run)


@dataclass(frozen=True)
class Plan:
    """What an install or uninstall does, in order: write, remove, then run."""

    system: str  # "systemd (système)", "systemd (utilisateur)", "Planificateur de tâches"
    name: str  # unit or task name
    write: tuple[ServiceFile, ...] = ()
    remove: tuple[Path, ...] = ()
    commands: tuple[tuple[str, ...], ...] = ()
    interactive: frozenset[int] = frozenset()  # indexes of commands that ask the person
    optional: frozenset[int] = frozenset()  # indexes of commands whose failure is only noted
    notes: tuple[str, ...] = ()  # French, for the person


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str


class Runner(Protocol):
    def __call__(self, command: Sequence[str], *, interactive: bool = False) -> Outcome: ...


def run_program(command: Sequence[str], *, interactive: bool = False) -> Outcome:
    """Run ``command``; an interactive one talks to the person directly (a password prompt)."""
    try:
        if interactive:
            return Outcome(subprocess.run(list(command), check=False).returncode, "")  # noqa: S603
        done = subprocess.run(list(command), check=False, capture_output=True, text=True,  # noqa: S603
                              errors="replace", timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Outcome(127, str(exc))
    return Outcome(done.returncode, (done.stdout + done.stderr).strip())


@dataclass(frozen=True)
class ServiceState:
    name: str
    system: str
    installed: bool
    running: bool
    detail: str = ""  # what the system says, as it says it
    where: str = ""  # the unit file or the task path
    lines: tuple[str, ...] = field(default_factory=tuple)  # French, for status and doctor


def service_name(root: Path) -> str:
    """``automation-`` and the office folder's name as plain ASCII: ``automation-qualite``."""
    text = unicodedata.normalize("NFKD", root.resolve().name)
    text = text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:MAX_SLUG].strip("-")
    return f"{PREFIX}-{slug or 'bureau'}"


def watch_command(root: Path) -> list[str]:
    """The exact command the service starts: this Python, this package, this office."""
    return [sys.executable, "-m", "automation", "--dir", str(root.resolve()), "watch"]


def on_windows() -> bool:
    return os.name == "nt"


def carry_out(plan: Plan, run: Runner) -> list[str]:
    """Write and remove the plan's files, run its commands; French lines of what was done.

    Raises :class:`ServiceError` when a required command fails (the files stay written, so
    that running the command again by hand finishes the job).
    """
    done: list[str] = []
    for item in plan.write:
        try:
            item.path.parent.mkdir(parents=True, exist_ok=True)
            item.path.write_bytes(item.content)
        except OSError as exc:
            raise ServiceError(
                f"{item.path} ne peut pas être écrit ({exc.strerror or exc}) : pour un service "
                "du système, lancez la commande en administrateur (sudo), sinon ajoutez "
                "--user") from exc
        done.append(f"écrit : {item.path}")
    for path in plan.remove:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise ServiceError(f"{path} ne peut pas être supprimé ({exc.strerror or exc})"
                               ) from exc
        done.append(f"supprimé : {path}")
    for index, command in enumerate(plan.commands):
        outcome = run(command, interactive=index in plan.interactive)
        shown = " ".join(command)
        if outcome.code == 0:
            done.append(f"fait : {shown}")
        elif index in plan.optional:
            done.append(f"non fait ({outcome.output or outcome.code}) : {shown}")
        else:
            raise ServiceError(f"la commande « {shown} » a échoué (code {outcome.code}) : "
                               f"{outcome.output or 'sans message'}")
    return done
