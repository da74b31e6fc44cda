"""The ``automation`` command: thin click commands over the package's core functions.

Each command module registers its commands on :data:`main`; an ``AutomationError`` becomes a
clean message and exit status 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from automation import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


def _register_commands() -> None:
    # Imported for their side effect of adding commands to ``main``.
    from automation.cli import adopt, commands, mail  # noqa: F401


_register_commands()
