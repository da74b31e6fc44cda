"""Adopting an office's own register: find its header, map its columns to our fields.

``automation adopt Registre.xlsx --as reclamations`` calls :func:`adopt_register`, prints
:func:`mapping_rows` as a table, and :func:`record_adoption` writes the result to
``automation.toml`` as a ``[registers.<key>]`` table (the rest of the file, comments included,
is kept as it was). Headers are compared ignoring case, accents, punctuation and spacing, and
a field's synonyms count. Columns of theirs that no field matches stay theirs: the appender
leaves them blank, or fills them with their own formula.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from automation.errors import ConfigError, RegisterError
from automation.registers.schema import REGISTERS_BY_KEY, Field, RegisterSchema
from automation.registers.xlsx.package import Package, PackageError
from automation.registers.xlsx.sheet import SheetXml
from automation.text import fold

ADOPTABLE: Final = (".xlsx", ".xlsm")
HEADER_SCAN_ROWS: Final = 30
CLOSEST_COUNT: Final = 3
CLOSEST_CUTOFF: Final = 0.45
_TABLE_HEADER: Final = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


@dataclass(frozen=True)
class MissingField:
    """A required field no header matched, with the headers that come closest."""

    key: str
    header: str  # our name for it
    closest: tuple[str, ...]


@dataclass(frozen=True)
class Adoption:
    register: str
    workbook: Path
    sheet: str
    header_row: int
    mapping: dict[str, str] = field(default_factory=dict)  # field key -> their header
    missing: tuple[MissingField, ...] = ()  # required fields not found
    extra: tuple[str, ...] = ()  # their headers that no field matches

    @property
    def complete(self) -> bool:
        return not self.missing


def adopt_register(workbook: Path, register_key: str, *, sheet: str | None = None) -> Adoption:
    """Map the columns of ``workbook`` (its sheet ``sheet``, or the best-matching one)."""
    schema = REGISTERS_BY_KEY.get(register_key)
    if schema is None:
        raise ConfigError(f"unknown register {register_key!r}; known: "
                          f"{', '.join(REGISTERS_BY_KEY)}")
    if workbook.suffix.lower() not in ADOPTABLE:
        raise RegisterError(f"{workbook.name}: only .xlsx and .xlsm workbooks can be adopted "
                            "(save it from Excel in that format first)", register=register_key,
                            path=workbook)
    try:
        with Package(workbook) as package:
            entries = package.sheets()
            if sheet is not None:
                entries = [e for e in entries if e.name == sheet] or [
                    e for e in entries if fold(e.name) == fold(sheet)]
                if not entries:
                    names = ", ".join(f"« {e.name} »" for e in package.sheets())
                    raise RegisterError(f"{workbook.name}: no sheet « {sheet} » (sheets: {names})",
                                        register=register_key, path=workbook)
            shared = package.shared_strings()
            best: Adoption | None = None
            for entry in entries:
                xml = SheetXml(package.read(entry.part), entry.part)
                for row in xml.rows:
                    if row.number > HEADER_SCAN_ROWS:
                        break
                    headers = [c.text(shared).strip() for c in xml.cells(row)]
                    found = _adoption(schema, workbook, entry.name, row.number,
                                      [h for h in headers if h])
                    if best is None or len(found.mapping) > len(best.mapping):
                        best = found
    except PackageError as exc:
        raise RegisterError(f"{workbook}: {exc}", register=register_key, path=workbook) from exc
    if best is None or not best.mapping:
        raise RegisterError(f"{workbook.name}: no header row naming any column of the "
                            f"register « {schema.title} » in the first {HEADER_SCAN_ROWS} rows",
                            register=register_key, path=workbook)
    return best


def match_headers(schema: RegisterSchema, headers: Sequence[str]) -> dict[str, str]:
    """Field key -> header: a field's own header first, then its key, then its synonyms."""
    folded = [fold(h) for h in headers]
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for depth in range(max(len(f.names) for f in schema.fields)):
        for item in schema.fields:
            if item.key in mapping or depth >= len(item.names):
                continue
            wanted = fold(item.names[depth])
            for index, name in enumerate(folded):
                if index not in used and name and name == wanted:
                    mapping[item.key] = headers[index]
                    used.add(index)
                    break
    return mapping


def _adoption(schema: RegisterSchema, workbook: Path, sheet: str, row: int,
              headers: list[str]) -> Adoption:
    mapping = match_headers(schema, headers)
    mapped = set(mapping.values())
    extra = tuple(h for h in headers if h not in mapped)
    missing = tuple(MissingField(f.key, f.header, closest_headers(f, extra))
                    for f in schema.required if f.key not in mapping)
    ordered = {f.key: mapping[f.key] for f in schema.fields if f.key in mapping}
    return Adoption(schema.key, workbook, sheet, row, ordered, missing, extra)


def closest_headers(item: Field, headers: Sequence[str]) -> tuple[str, ...]:
    """The headers most like any name of ``item`` (difflib ratio), best first."""
    scored: list[tuple[float, str]] = []
    for header in headers:
        ratio = max(difflib.SequenceMatcher(None, fold(name), fold(header)).ratio()
                    for name in item.names)
        if ratio >= CLOSEST_CUTOFF:
            scored.append((ratio, header))
    scored.sort(key=lambda pair: -pair[0])
    return tuple(header for _, header in scored[:CLOSEST_COUNT])


def mapping_rows(adoption: Adoption) -> list[tuple[str, str, str]]:
    """Rows for the CLI's table: (field key, our header, their header or a note)."""
    schema = REGISTERS_BY_KEY[adoption.register]
    missing = {m.key: m for m in adoption.missing}
    rows: list[tuple[str, str, str]] = []
    for item in schema.fields:
        if item.key in adoption.mapping:
            rows.append((item.key, item.header, adoption.mapping[item.key]))
        elif item.key in missing:
            closest = ", ".join(f"« {h} »" for h in missing[item.key].closest)
            rows.append((item.key, item.header + " *",
                         "MANQUANT" + (f" — proches : {closest}" if closest else "")))
        else:
            rows.append((item.key, item.header, "—"))
    rows.extend(("", "", f"{header} (colonne de l'organisme, laissée telle quelle)")
                for header in adoption.extra)
    return rows


def adoption_toml(adoption: Adoption, *, registers_dir: Path | None = None) -> str:
    """The ``[registers.<key>]`` table recording ``adoption``."""
    file = adoption.workbook
    if registers_dir is not None:
        try:
            file = adoption.workbook.resolve().relative_to(registers_dir.resolve())
        except ValueError:
            file = adoption.workbook.resolve()
    lines = [f"[registers.{adoption.register}]",
             f"file = {_string(file.as_posix())}",
             f"sheet = {_string(adoption.sheet)}",
             "adopted = true",
             "",
             f"[registers.{adoption.register}.columns]"]
    lines.extend(f"{key} = {_string(header)}" for key, header in adoption.mapping.items())
    return "\n".join(lines) + "\n"


def record_adoption(config_file: Path, adoption: Adoption, *, registers_dir: Path) -> None:
    """Write ``adoption`` into ``config_file``, replacing an earlier one for that register."""
    try:
        text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
        tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config_file}: cannot be read as TOML: {exc}") from exc
    kept = _without_tables(text, f"registers.{adoption.register}")
    if adoption.register in tomllib.loads(kept).get("registers", {}):
        raise ConfigError(f"{config_file}: registers.{adoption.register} is set inline; "
                          f"move it to a [registers.{adoption.register}] table first")
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
