"""What every command shares: the console, the exit statuses, the log, opening the office."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Final, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from automation.errors import AutomationError

if TYPE_CHECKING:
    from automation.pipeline.office import Office


def _tolerant_streams() -> None:
    """A character the console cannot show becomes « ? », never an error.

    Windows' ``cmd.exe`` and PowerShell show French accents (Python writes to the console in
    UTF-16); redirected to a file or a pipe, output is in the ANSI code page (cp1252), which
    lacks a few characters (« → »): those are replaced rather than stopping the command.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


_tolerant_streams()
console = Console(highlight=False)

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1  # some rows, files or letters were refused or still fail
EXIT_USAGE: Final = 2  # a usage or configuration error
EXIT_CRASH: Final = 3  # an unexpected error: logged in full, one sentence on the console
EXIT_INTERRUPTED: Final = 130  # Ctrl-C


def fail(error: AutomationError) -> NoReturn:
    """Print ``error`` for the person at the keyboard and stop with status 2."""
    console.print(f"[red]Erreur :[/red] {escape(str(error))}", soft_wrap=True)
    sys.exit(EXIT_USAGE)


def start_logging(root: Path, *, verbose: bool = False) -> Path:
    """Log to the office's log file (or the user's, outside an office); return its path."""
    from automation.config import load_config
    from automation.logs import log_dir_for, setup_logging

    try:
        settings = load_config(root).logs
    except (AutomationError, OSError):  # the command itself reports a bad configuration
        settings = None
    return setup_logging(log_dir_for(root, settings), settings=settings, verbose=verbose)


def stop_on_signals(stop: threading.Event) -> None:
    """Ctrl-C, Ctrl-Break (Windows) and a service stop (SIGTERM) set ``stop``.

    The file in hand is finished first. Windows' Task Scheduler ends a task without a signal:
    the journal makes that as safe as a power cut.
    """
    import logging

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("automation.cli").info(
            "arrêt demandé (signal %d) : le fichier en cours est terminé d'abord", signum)
        stop.set()

    for name in ("SIGTERM", "SIGINT", "SIGBREAK"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, request_stop)


@contextmanager
def office_from(ctx: click.Context) -> Iterator[Office]:
    """The office named by ``--dir``, locked for writing; an error becomes status 2."""
    from automation.pipeline.office import open_office

    try:
        with open_office(ctx.obj) as office:
            yield office
    except AutomationError as exc:
        fail(exc)


@contextmanager
def office_view(ctx: click.Context) -> Iterator[Office]:
    """The office named by ``--dir``, for reading beside a running watcher (no lock)."""
    from automation.pipeline.status import view_office

    try:
        with view_office(ctx.obj) as office:
            yield office
    except AutomationError as exc:
        fail(exc)
