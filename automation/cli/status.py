"""Commands that show and finish what waits: status, letters (and ``letters sent``).

Both read the journal without the office's process lock, so that they answer while
``automation watch`` runs; ``letters --pending`` produces letters only when no watcher runs
(a running watcher produces them again by itself once their template is saved).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from . import main
from .common import EXIT_FAILED, EXIT_OK, console, office_from, office_view

if TYPE_CHECKING:
    from automation.pipeline.status import OfficeStatus
    from automation.registers.journal import LetterJob


@main.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show the office at a glance: the watcher, what waits, what failed, what is late.

    Answers while ``automation watch`` runs.

    \b
    Example:
      automation status
    """
    from automation.pipeline.status import office_status

    with office_view(ctx) as office:
        print_status(office_status(office))


@main.group(invoke_without_command=True)
@click.option("--pending", is_flag=True,
              help="Produce again the letters a template error stopped, once it is fixed.")
@click.pass_context
def letters(ctx: click.Context, pending: bool) -> None:
    """List the letters not produced yet and those prepared but not sent; with --pending,
    produce again those a template error stopped.

    A letter written to outbox/ is prepared, not sent: the register gets its date once it is
    sent — by the tool, from the mailbox, filed in outbox/envoyés/, or with
    ``automation letters sent``. A template with a broken tag leaves its letters failed, with
    the error naming the template and the place: fix the template in Word, then run
    ``automation letters --pending``. Exit status 1 while some letters still fail.

    \b
    Examples:
      automation letters
      automation letters --pending
      automation letters sent REC-2026-0001 --on 24/11/2026
    """
    if ctx.invoked_subcommand is not None:
        return
    from automation.pipeline import store
    from automation.pipeline.followup import follow_up
    from automation.pipeline.status import is_busy
    from automation.registers.journal import LetterStatus

    with office_view(ctx) as office:
        jobs = office.journal.letters(statuses=[LetterStatus.PENDING, LetterStatus.FAILED])
        prepared = office.journal.letters(statuses=[LetterStatus.DONE])
        busy = is_busy(office)
    if not pending or busy:
        print_letters(jobs)
        print_prepared(prepared)
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
                      else f"  préparé : {escape(str(outcome.path))}", soft_wrap=True)
    failed = [o for o in result.letters if o.error]
    console.print(f"{len(result.letters) - len(failed)} courrier(s) produit(s), "
                  f"{len(failed)} en échec")
    for key, why in {**result.written.waiting, **result.written.failed}.items():
        console.print(f"{key}: dates en attente — {escape(why)}")
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@letters.command("sent")
@click.argument("record_ids", nargs=-1, required=True, metavar="ID…")
@click.option("--on", "on", metavar="JJ/MM/AAAA", default="",
              help="The day the letter left (default: today).")
@click.pass_context
def letters_sent(ctx: click.Context, record_ids: tuple[str, ...], on: str) -> None:
    """Say that the prepared letters of ID… were sent (printed and posted, handed over…).

    Their date goes into the register (« Date d'accusé de réception », « Participants
    informés le »…) and the row's status moves on; a running watcher writes it. Exit status
    1 when an id has no letter waiting to be sent.

    \b
    Examples:
      automation letters sent REC-2026-0001
      automation letters sent ANN-2026-0003 ANN-2026-0004 --on 24/11/2026
    """
    from automation.pipeline.sent import declare_sent, today
    from automation.pipeline.status import is_busy
    from automation.pipeline.writeback import write_back

    with office_view(ctx) as office:
        busy = is_busy(office)
        day = _day(on, default=today(office))
        if busy:  # the watcher holds the office: it writes the dates at its next turn
            result = declare_sent(office, list(record_ids), on=day)
    if not busy:
        with office_from(ctx) as office:
            result = declare_sent(office, list(record_ids), on=day)
            written = write_back(office, sorted({j.register for j in result.marked}))
        for key, why in {**written.waiting, **written.failed}.items():
            console.print(f"{key} : dates en attente — {escape(why)}")
    for job in result.marked:
        console.print(f"- {job.record_id} — {_letter_label(job.kind)} : envoyé le "
                      f"{day:%d/%m/%Y}", soft_wrap=True)
    for problem in result.problems:
        console.print(f"[red]{escape(problem)}[/red]", soft_wrap=True)
    if busy and result.marked:
        console.print("« automation watch » reporte ces dates dans les registres.")
    sys.exit(EXIT_FAILED if result.problems else EXIT_OK)


def _day(text: str, *, default: date) -> date:
    from automation.deadlines.rules import as_date

    if not text.strip():
        return default
    found = as_date(text)
    if found is None:
        raise click.BadParameter(f"« {text} » n'est pas une date (JJ/MM/AAAA)",
                                 param_hint="--on")
    if found > default:
        raise click.BadParameter(f"le {found:%d/%m/%Y} n'est pas encore arrivé",
                                 param_hint="--on")
    return found


def print_status(state: OfficeStatus) -> None:
    from rich.table import Table

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
    console.print(f"Courriers préparés, non envoyés : {len(state.prepared_letters)}"
                  + (" (liste : automation letters)" if state.prepared_letters else ""))
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
    from automation.registers.journal import LetterStatus

    if not jobs:
        console.print("Aucun courrier en attente.")
        return
    console.print(f"Courriers en attente ({len(jobs)}) :")
    for job in jobs:
        console.print(f"- {job.record_id} — {_letter_label(job.kind)} (modèle {job.kind}.docx)",
                      soft_wrap=True)
        state = (escape(job.error) if job.status is LetterStatus.FAILED
                 else f"à produire — {escape(job.error)}" if job.error else "à produire")
        console.print(f"  {state}", soft_wrap=True)


def print_prepared(jobs: list[LetterJob]) -> None:
    """The letters prepared in outbox/ and not sent yet: the register waits for them."""
    if not jobs:
        console.print("Aucun courrier préparé en attente d'envoi.")
        return
    console.print(f"Courriers préparés, non envoyés ({len(jobs)}) — une fois envoyés, "
                  "classez-les dans outbox/envoyés/ ou lancez : automation letters sent N° :")
    for job in jobs:
        since = _when(job.prepared_at)
        console.print(f"- {job.record_id} — {_letter_label(job.kind)}"
                      f"{f' (préparé le {since})' if since else ''}", soft_wrap=True)
        if job.path:
            console.print(f"  {escape(job.path)}", soft_wrap=True)


def _letter_label(kind: str) -> str:
    from automation.letters.catalog import LetterKind

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
