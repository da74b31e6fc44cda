"""Command: audit-pack — the Word document, its PDF and the .zip of evidence of a period.

It reads the registers and the journal without the office's lock (it runs beside a
``automation watch``) and writes only into ``outbox/audit/<période>/``. The pack's modules are
imported when the command runs: the other commands never load matplotlib.
"""

from __future__ import annotations

import click
from rich.markup import escape

from automation.clock import SystemClock
from automation.errors import AutomationError

from . import main
from .common import console, fail, office_view
from .indicators import _period, _period_options


@main.command("audit-pack")
@_period_options
@click.option("--pdf/--no-pdf", "pdf", default=None,
              help="Produire aussi le PDF (LibreOffice) ; par défaut : [audit] pdf.")
@click.pass_context
def audit_pack(ctx: click.Context, period: str | None, first: str | None, last: str | None,
               pdf: bool | None) -> None:
    """Write the audit pack of a period into outbox/audit/<période>/.

    A Word document (cover, key figures with their methods, indicators 2, 30, 31 and 32 with
    figures, charts, register extracts, procedures, complete cases with their letters, the
    improvement actions and the risk analysis, the evidence index), its PDF when LibreOffice
    is installed, and a .zip of the evidence with the SHA-256 of every file.

    \b
    Examples:
      automation audit-pack --period 2026
      automation audit-pack --from 2026-01-01 --to 2026-06-30 --no-pdf
    """
    from automation.audit.pack import make_audit_pack

    now = SystemClock().now()
    chosen = _period(period, first, last, now.date())
    with office_view(ctx) as office:
        try:
            pack = make_audit_pack(office, chosen, now=now, pdf=pdf)
        except AutomationError as exc:
            fail(exc)
    console.print(f"[bold]Dossier d'audit — {escape(chosen.label)}[/bold]")
    console.print(f"document : {escape(str(pack.document))}")
    if pack.pdf is not None:
        console.print(f"PDF : {escape(str(pack.pdf))}")
    elif pack.pdf_error:
        console.print(escape(pack.pdf_error))
    console.print(f"preuves : {escape(str(pack.archive))} ({len(pack.entries)} fichier(s))")
    console.print(f"index des preuves : {escape(str(pack.index))}")
