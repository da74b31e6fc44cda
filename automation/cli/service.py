"""``automation service install|uninstall|status``: the watcher as a service of the system."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
from rich.markup import escape

from automation.errors import AutomationError

if TYPE_CHECKING:
    from automation.service import Plan

from . import main
from .common import EXIT_FAILED, EXIT_OK, console, fail

_DIR = click.option("--dir", "office", type=click.Path(file_okay=False, path_type=Path),
                    default=None, help="The office folder (default: the one given before "
                                       "the command, else the current folder).")
_DRY = click.option("--dry-run", is_flag=True, help="Show what would be written and run.")
_SCOPE = click.option("--system/--user", "system", default=None,
                      help="Linux: a system unit (default as root) or the user's own.")
_NAME = click.option("--name", default="", help="Service name (default: automation-<folder>).")
F = TypeVar("F", bound=Callable[..., Any])


def _plan_options(command: F) -> F:
    """The options of install and uninstall: office, dry run, scope, name."""
    decorated = _DIR(_DRY(_SCOPE(_NAME(click.pass_context(command)))))
    return cast(F, decorated)


@main.group()
def service() -> None:
    """Run the watcher as a service: started at boot, restarted when it fails.

    \b
    Examples:
      sudo automation service install --dir /srv/qualite
      automation service status
      automation service uninstall --dry-run
    """


def _root(ctx: click.Context, office: Path | None) -> Path:
    root = office if office is not None else ctx.find_root().obj
    return Path(root).resolve()


def _show(plan: Plan, *, dry_run: bool) -> None:
    console.print(f"{plan.system} : {plan.name}" + (" (rien n'est fait : --dry-run)"
                                                    if dry_run else ""))
    for item in plan.write:
        console.print(f"\n--- {item.path}", soft_wrap=True)
        console.print(escape(item.shown), soft_wrap=True, highlight=False)
    for path in plan.remove:
        console.print(f"à supprimer : {path}", soft_wrap=True)
    if plan.commands:
        console.print("\ncommandes :")
        for command in plan.commands:
            console.print(f"  {escape(' '.join(command))}", soft_wrap=True)
    for note in plan.notes:
        console.print(note, soft_wrap=True)


@service.command()
@_plan_options
def install(ctx: click.Context, office: Path | None, dry_run: bool, system: bool | None,
            name: str) -> None:
    """Install and start the service of the office folder.

    \b
    Example:
      sudo automation service install --dir /srv/qualite
    """
    from automation.service.manage import install_plan

    root = _root(ctx, office)
    if not (root / "automation.toml").is_file() and not (root / "registers").is_dir():
        console.print(f"[red]Erreur :[/red] {root} n'est pas un dossier de l'outil : créez-le "
                      "d'abord avec « automation init ».", soft_wrap=True)
        sys.exit(EXIT_FAILED)
    if _apply(install_plan(root, name=name, system=system), dry_run=dry_run):
        console.print("Service installé et démarré : « automation service status » le "
                      "vérifie.")


@service.command()
@_plan_options
def uninstall(ctx: click.Context, office: Path | None, dry_run: bool, system: bool | None,
              name: str) -> None:
    """Stop and remove the service; the office folder is left as it is.

    \b
    Example:
      sudo automation service uninstall --dir /srv/qualite
    """
    from automation.service.manage import uninstall_plan

    if _apply(uninstall_plan(_root(ctx, office), name=name, system=system), dry_run=dry_run):
        console.print("Service arrêté et supprimé ; le dossier de l'office n'a pas été "
                      "touché.")


@service.command()
@_DIR
@_SCOPE
@_NAME
@click.pass_context
def status(ctx: click.Context, office: Path | None, system: bool | None, name: str) -> None:
    """Say whether the service is installed and running (exit 1 when it is not running).

    \b
    Example:
      automation service status --dir /srv/qualite
    """
    from automation.service import run_program
    from automation.service.manage import service_state

    state = service_state(_root(ctx, office), run=run_program, name=name, system=system)
    if not state.installed:
        console.print(f"Service : non installé ({state.system}, {state.name}) ; pour "
                      "l'installer : automation service install", soft_wrap=True)
        sys.exit(EXIT_FAILED)
    word = "en marche" if state.running else "arrêté"
    console.print(f"Service : installé, {word} ({state.system}, {state.where}; "
                  f"{state.detail})", soft_wrap=True)
    sys.exit(EXIT_OK if state.running else EXIT_FAILED)


def _apply(plan: Plan, *, dry_run: bool) -> bool:
    """Show ``plan``, then carry it out unless ``dry_run``; True once done."""
    from automation.service import carry_out, run_program

    _show(plan, dry_run=dry_run)
    if dry_run:
        return False
    try:
        for line in carry_out(plan, run_program):
            console.print(line, soft_wrap=True)
    except AutomationError as exc:
        fail(exc)
    return True
