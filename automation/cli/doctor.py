"""``automation doctor``: whether this office will work, in French, with what to fix."""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from . import main
from .common import EXIT_FAILED, EXIT_OK, console


@main.command()
@click.option("--offline", is_flag=True, help="Do not connect to the mail servers.")
@click.pass_context
def doctor(ctx: click.Context, offline: bool) -> None:
    """Check that this office will work: exit 0 when all is well, 1 with what to fix.

    Python, folders, journal, registers (and adopted column mappings), templates,
    LibreOffice, mailbox and SMTP, clock and time zone, disk space, the service.

    \b
    Example:
      automation --dir /srv/qualite doctor
    """
    from automation.doctor import Verdict, examine, to_be_fixed
    from automation.service import run_program

    styles = {Verdict.OK: "green", Verdict.NOTE: "yellow", Verdict.FIX: "red"}
    findings = examine(ctx.obj, run=run_program, connect=not offline)
    console.print(f"Diagnostic de {ctx.obj.resolve()}", soft_wrap=True)
    width = max(len(v) for v in Verdict)
    for finding in findings:
        style = styles[finding.verdict]
        console.print(f"[{style}]{finding.verdict:<{width}}[/{style}]  {finding.topic} : "
                      f"{escape(finding.text)}", soft_wrap=True)
    notes = [f for f in findings if f.verdict is Verdict.NOTE and f.fix]
    for finding in notes:
        console.print(f"[yellow]À noter[/yellow] — {finding.topic} : {escape(finding.fix)}",
                      soft_wrap=True)
    fixes = to_be_fixed(findings)
    if not fixes:
        console.print("Tout est en ordre pour que cet office fonctionne.")
        sys.exit(EXIT_OK)
    console.print(f"[red]{len(fixes)} point(s) à corriger :[/red]")
    for number, finding in enumerate(fixes, start=1):
        action = f" → {escape(finding.fix)}" if finding.fix else ""
        console.print(f"{number}. {finding.topic} : {escape(finding.text)}{action}",
                      soft_wrap=True)
    sys.exit(EXIT_FAILED)
