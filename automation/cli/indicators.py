"""Commands: referentiel, indicators, publish.

They read the registers without the office's lock, so they answer while ``automation watch``
runs; ``publish`` writes only into ``outbox/resultats/``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

import click
from rich.markup import escape

from automation.clock import SystemClock
from automation.errors import AutomationError

if TYPE_CHECKING:
    from automation.indicators.period import Period
    from automation.indicators.results import Report
    from automation.referential import Referential

from . import main
from .common import console, fail, office_view


def _period(period: str | None, first: str | None, last: str | None, today: date) -> Period:
    from automation.indicators.period import (
        PeriodError,
        parse_day,
        parse_period,
        period_between,
        year,
    )

    try:
        if first or last:
            if period or not (first and last):
                raise PeriodError("donner soit --period, soit --from et --to ensemble")
            return period_between(parse_day(first), parse_day(last))
        return parse_period(period) if period else year(today.year)
    except PeriodError as exc:
        raise click.BadParameter(str(exc)) from exc


F = TypeVar("F", bound=Callable[..., None])


def _period_options(command: F) -> F:
    for option in reversed((
            click.option("--period", "period", metavar="P",
                         help="2026 (année), 2026-T3 (trimestre) ou 2026-03 (mois) ; "
                              "par défaut l'année en cours."),
            click.option("--from", "first", metavar="JOUR", help="Premier jour (2026-01-05)."),
            click.option("--to", "last", metavar="JOUR", help="Dernier jour, inclus."))):
        command = option(command)
    return command


@main.command()
@click.option("--version", "version", metavar="V",
              help="Une autre version (2019-v9, 2026) que celle en vigueur aujourd'hui.")
def referentiel(version: str | None) -> None:
    """Print the Qualiopi indicators in force today (or of another version).

    \b
    Examples:
      automation referentiel
      automation referentiel --version 2019-v9
    """
    from automation.referential import referential, referential_for

    try:
        chosen = referential(version) if version else referential_for(date.today())
    except AutomationError as exc:
        fail(exc)
    print_referential(chosen)


@main.command()
@_period_options
@click.option("--training", default="", help="Une formation (par défaut : tout l'organisme).")
@click.option("--trainer", default="", help="Les sessions d'un formateur (planning).")
@click.option("--session", default="", help="Une session, par sa référence.")
@click.option("--json", "as_json", is_flag=True, help="Une liste d'objets JSON.")
@click.pass_context
def indicators(ctx: click.Context, period: str | None, first: str | None, last: str | None,
               training: str, trainer: str, session: str, as_json: bool) -> None:
    """Compute the indicators of a period, each with its method.

    \b
    Examples:
      automation indicators --period 2026-T3
      automation indicators --period 2026 --training "Excel avancé" --json
    """
    from automation.indicators.load import office_report
    from automation.indicators.selection import Scope
    from automation.surveys.rates import invited_base

    now = SystemClock().now()
    scope = Scope(_period(period, first, last, now.date()), training, trainer, session)
    with office_view(ctx) as office:
        try:
            report = office_report(office.config, scope, now=now, base=invited_base(office))
        except AutomationError as exc:
            fail(exc)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in report.results], ensure_ascii=False,
                              indent=2))
    else:
        print_report(report)


@main.command()
@_period_options
@click.pass_context
def publish(ctx: click.Context, period: str | None, first: str | None, last: str | None) -> None:
    """Write the published results (indicator 2) into outbox/resultats/: a page and a CSV.

    \b
    Example:
      automation publish --period 2026
    """
    from automation.indicators.publish import publish_office
    from automation.surveys.rates import invited_base

    now = SystemClock().now()
    chosen = _period(period, first, last, now.date())
    with office_view(ctx) as office:
        try:
            files = publish_office(office.config, chosen, now=now,
                                   base=invited_base(office))
        except AutomationError as exc:
            fail(exc)
    console.print(f"page : {escape(str(files.html))}")
    console.print(f"CSV : {escape(str(files.csv))}")
    if files.withheld or files.warned:
        console.print(f"{files.withheld} chiffre(s) non publié(s), {files.warned} publié(s) avec "
                      f"un avertissement : trop peu de réponses "
                      f"({escape('[indicators] min_answers')}).")


def print_report(report: Report) -> None:
    from rich.table import Table

    console.print(f"[bold]Indicateurs — {escape(report.period.label)} — "
                  f"{escape(report.scope_label)}[/bold] (référentiel "
                  f"{report.referential_version})")
    table = Table(show_lines=True)
    for title in ("Indicateur", "Valeur", "Calcul", "Méthode"):
        table.add_column(title, overflow="fold")
    for result in report.results:
        basis = ""
        if result.numerator is not None and result.denominator is not None:
            basis = f"{result.numerator:g} / {result.denominator:g}"
        if result.parts:
            basis = " · ".join(f"{p.label} : {p.count}" for p in result.parts)
        table.add_row(escape(result.label), escape(result.shown), escape(basis),
                      escape(result.method))
    console.print(table)


def print_referential(ref: Referential) -> None:
    from rich.table import Table

    console.print(f"[bold]{escape(ref.title)}[/bold]")
    console.print(f"{escape(ref.decree)} · {escape(ref.guide)} · en vigueur à partir du "
                  f"{ref.in_force_from:%d/%m/%Y} · {len(ref.indicators)} indicateurs")
    if ref.expected_levels_note:
        console.print(escape(ref.expected_levels_note))
    table = Table(show_lines=True)
    for title in ("N°", "Critère", "Libellé", "Niveau attendu", "Sources"):
        table.add_column(title, overflow="fold")
    for item in ref.indicators:
        wording = item.text + (f"\n{item.wording_note}" if item.wording_note else "")
        table.add_row(str(item.number), str(item.criterion or "à confirmer"), escape(wording),
                      escape(item.expected_level or "—"), escape(", ".join(item.source_keys)))
    console.print(table)
    for key, source in ref.sources.items():
        console.print(f"[bold]{escape(key)}[/bold] : {escape(source.title)} — "
                      f"{escape(source.note)}", soft_wrap=True)


