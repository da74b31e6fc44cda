"""Commands that show and finish what waits: status, letters.

Both read the journal without the office's process lock, so that they answer while
``automation watch`` runs; ``letters --pending`` produces letters only when no watcher runs
(a running watcher produces them again by itself once their template is saved).
"""

from __future__ import annotations

import sys
from datetime import datetime

import click
from rich.markup import escape
from rich.table import Table

from automation.letters.catalog import LetterKind
from automation.pipeline import store
from automation.pipeline.followup import follow_up
from automation.pipeline.status import OfficeStatus, is_busy, office_status
from automation.registers.journal import LetterJob, LetterStatus

from . import main
from .common import EXIT_FAILED, EXIT_OK, console, office_from, office_view


@main.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show the office at a glance: the watcher, what waits, what failed, what is late.

    Answers while ``automation watch`` runs.

    \b
    Example:
      automation status
    """
    with office_view(ctx) as office:
        print_status(office_status(office))


@main.command()
@click.option("--pending", is_flag=True,
              help="Produce again the letters a template error stopped, once it is fixed.")
@click.pass_context
def letters(ctx: click.Context, pending: bool) -> None:
    """List the letters not produced yet; with --pending, produce them again.

    A template with a broken tag leaves its letters pending, with the error naming the
    template and the place: fix the template in Word, then run ``automation letters
    --pending``. Exit status 1 while some letters still fail.

    \b
    Examples:
      automation letters
      automation letters --pending
    """
    with office_view(ctx) as office:
        jobs = office.journal.letters(statuses=[LetterStatus.PENDING, LetterStatus.FAILED])
        busy = is_busy(office)
    if not pending or busy:
        print_letters(jobs)
        if pending:
            console.print("[yellow]« automation watch » est en marche : il produit ces "
                          "courriers dès que leur modèle corrigé est enregistré.[/yellow]")
        sys.exit(EXIT_FAILED if any(j.status is LetterStatus.FAILED for j in jobs)
                 else EXIT_OK)
    with office_from(ctx) as office:
        store.flush(office)
        result = follow_up(office, retry_failed=True)
    for outcome in result.letters:
        console.print(f"- {outcome.job.record_id} — {_letter_label(outcome.job.kind)}",
                      soft_wrap=True)
        console.print(f"  [red]{escape(outcome.error)}[/red]" if outcome.error
                      else f"  produit : {escape(str(outcome.path))}", soft_wrap=True)
    failed = [o for o in result.letters if o.error]
    console.print(f"{len(result.letters) - len(failed)} courrier(s) produit(s), "
                  f"{len(failed)} en échec")
    for key, why in {**result.written.waiting, **result.written.failed}.items():
        console.print(f"{key}: dates en attente — {escape(why)}")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


def print_status(state: OfficeStatus) -> None:
    states = state.states
    if state.busy:
        since = _when(states.get("watcher_started", ""))
        console.print(f"Surveillance : en marche depuis {since}" if since
                      else "Surveillance : un autre processus travaille sur ce dossier")
    else:
        stopped = _when(states.get("watcher_stopped", ""))
        console.print("Surveillance : arrêtée" + (f" (depuis {stopped})" if stopped else ""))
    for label, key in (("Dernier fichier traité", "last_file"),
                       ("Dernier courriel traité", "last_mail"),
                       ("Dernier registre modifié", "last_register")):
        value = states.get(key, "")
        when, _, what = value.partition(" ")
        console.print(f"{label} : {escape(what)} ({_when(when)})" if what else f"{label} : —")
    if states.get("mailbox_error"):
        since = _when(states.get("mailbox_since", ""))
        console.print(f"[red]Boîte aux lettres injoignable[/red]"
                      f"{f' depuis {since}' if since else ''} : {escape(states['mailbox_error'])}")
    elif "last_mail" in states:
        console.print("Boîte aux lettres : joignable")
    if states.get("register_error"):
        console.print(f"[red]Registre illisible[/red] : {escape(states['register_error'])}")

    table = Table(title="Registres")
    for column in ("Registre", "Lignes", "En attente", "Dates à reporter", "Pourquoi"):
        table.add_column(column)
    waits = {w.register: w for w in state.waits}
    for key, count in state.rows.items():
        wait = waits.get(key)
        table.add_row(key, str(count), str(state.pending_rows.get(key, 0)),
                      str(state.cells_waiting.get(key, 0)),
                      f"{escape(wait.reason)} (depuis {_when(wait.since)})" if wait else "")
    console.print(table)

    for notice in state.owners:
        style = "red" if notice.stale else "yellow"
        console.print(f"[{style}]Classeur ouvert[/{style}] : {escape(notice.sentence())}",
                      soft_wrap=True)
    console.print(f"Courriers à produire : {state.queued_letters}")
    if state.failed_letters:
        print_letters(list(state.failed_letters))
        console.print("Corrigez le modèle, puis : automation letters --pending")
    if state.late is None:
        console.print(f"Points en retard : inconnus ({escape(state.late_error)})")
    else:
        console.print(f"Points en retard : {state.late} (détail : automation due)")
    if state.log_file is not None:
        console.print(f"Journal d'activité : {state.log_file}", soft_wrap=True)


def print_letters(jobs: list[LetterJob]) -> None:
    """The letters not produced: on a template error (with the error), or still to produce.

    One entry per letter, the error in full: it names the template and the place to fix.
    """
    if not jobs:
        console.print("Aucun courrier en attente.")
        return
    console.print(f"Courriers en attente ({len(jobs)}) :")
    for job in jobs:
        console.print(f"- {job.record_id} — {_letter_label(job.kind)} (modèle {job.kind}.docx)",
                      soft_wrap=True)
        state = escape(job.error) if job.status is LetterStatus.FAILED else "à produire"
        console.print(f"  {state}", soft_wrap=True)


def _letter_label(kind: str) -> str:
    try:
        return LetterKind(kind).label
    except ValueError:
        return kind


def _when(iso: str) -> str:
    """``2026-11-23T09:30:12+01:00`` → ``23/11/2026 09:30``; "" stays ""."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{moment:%d/%m/%Y %H:%M}"
