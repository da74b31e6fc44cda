"""``automation rgpd``: personal data — export (right of access), anonymise, purge."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from automation.errors import AutomationError, RegisterLocked
from automation.registers.schema import REGISTERS_BY_KEY

if TYPE_CHECKING:
    from automation.pipeline.office import Office
    from automation.rgpd.person import Person
    from automation.rgpd.requests import Done
    from automation.rgpd.scope import Scope

from . import main
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, console, fail, office_from


@main.group()
def rgpd() -> None:
    """Personal data (RGPD): export what is held about a person, anonymise, purge.

    \b
    Examples:
      automation rgpd export "Zoé Dupré"
      automation rgpd anonymise "Zoé Dupré" --dry-run
      automation rgpd purge --dry-run
    """


def _person(name: str, emails: tuple[str, ...]) -> Person:
    from automation.rgpd.person import Person, looks_like_email

    if looks_like_email(name):
        return Person.of([], [name, *emails])
    return Person.of([name], emails)


@rgpd.command()
@click.argument("name")
@click.option("--email", "emails", multiple=True, help="An address of the person (repeatable).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the .zip (default: rgpd/acces NAME DATE.zip).")
@click.pass_context
def export(ctx: click.Context, name: str, emails: tuple[str, ...], output: Path | None) -> None:
    """Write every row, letter, mail and journal entry about NAME to a .zip (right of access).

    NAME is a name (case and accents do not matter) or an e-mail address.

    \b
    Example:
      automation rgpd export "Zoé Dupré" --email zoe.dupre@exemple.fr
    """
    from automation.rgpd.export import default_path, write_export
    from automation.rgpd.scope import survey
    from automation.rgpd.targets import person_target

    with office_from(ctx) as office:
        try:
            target = person_target(office, _person(name, emails), preview=True)
            scope = survey(office, target)
            out = output or default_path(office, target.person.shown.split(",")[0])
            write_export(office, scope, target, out)
        except AutomationError as exc:
            fail(exc)
    about = sum(1 for r in scope.rows if r.about)
    console.print(f"{about} ligne(s), {len(scope.outbox)} courrier(s) ou pièce(s) jointe(s), "
                  f"{sum(1 for m in scope.mails if m.own)} mail(s) → {escape(str(out))}",
                  soft_wrap=True)
    if not about:
        console.print("[yellow]Aucune ligne ne nomme cette personne : vérifiez l'orthographe "
                      "ou donnez son adresse avec --email.[/yellow]")
    console.print("Cette archive contient des données personnelles : transmettez-la par un "
                  "moyen sûr, puis supprimez-la.")


@rgpd.command()
@click.argument("name")
@click.option("--email", "emails", multiple=True, help="An address of the person (repeatable).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Only show what would be changed.")
@click.pass_context
def anonymise(ctx: click.Context, name: str, emails: tuple[str, ...], yes: bool,
              dry_run: bool) -> None:
    """Replace NAME by a pseudonym everywhere; remove their letters and saved mails.

    Registers (and their Journal sheet and backups), the journal, the letter index and the
    copies the inbox keeps are rewritten; the person's letters, drafts, attachments and
    saved mails are removed. What will change is shown first.

    \b
    Examples:
      automation rgpd anonymise "Zoé Dupré" --dry-run
      automation rgpd anonymise zoe.dupre@exemple.fr --yes
    """
    from automation.rgpd.requests import anonymise as anonymise_person
    from automation.rgpd.requests import anonymise_scope

    person = _person(name, emails)
    with office_from(ctx) as office:
        try:
            scope = anonymise_scope(office, person)
        except AutomationError as exc:
            fail(exc)
        show_scope(office, scope, title=f"Anonymisation de {person.shown}")
        _carry_out(scope, lambda: anonymise_person(office, person), yes=yes, dry_run=dry_run,
                   nothing="Rien ne nomme cette personne : rien à faire.",
                   question="Anonymiser ces données ? C'est définitif.")


@rgpd.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Only show what would be changed.")
@click.pass_context
def purge(ctx: click.Context, yes: bool, dry_run: bool) -> None:
    """Anonymise every row past [rgpd] retention_years, with its letters and mails.

    A row's year is that of its training (the date each register uses is shown).

    \b
    Examples:
      automation rgpd purge --dry-run
      automation rgpd purge --yes
    """
    from automation.rgpd.requests import cutoff_year, purge_scope, retention_reason
    from automation.rgpd.requests import purge as purge_rows

    with office_from(ctx) as office:
        try:
            scope = purge_scope(office)
        except AutomationError as exc:
            fail(exc)
        years = office.config.rgpd.retention_years
        console.print(f"Durée de conservation : {years} an(s) après l'année de la formation "
                      f"({escape('[rgpd]')} retention_years) ; sont échues les lignes de "
                      f"{cutoff_year(office)} et avant.", soft_wrap=True)
        show_dates(office, scope)
        show_scope(office, scope, title=f"Purge ({retention_reason(years)})")
        _carry_out(scope, lambda: purge_rows(office), yes=yes, dry_run=dry_run,
                   nothing="Aucune ligne n'a dépassé la durée de conservation : rien à faire.",
                   question="Anonymiser ces lignes ? C'est définitif.")


def _carry_out(scope: Scope, act: Callable[[], Done], *, yes: bool, dry_run: bool,
               nothing: str, question: str) -> None:
    """Stop when there is nothing to do, on ``--dry-run`` or a « no »; else act and report."""
    if scope.empty:
        console.print(nothing)
        sys.exit(EXIT_OK)
    if dry_run or not _confirmed(yes, question):
        sys.exit(EXIT_OK if dry_run else EXIT_FAILED)
    try:
        done = act()
    except RegisterLocked as exc:
        name = exc.path.name if exc.path else "un registre"
        console.print(f"[red]Rien n'a été modifié :[/red] {escape(name)} est ouvert dans Excel "
                      "ou LibreOffice. Fermez-le (ou demandez à la personne qui l'a ouvert de le "
                      "fermer), puis relancez la commande.")
        console.print(f"Détail : {escape(str(exc))}")
        sys.exit(EXIT_USAGE)
    except AutomationError as exc:
        fail(exc)
    show_done(done)


def _confirmed(yes: bool, question: str) -> bool:
    if yes:
        return True
    try:
        answer = click.prompt(f"{question} [o/N]", default="n", show_default=False)
    except click.Abort:
        answer = ""
    if str(answer).strip().casefold() in {"o", "oui", "y", "yes"}:
        return True
    console.print("Rien n'a été modifié.")
    return False


def show_dates(office: Office, scope: Scope) -> None:
    """Which date decides each register's rows, and how many rows are past their period."""
    from automation.rgpd.fields import RETENTION_DATES

    counts = Counter(r.register for r in scope.changed_rows if r.about)
    console.print("Date qui décide de l'année de chaque ligne :")
    for key, fields in RETENTION_DATES.items():
        binding = office.config.binding(key)
        headers = " ; à défaut ".join(f"« {binding.header_of(f)} »" for f in fields)
        console.print(f"  {escape(REGISTERS_BY_KEY[key].title)} : {escape(headers)} — "
                      f"{counts.get(key, 0)} ligne(s) échue(s)", soft_wrap=True)


