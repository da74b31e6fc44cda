"""What every command shares: the console, the exit statuses, opening the office folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from automation.errors import AutomationError
from automation.pipeline.office import Office, open_office
from automation.pipeline.status import view_office

console = Console(highlight=False)

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1  # some rows, files or letters were refused or still fail
EXIT_USAGE: Final = 2  # a usage or configuration error


def fail(error: AutomationError) -> NoReturn:
    """Print ``error`` for the person at the keyboard and stop with status 2."""
    console.print(f"[red]error:[/red] {escape(str(error))}")
    sys.exit(EXIT_USAGE)


@contextmanager
def office_from(ctx: click.Context) -> Iterator[Office]:
    """The office named by ``--dir``, locked for writing; an error becomes status 2."""
    try:
        with open_office(ctx.obj) as office:
            yield office
    except AutomationError as exc:
        fail(exc)


@contextmanager
def office_view(ctx: click.Context) -> Iterator[Office]:
    """The office named by ``--dir``, for reading beside a running watcher (no lock)."""
    try:
        with view_office(ctx.obj) as office:
            yield office
    except AutomationError as exc:
        fail(exc)
