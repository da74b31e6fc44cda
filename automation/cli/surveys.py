"""Commands of the satisfaction surveys: adopt a form, send what is due, response rates."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from automation.errors import AutomationError

from . import main
from .common import EXIT_FAILED, EXIT_OK, console, fail, office_from


@main.group()
def surveys() -> None:
    """Satisfaction surveys: form exports, invitations and reminders, response rates.

    \b
    Example:
      automation surveys adopt "Satisfaction à chaud.csv" --survey chaud
    """


@surveys.command()
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="The form's name in automation.toml (default: the file name).")
@click.option("--survey", type=click.Choice(["chaud", "froid"]),
              help="Every answer of this form is « À chaud » or « À froid ».")
@click.option("--training", help="Every answer of this form is about this training.")
@click.option("--field", "fields", multiple=True, metavar="QUESTION=FIELD",
              help="The field a question gives (overall, nps, welcome, content, team, means, "
                   "support, applied, comment, name, email, training, session_ref, respondent, "
                   "survey, answered_on; nothing after = for « Autres informations »). "
                   "The question may be shortened to its beginning. Repeatable.")
@click.option("--scale", "scales", multiple=True, metavar="QUESTION=SCALE",
              help="The scale of a question: 1-5, 1-10, 0-10, 1-4, mots. Repeatable.")
@click.option("--dry-run", is_flag=True, help="Show the mapping; record nothing.")
@click.pass_context
def adopt(ctx: click.Context, export: Path, name: str | None, survey: str | None,
          training: str | None, fields: tuple[str, ...], scales: tuple[str, ...],
          dry_run: bool) -> None:
    """Show how a survey EXPORT is read, and record it as one of the office's forms.

    The next export of the same form is read the same way, with no question asked.

    \b
    Example:
      automation surveys adopt "Enquête(1-12).xlsx" --training "Excel avancé" \\
          --field "Le rythme était-il adapté ?=content" --scale "Le rythme=1-4"
    """
    from rich.table import Table

    from automation.config import CONFIG_FILE, load_config
    from automation.surveys.adoption import adopt_form, record_form
    from automation.surveys.schedule import COLD, HOT

    try:
        config = load_config(ctx.obj)
        adoption = adopt_form(export, name=name or "",
                              survey={"chaud": HOT, "froid": COLD}.get(survey or "", ""),
                              training=training or "", fields=fields, scales=scales)
    except AutomationError as exc:
        fail(exc)
    table = Table(title=f"{export.name} — {adoption.tool}, formulaire « {adoption.entry.name} »")
    for column in ("Col.", "Question", "Champ du registre", "D'où / règle"):
        table.add_column(column)
    for mapped in adoption.columns:
        table.add_row(mapped.column, escape(mapped.question), mapped.field, escape(mapped.how))
    console.print(table)
    if adoption.skipped:
        console.print("Colonnes de l'outil laissées de côté : "
                      + ", ".join(f"« {escape(s)} »" for s in adoption.skipped))
    constants = adoption.entry.constants()
    for key, value in constants.items():
        console.print(f"Toutes les réponses : {key} = « {escape(value)} »")
    if dry_run:
        console.print("Rien n'est enregistré (--dry-run).")
        return
    try:
        record_form(config.root / CONFIG_FILE, adoption.entry)
    except AutomationError as exc:
        fail(exc)
    console.print(f"Enregistré dans {config.root / CONFIG_FILE} ({escape('[[surveys.forms]]')} « "
                  f"{escape(adoption.entry.name)} ») : corrigez-y un champ ou une échelle si "
                  "besoin.")


@surveys.command()
@click.option("--drafts", is_flag=True, help="Write .eml drafts in outbox/ even with an SMTP "
                                             "server configured.")
@click.pass_context
def invite(ctx: click.Context, drafts: bool) -> None:
    """Send (or draft) the invitations and reminders due now, each once.

    The watcher does this by itself every few minutes.

    \b
    Example:
      automation surveys invite
    """
    from rich.table import Table

    from automation.surveys.tick import tick

    with office_from(ctx) as office:
        try:
            report = tick(office, drafts=drafts or None)
        except AutomationError as exc:
            fail(exc)
    table = Table(title="Enquêtes : courriels")
    for column in ("Session", "Enquête", "Courriel", "Destinataire", "Résultat"):
        table.add_column(column)
    for mail in report.sent:
        table.add_row(mail.session_ref, mail.survey, _step(mail.step), escape(mail.address),
                      "envoyé")
    for mail, path in report.drafted:
        table.add_row(mail.session_ref, mail.survey, _step(mail.step), escape(mail.address),
                      f"brouillon {escape(path.name)}")
    for mail in report.blocked:
        table.add_row(mail.session_ref, mail.survey, _step(mail.step), escape(mail.name),
                      escape(mail.problem))
    console.print(table)
    if report.failed:
        console.print(f"[red]envoi interrompu[/red] : {escape(report.failed)} ; les autres "
                      "partiront au prochain passage.")
    sys.exit(EXIT_FAILED if report.failed else EXIT_OK)


def _step(step: int) -> str:
    return f"relance {step}" if step else "invitation"


@surveys.command()
@click.pass_context
def rates(ctx: click.Context) -> None:
    """Response rates per session and per training: answers ÷ invitations (or ÷
    participants of the planning when the tool invited nobody).

    \b
    Example:
      automation surveys rates
    """
    from rich.table import Table

    from automation.surveys.rates import by_training, office_rates

    with office_from(ctx) as office:
        try:
            found = office_rates(office)
        except AutomationError as exc:
            fail(exc)
    for title, rows in (("Par session", found), ("Par formation", by_training(found))):
        table = Table(title=f"Taux de réponse — {title.lower()}")
        for column in ("Formation", "Session", "Enquête", "Réponses", "Sur", "Base", "Taux"):
            table.add_column(column)
        for rate in rows:
            shown = "—" if rate.rate is None else f"{rate.rate:.0%}".replace("%", " %")
            table.add_row(escape(rate.training), rate.session_ref or "toutes", rate.survey,
                          str(rate.answers), str(rate.denominator), rate.basis.value, shown)
        console.print(table)