def show_scope(office: Office, scope: Scope, *, title: str) -> None:
    """What will be rewritten and removed, for the person to check before confirming."""
    from rich.table import Table

    table = Table(title=title)
    for column in ("Registre", "N°", "Ligne", "Concerne", "Colonnes remplacées"):
        table.add_column(column)
    for row in scope.changed_rows:
        binding = office.config.binding(row.register)
        fields = ", ".join(binding.header_of(k) for k in row.changes
                           if binding.schema.has(k)) or "—"
        table.add_row(row.register, row.record_id, str(row.line) if row.line else "journal",
                      "la personne" if row.about else "la mentionne", escape(fields))
    console.print(table)
    for label, paths in (("supprimé", scope.outbox), ("supprimé", [m.path for m in scope.mails]),
                         ("réécrit", scope.copies), ("réécrit", scope.workbooks)):
        for path in paths:
            console.print(f"{label} : {escape(str(path))}", soft_wrap=True)
    console.print(f"journal : {len(scope.journal)} entrée(s) réécrite(s) ; copies de sauvegarde "
                  f"parcourues : {len(scope.backups)}")
    for entry in scope.planning:
        console.print(f"[yellow]planning (tenu par l'organisme, jamais modifié par l'outil) : "
                      f"session {escape(entry.session_ref)}, {escape(entry.role)} "
                      f"{escape(entry.name)} — à corriger à la main[/yellow]")


def show_done(done: Done) -> None:
    outcome = done.outcome
    rows = sum(outcome.rows.values())
    code = f" (pseudonyme « Personne anonymisée {done.code} »)" if done.code else ""
    console.print(f"Fait{code} : {rows} ligne(s) réécrite(s) dans les registres, "
                  f"{outcome.journal_entries} entrée(s) du journal, {len(outcome.removed)} "
                  f"fichier(s) supprimé(s), {len(outcome.rewritten)} fichier(s) ou copie(s) "
                  "de sauvegarde réécrit(s).")
    if not outcome.journal_compacted:
        console.print("[yellow]Le journal est lu par un autre programme (automation status ?) "
                      ": ses anciennes pages seront effacées à sa prochaine écriture.[/yellow]")
    for failure in outcome.failed:
        console.print(f"[red]{escape(failure)}[/red]", soft_wrap=True)
    if outcome.failed:
        sys.exit(EXIT_FAILED)
