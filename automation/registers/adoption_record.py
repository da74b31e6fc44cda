"""Recording an adoption in ``automation.toml``: a ``[registers.<key>]`` table, the rest kept.

The table says where the workbook is, its sheet, the office's header of each field, the
office's list values for ours, its id scheme and the columns ``adopt --add-columns`` added.
An earlier table for the same register is replaced; every other line of the file, comments
included, stays as it was. The new file is checked by the configuration's own reader before
it replaces the old one.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Final

from automation.errors import ConfigError
from automation.registers.adopt import Adoption

_TABLE_HEADER: Final = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def adoption_toml(adoption: Adoption, *, registers_dir: Path | None = None) -> str:
    """The ``[registers.<key>]`` table recording ``adoption``."""
    file = adoption.workbook
    if registers_dir is not None:
        try:
            file = adoption.workbook.resolve().relative_to(registers_dir.resolve())
        except ValueError:
            file = adoption.workbook.resolve()
    key = adoption.register
    lines = [f"[registers.{key}]",
             f"file = {_string(file.as_posix())}",
             f"sheet = {_string(adoption.sheet)}",
             "adopted = true"]
    if adoption.ids is not None:
        lines.append(f"ids = {_string(adoption.ids.pattern)}  # numérotation de l'organisme")
    if adoption.added:
        lines.append("added = [" + ", ".join(_string(a) for a in adoption.added) + "]")
    lines += ["", f"[registers.{key}.columns]"]
    lines.extend(f"{field} = {_string(header)}" for field, header in adoption.mapping.items())
    for field, mapping in adoption.values.items():
        lines += ["", f"[registers.{key}.values.{field}]  # notre valeur = celle de la liste"]
        lines.extend(f"{_string(ours)} = {_string(theirs)}" for ours, theirs in mapping.items())
    return "\n".join(lines) + "\n"


def record_adoption(config_file: Path, adoption: Adoption, *, registers_dir: Path) -> None:
    """Write ``adoption`` into ``config_file``, replacing an earlier one for that register."""
    try:
        text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
        tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config_file} : illisible comme TOML : {exc}") from exc
    kept = _without_tables(text, f"registers.{adoption.register}")
    if adoption.register in tomllib.loads(kept).get("registers", {}):
        raise ConfigError(f"{config_file} : registers.{adoption.register} y est écrit sur une "
                          f"ligne ; faites-en d'abord une table [registers.{adoption.register}]")
    kept = kept.rstrip("\n") + "\n\n" if kept.strip() else ""
    new = kept + adoption_toml(adoption, registers_dir=registers_dir)
    tomllib.loads(new)  # never write a file the configuration loader would refuse
    temporary = config_file.with_name(f".{config_file.name}.tmp")
    temporary.write_text(new, encoding="utf-8")
    temporary.replace(config_file)


def _without_tables(text: str, name: str) -> str:
    """``text`` without the tables ``[name]`` and ``[name.*]``; every other line kept.

    Comments and blank lines at the end of a removed table are kept: they usually introduce
    the table that follows.
    """
    out: list[str] = []
    held: list[str] = []
    skipping = False
    for line in text.splitlines(keepends=True):
        header = _TABLE_HEADER.match(line)
        if header is not None:
            table = ".".join(part.strip().strip('"') for part in header[1].split("."))
            if table == name or table.startswith(name + "."):
                skipping = True
                held.clear()
                continue
            skipping = False
            _flush(out, held)
        if not skipping:
            out.append(line)
        elif not line.strip() or line.lstrip().startswith("#"):
            held.append(line)
        else:
            held.clear()
    _flush(out, held)
    return "".join(out)


def _flush(out: list[str], held: list[str]) -> None:
    for line in held:
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    held.clear()


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)
