"""Commands: init, ingest, watch, due (status and letters: :mod:`automation.cli.status`;
adopt: :mod:`automation.cli.adopt`)."""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from automation.errors import AutomationError, FileNotReady
from automation.registers.schema import DEFAULT_REGISTERS

from . import main
from . import status as _status  # noqa: F401 - adds the status and letters commands
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    console,
    fail,
    office_from,
    start_logging,
    stop_on_signals,
)

if TYPE_CHECKING:
    from automation.pipeline.report import Report

log = logging.getLogger(__name__)


@main.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init(ctx: click.Context, directory: Path | None) -> None:
    """Create an office folder: configuration, registers, templates, inbox.

    Existing files are never overwritten.

    \b
    Example:
      automation init /srv/qualite
    """
    from automation.clock import SystemClock
    from automation.pipeline.scaffold import init_office

    root = directory or ctx.obj
    try:
        created = init_office(root, clock=SystemClock())
    except AutomationError as exc:
        fail(exc)
    for path in created:
        console.print(f"créé : {escape(str(path))}")
    console.print(f"{len(created)} élément(s) créé(s) dans {escape(str(root.resolve()))} "
                  "(rien d'existant n'a été remplacé)")


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--register", type=click.Choice([r.key for r in DEFAULT_REGISTERS]),
              help="Register to append to (default: the inbox sub-folder, else the headers).")
@click.pass_context
def ingest(ctx: click.Context, files: tuple[Path, ...], register: str | None) -> None:
    """Process FILES (spreadsheets or saved mails) once and print what happened to them.

    A file inside inbox/ is filed as the watcher files it; a file kept elsewhere (your
    Documents) stays where it is: a copy is kept under inbox/processed/ or inbox/rejected/.
    Exit status: 0 when every row was handled, 1 when some rows or files were refused or
    must be tried again, 2 on a usage or configuration error.

    \b
    Examples:
      automation ingest inbox/reclamations/plaintes-mars.xlsx
      automation ingest ~/Documents/plainte-dupont.eml --register reclamations
    """
    # The sandboxed reader is already starting (``STARTS_READER``).
    from automation.arrival import Source
    from automation.pipeline.events import log_file as log_file_report
    from automation.pipeline.files import ingest_file
    from automation.pipeline.followup import catch_up
    from automation.pipeline.inbox import in_inbox, prepare_inbox

    reports: list[Report] = []
    problems: list[str] = []
    with office_from(ctx) as office:
        prepare_inbox(office)
        catch_up(office)
        for path in files:
            absolute = path.absolute()
            source = Source.FOLDER if in_inbox(office, absolute) else Source.INGEST
            try:
                reports.append(ingest_file(office, absolute, hint=register, source=source))
                log_file_report(reports[-1])
            except FileNotReady as exc:
                problems.append(f"{path.name} : fichier en cours de copie ou ouvert dans un "
                                f"autre programme ({exc}). Réessayez dans un moment.")
            except AutomationError as exc:
                problems.append(f"{path.name} : {exc}")
            except Exception:  # one file that breaks the tool never stops the others
                log.exception("%s: unexpected error", path)
                problems.append(f"{path.name} : erreur inattendue, rien n'a été enregistré "
                                "pour ce fichier. Le détail est dans le journal technique ; "
                                "transmettez-le à la personne qui administre l'outil.")
        catch_up(office)  # the dates of the letters just produced, into their rows
    print_summary(reports)
    for problem in problems:
        console.print(f"[yellow]{escape(problem)}[/yellow]")
    sys.exit(EXIT_OK if not problems and all(r.ok for r in reports) else EXIT_FAILED)


@main.command()
@click.option("--once", is_flag=True, help="Process what is in inbox/ now, then exit.")
@click.option("--poll", type=float, default=None, metavar="SECONDS",
              help="Poll every SECONDS instead of OS events (network shares).")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging details.")
