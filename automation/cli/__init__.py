"""The ``automation`` command: thin click commands over the package's core functions.

Each command module registers its commands on :data:`main`. Every command runs behind one
guard (:class:`_Guarded`): an ``AutomationError`` becomes a clean message and exit status 2;
any other exception is written in full to the log (:mod:`automation.logs`) and the console
gets one French sentence saying what to do, with exit status 3 — never a traceback. Ctrl-C
outside ``watch`` stops with status 130 and a French word.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from automation import __version__
from automation.errors import AutomationError

from .common import EXIT_CRASH, EXIT_INTERRUPTED, console, fail, start_logging


class _Guarded(click.Group):
    """A group whose commands never end on a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except AutomationError as exc:
            fail(exc)
        except KeyboardInterrupt:
            console.print("Interrompu. Ce qui était enregistré dans le journal est gardé ; "
                          "relancez la commande pour finir.")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - the one place an unexpected error becomes French
            from automation.logs import record_crash

            command = ctx.invoked_subcommand or "automation"
            where = record_crash(exc, command=command)
            place = f"le détail est dans {where}" if where else "le détail n'a pas pu être écrit"
            console.print(
                f"[red]La commande s'est arrêtée sur une erreur inattendue ({type(exc).__name__})"
                f"[/red] ; {place} : relancez-la, et si l'erreur revient, transmettez ce "
                "fichier à la personne qui s'occupe de l'outil.", soft_wrap=True)
            sys.exit(EXIT_CRASH)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--dir", "root", type=click.Path(file_okay=False, path_type=Path), default=Path(),
              show_default="the current directory",
              help="The office folder that holds automation.toml, inbox/, registers/, templates/.")
@click.version_option(__version__, prog_name="automation")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Keep Qualiopi registers and letters from files and mails.

    \b
    Example:
      automation --dir /srv/qualite watch
    """
    ctx.obj = root
    start_logging(root)


def _register_commands() -> None:
    # Imported for their side effect of adding commands to ``main``.
    from automation.cli import (  # noqa: F401
        adopt,
        audit,
        commands,
        doctor,
        indicators,
        mail,
        rgpd,
        service,
        surveys,
    )


_register_commands()
