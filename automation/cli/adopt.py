"""``automation adopt``: use the office's own workbook as a register, saying first what it does."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.markup import escape

from automation.errors import AutomationError
from automation.registers.schema import REGISTERS_BY_KEY

if TYPE_CHECKING:
    from automation.registers.adopt import Adoption

from . import main
from .common import EXIT_FAILED, EXIT_OK, console, fail


@main.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "register", required=True, type=click.Choice(sorted(REGISTERS_BY_KEY)),
              help="The register this workbook is.")
@click.option("--sheet", help="The sheet holding the register (default: the best match).")
@click.option("--dry-run", is_flag=True, help="Show what would be done; write nothing.")
@click.option("--add-columns", is_flag=True,
              help="Add the columns the workbook lacks at the right end of its table.")
@click.pass_context
def adopt(ctx: click.Context, workbook: Path, register: str, sheet: str | None, dry_run: bool,
          add_columns: bool) -> None:
    """Use the office's own WORKBOOK as a register: its columns, lists and numbering.

    Shows, before writing anything, the office's columns and the fields they hold, the
    fields that have no column, the office's list values matched to ours and the id scheme
    it continues. A field the tool records that has no column is never dropped: either
    --add-columns adds it, or nothing is recorded. Rows are then appended to that workbook,
    which keeps everything built in it.

    \b
    Examples:
      automation adopt "registers/Registre réclamations.xlsx" --as reclamations --dry-run
      automation adopt "registers/Registre réclamations.xlsx" --as reclamations --add-columns
    """
    from automation.config import CONFIG_FILE, load_config
    from automation.registers.adopt import adopt_register
    from automation.registers.adoption_record import record_adoption

    try:
        config = load_config(ctx.obj)
        adoption = adopt_register(workbook, register, sheet=sheet)
    except AutomationError as exc:
        fail(exc)
    show_adoption(adoption, adding=add_columns)
    lacking = (*(m.key for m in adoption.missing), *adoption.without_column)
    if lacking and not add_columns:
        refuse(adoption, lacking)
    if dry_run:
        console.print("Simulation (--dry-run) : rien n'a été écrit.")
        sys.exit(EXIT_OK)
    try:
        if lacking:
            adoption = _add(adoption, lacking, config.registers_dir)
        record_adoption(config.root / CONFIG_FILE, adoption, registers_dir=config.registers_dir)
    except AutomationError as exc:
        fail(exc)
    console.print(f"Enregistré dans {escape(str(config.root / CONFIG_FILE))} : les lignes du "
                  f"registre « {register} » vont désormais dans {escape(workbook.name)}, "
                  f"feuille « {escape(adoption.sheet)} ».")


def _add(adoption: Adoption, lacking: tuple[str, ...], registers_dir: Path) -> Adoption:
    from automation.registers.adopt import adopt_register
    from automation.registers.xlsx.columns import NewColumn, add_columns

    schema = REGISTERS_BY_KEY[adoption.register]
    columns = [NewColumn(schema.field(k).header, schema.field(k).choices) for k in lacking]
    letters = add_columns(adoption.workbook, adoption.sheet, adoption.header_row, columns,
                          data_last=adoption.last_row, backup_dir=registers_dir / ".backup")
    console.print("Colonnes ajoutées à droite du tableau : " + ", ".join(
        f"{letter} « {escape(c.header)} »" for letter, c in zip(letters, columns, strict=True)))
    again = adopt_register(adoption.workbook, adoption.register, sheet=adoption.sheet)
    return replace(again, added=lacking)


def refuse(adoption: Adoption, lacking: tuple[str, ...]) -> NoReturn:
    from automation.config import CONFIG_FILE

    schema = REGISTERS_BY_KEY[adoption.register]
    console.print(f"[red]Rien n'est enregistré :[/red] {len(lacking)} champ(s) que l'outil "
                  "enregistre n'ont pas de colonne dans ce classeur ; leurs valeurs seraient "
                  "perdues.")
    for key in lacking:
        console.print(f"  - {escape(schema.field(key).header)}")
    console.print(escape(
        "Relancez avec --add-columns pour les ajouter à droite du tableau (en-tête et mise en "
        "forme de la ligne d'en-têtes, filtres, tableau, zone d'impression et listes "
        f"étendus), ou indiquez la colonne qui contient chacun d'eux dans {CONFIG_FILE}, sous "
        f"[registers.{adoption.register}.columns] (exemple : channel = \"Canal\")."))
    sys.exit(EXIT_FAILED)


def show_adoption(adoption: Adoption, *, adding: bool) -> None:
    """The tables ``adopt`` prints: columns, fields without a column, lists, numbering."""
    from rich.table import Table

    schema = REGISTERS_BY_KEY[adoption.register]
    totals = f", ligne de totaux {adoption.totals_row}" if adoption.totals_row else ""
    table = Table(title=escape(f"{adoption.workbook.name} — feuille « {adoption.sheet} », "
                               f"en-têtes ligne {adoption.header_row}, {adoption.rows} ligne(s) "
                               f"de données{totals}"))
    for title in ("Col.", "Colonne de l'organisme", "Champ de l'outil", "Exemple"):
        table.add_column(title)
    for column in adoption.columns:
        held = (f"{schema.field(column.field).header} ({column.field})" if column.field
                else "— laissée telle quelle")
        table.add_row(column.letter, escape(column.header), escape(held),
                      escape(column.example))
    console.print(table)
    lacking = (*(m.key for m in adoption.missing), *adoption.without_column)
    if lacking:
        table = Table(title="Champs enregistrés par l'outil sans colonne dans ce classeur")
        for title in ("Champ", "Clé", "Requis à la saisie", "Suite"):
            table.add_column(title)
        closest = {m.key: m.closest for m in adoption.missing}
        for key in lacking:
            item = schema.field(key)
            near = ", ".join(f"« {h} »" for h in closest.get(key, ()))
            then = "colonne ajoutée" if adding else "à ajouter (--add-columns)"
            table.add_row(escape(item.header), key, "oui" if item.required else "non",
                          escape(then + (f" — proches : {near}" if near else "")))
        console.print(table)
    for key, office in adoption.lists.items():
        table = Table(title=escape(f"Liste « {adoption.mapping[key]} » de l'organisme : "
                                   f"{', '.join(office)}"))
        table.add_column("Notre valeur")
        table.add_column("Écrite dans le classeur")
        mapping = adoption.values.get(key, {})
        for ours in schema.field(key).choices:
            theirs = mapping.get(ours, ours if ours in office else "")
            table.add_row(escape(ours), escape(theirs) if theirs else
                          "[yellow]aucune valeur de la liste : écrite telle quelle[/yellow]")
        console.print(table)
    if schema.has("id"):
        scheme = adoption.ids.pattern if adoption.ids else f"{schema.prefix}-{{yyyy}}-{{nnnn}}"
        origin = "celle de l'organisme" if adoption.ids else "celle de l'outil"
        last = f", dernier n° {adoption.last_id}" if adoption.last_id else ""
        console.print(escape(f"Numérotation : {scheme} ({origin}{last}) ; prochain n° : "
                             f"{adoption.next_id}"))
