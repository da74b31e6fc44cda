"""The ``automation`` command: thin click commands over the package's core functions.

Each command module registers its commands on :data:`main`. Every command runs behind one
guard (:class:`_Guarded`): an ``AutomationError`` becomes a clean message and exit status 2;
any other exception is written in full to the log (:mod:`automation.logs`) and the console
gets one French sentence saying what to do, with exit status 3 — never a traceback. Ctrl-C
outside ``watch`` stops with status 130 and a French word.

A command's module is imported when the command is looked up (:data:`COMMANDS`), and the
modules import at their top only click, rich and light parts of the package: the work of a
command, and the libraries it needs, are imported inside its function. ``automation status``
loads no module of the other commands, and ``automation --help`` loads no library.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Final

import click

from automation import __version__
from automation.errors import AutomationError

from .common import EXIT_CRASH, EXIT_INTERRUPTED, console, fail, start_logging

# Each top-level command, and the module of this package that defines it.
COMMANDS: Final = {
    "adopt": "adopt", "audit-pack": "audit", "doctor": "doctor", "due": "commands",
    "indicators": "indicators", "ingest": "commands", "init": "commands",
    "letters": "status", "mail": "mail", "publish": "indicators", "referentiel": "indicators",
    "rgpd": "rgpd", "service": "service", "status": "status", "surveys": "surveys",
    "watch": "commands",
}
# Commands that read dropped files: the sandboxed reader's interpreter starts as soon as the
# command is known, and loads while this process loads the command and the office.
STARTS_READER: Final = frozenset({"ingest"})
HELP_OPTIONS: Final = frozenset({"-h", "--help"})


class _Guarded(click.Group):
    """A group whose commands never end on a traceback, each imported when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"{__name__}.{module}")  # adds its commands to ``main``
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS:  # a typo: click suggests among the loaded ones
            for module in sorted(set(COMMANDS.values())):
                importlib.import_module(f"{__name__}.{module}")
        if args and args[0] in STARTS_READER and not HELP_OPTIONS.intersection(args[1:]):
            from automation.intake.sandbox import shared_reader

            shared_reader().start()
        return super().resolve_command(ctx, args)

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
