"""``automation mail``: check the mailbox, list what was left for a person, sign in, fetch."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from automation.errors import AutomationError

from . import main
from .common import EXIT_USAGE, console, fail, office_from


@main.group()
def mail() -> None:
    """The office mailbox: check it, list mails left for a person, sign in.

    \b
    Example:
      automation mail check
    """


@mail.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Say which mailbox the configuration uses and whether it can be reached.

    \b
    Example:
      automation mail check
    """
    from automation.config import load_config
    from automation.mail_backends_config import exchange_online_warning
    from automation.pipeline.mailbox import open_source

    try:
        config = load_config(ctx.obj)
        kind = config.mail.mail.source
        console.print(f"source du courrier : {kind}")
        if kind == "exchange" and (warning := exchange_online_warning(config.exchange)):
            console.print(f"[yellow]{warning}[/yellow]")
        source = open_source(config)
        if source is None:
            console.print(f"les courriels enregistrés dans {config.inbox_dir} (et son dossier "
                          "mails/) sont lus ; aucune boîte aux lettres n'est configurée")
            return
        try:
            console.print(source.check())
        finally:
            source.close()
    except AutomationError as exc:
        console.print(f"[red]connexion impossible :[/red] {escape(str(exc))}")
        sys.exit(EXIT_USAGE)


@mail.command()
@click.pass_context
def pending(ctx: click.Context) -> None:
    """List mails no rule classified, or that could not be read: a person's to sort.

    \b
    Example:
      automation mail pending
    """
    from rich.table import Table

    with office_from(ctx) as office:
        left = office.journal.mails_left()
        table = Table(title=f"Courriels à traiter par une personne ({len(left)})")
        for column in ("Reçu le", "De", "Objet", "Où", "Pourquoi"):
            table.add_column(column)
        for entry in left:
            table.add_row(entry.received[:16].replace("T", " "), entry.sender, entry.subject,
                          entry.place, entry.reason)
        console.print(table)


@mail.command()
@click.pass_context
def fetch(ctx: click.Context) -> None:
    """Handle the new mail of the mailbox once, then exit.

    \b
    Example:
      automation mail fetch
    """
    from rich.table import Table

    from automation.pipeline.mailbox import open_source, poll_once

    with office_from(ctx) as office:
        try:
            source = open_source(office.config)
            if source is None:
                console.print("aucune boîte aux lettres n'est configurée ([mail] source = "
                              "\"folder\")", markup=False)
                return
            try:
                reports = poll_once(office, source)
            finally:
                source.close()
        except AutomationError as exc:
            fail(exc)
        table = Table(title="Courriels")
        for column in ("Objet", "Registre", "N°", "Règle", "Réponse", "Remarque"):
            table.add_column(column)
        for report in reports:
            table.add_row(report.subject, report.register or "—", report.record_id or "—",
                          report.rule, report.answered or "—",
                          report.left_for_a_person or ("déjà enregistré" if report.duplicate
                                                       else ""))
        console.print(table)


@mail.command()
@click.pass_context
def login(ctx: click.Context) -> None:
    """Sign in to Microsoft 365 with a device code (auth = "device_code").

    \b
    Example:
      automation mail login
    """
    from automation.config import load_config
    from automation.sources.graph import GraphSource

    try:
        config = load_config(ctx.obj)
        source = GraphSource.from_settings(config.graph, state_dir=config.registers_dir)
        console.print(source.login(click.echo))
    except AutomationError as exc:
        fail(exc)