@click.pass_context
def watch(ctx: click.Context, once: bool, poll: float | None, verbose: bool) -> None:
    """Watch inbox/ and registers/: append what is dropped, act on what people edit.

    A register saved by a person (a complaint marked « Résolue » with its answer, a step
    reached) gets the letters that follow, once, and their dates written back. The dashboard
    is refreshed, and each person in charge gets one reminder a day of what is late when an
    SMTP server is configured. Runs until stopped (Ctrl-C or SIGTERM finish the file in hand
    first).

    \b
    Example:
      automation watch --poll 5
    """
    from automation import __version__
    from automation.intake.sandbox import shared_reader
    from automation.logs import detail
    from automation.pipeline.reminders import smtp_send
    from automation.pipeline.watch import run_watcher

    log_file = start_logging(ctx.obj, verbose=verbose)
    stop = threading.Event()
    stop_on_signals(stop)
    shared_reader().start()  # ready for the first file, which need not wait for it
    with office_from(ctx) as office:
        logging.getLogger(__name__).info(
            "surveillance démarrée sur %s", office.config.root,
            extra=detail(version=__version__, pid=os.getpid(), log=log_file, once=once,
                         poll=poll))
        send = smtp_send(office.config.mail.smtp)  # the daily digest's way out, if any
        console.print(f"surveillance de {office.config.inbox_dir} et de "
                      f"{office.config.registers_dir} (Ctrl-C pour arrêter)" if not once
                      else f"traitement de {office.config.inbox_dir}")
        reports = run_watcher(office, stop=stop, once=once, poll=poll, send_digest=send,
                              on_report=lambda r: print_summary([r]) if not once else None)
    if once:
        print_summary(reports)


def print_summary(reports: list[Report]) -> None:
    """One line per file or mail: what went where, and why."""
    from rich.table import Table

    table = Table(title="Résumé")
    for column in ("Fichier", "Registre", "Acceptées", "Refusées", "Doublons", "Classé dans"):
        table.add_column(column)
    for report in reports:
        register = report.register + (" (d'après les en-têtes)" if report.routed_by_headers
                                       else "")
        filed = str(report.filed_to.parent.name) if report.filed_to else "—"
        table.add_row(escape(report.name), register or "—", str(report.accepted),
                      str(report.rejected), str(report.duplicates), filed)
        for child in report.attachments:
            table.add_row(f"  ↳ {escape(child.name)}", child.register or "—",
                          str(child.accepted), str(child.rejected), str(child.duplicates),
                          "pièce jointe")
    console.print(table)
    for report in reports:
        if report.message:
            console.print(f"{escape(report.name)} : {escape(report.message)}")
        for each in (report, *report.attachments):
            if each.rejection_copy:
                console.print(f"{escape(each.name)} : lignes refusées → "
                              f"{escape(str(each.rejection_copy))}")
        if report.waiting:
            console.print(f"{escape(report.name)} : lignes en attente — "
                          f"{escape(report.waiting)}")
        for letter in report.letters:
            console.print(f"courrier : {escape(str(letter))}")


@main.command()
@click.option("--all", "include_later", is_flag=True, help="Also list what falls due later.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Lines shown per person in charge, the most late first (0: all of them); "
                   "the dashboard lists them all.")
@click.pass_context
def due(ctx: click.Context, include_later: bool, limit: int) -> None:
    """List what is late or due soon, per person in charge; refresh the dashboard.

    \b
    Example:
      automation due
      automation due --limit 0
    """
    from automation.deadlines.dashboard import DASHBOARD_FILE
    from automation.deadlines.due import due_table
    from automation.pipeline.deadlines import due_now

    with office_from(ctx) as office:
        try:
            items = due_now(office, include_later=include_later)
        except AutomationError as exc:
            fail(exc)
        console.print(due_table(items, shown=limit))
        console.print(f"tableau de bord : {office.config.registers_dir / DASHBOARD_FILE}")
