"""Configuration: every setting declared once, with its type, default and help.

Settings are read from ``automation.toml`` in the office folder (optional), then from
``AUTOMATION_<SECTION>_<KEY>`` environment variables, which win. A bad value stops the start
with a :class:`~automation.errors.ConfigError` that names it. Secrets (mailbox passwords,
client secrets) are never settings: they come from the environment or the OS keyring.
"""

from __future__ import annotations

import os
import tomllib
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Final, TypeVar, get_args, get_origin, get_type_hints

from automation.deadlines.config import Deadlines
from automation.errors import ConfigError
from automation.registers.binding import RegisterBinding
from automation.registers.schema import DEFAULT_REGISTERS, REGISTERS_BY_KEY
from automation.settings import setting

CONFIG_FILE: Final = "automation.toml"
ENV_PREFIX: Final = "AUTOMATION_"


@dataclass(frozen=True)
class Organisation:
    name: str = setting("Organisme de formation", "Organisation name, at the top of every letter.")
    address: str = setting("", "Postal address (several lines: separate them with \\n).")
    siret: str = setting("", "SIRET number (14 digits), in the letters' footer.")
    nda: str = setting("", "Numéro de déclaration d'activité (training activity registration).")
    email: str = setting("", "Contact email shown on letters.")
    phone: str = setting("", "Telephone number shown on letters.")
    signatory: str = setting("La direction", "Name of the person who signs the letters.")
    signatory_title: str = setting("", "Title of the signatory (e.g. Directrice).")
    city: str = setting("", "City the letters are written from (\"Fait à …\").")


@dataclass(frozen=True)
class Paths:
    inbox: str = setting("inbox", "Drop folder watched for files (relative to the office folder).")
    registers: str = setting("registers", "Folder of the Excel registers.")
    templates: str = setting("templates", "Folder of the Word letter templates.")
    outbox: str = setting("outbox", "Folder where produced letters are written.")


@dataclass(frozen=True)
class Watch:
    settle_seconds: float = setting(
        2.0, "A dropped file is read once it has not changed for this many seconds.")
    rescan_seconds: float = setting(
        30.0, "The inbox is swept this often, to catch what file events missed.")
    poll_seconds: float = setting(
        0.0, "Poll the folders every N seconds instead of OS events (network shares); 0 = events.")
    retry_seconds: float = setting(
        10.0, "A busy or locked file is tried again after this many seconds.")


@dataclass(frozen=True)
class Intake:
    max_file_mb: float = setting(50.0, "A dropped file larger than this is rejected unopened.")
    max_uncompressed_mb: float = setting(
        300.0, "A workbook whose parts expand beyond this is rejected (zip bomb guard).")
    max_compression_ratio: float = setting(
        200.0, "A workbook part compressed more than this ratio is rejected (zip bomb guard).")
    max_rows: int = setting(100_000, "A sheet with more rows than this is rejected.")


@dataclass(frozen=True)
class Letters:
    acknowledgment: bool = setting(
        True, "Write an acknowledgment letter for every complaint recorded.")


@dataclass(frozen=True)
class RegistersSection:
    backups_kept: int = setting(30, "How many copies of each register are kept in .backup/.")


@dataclass(frozen=True)
class RegisterOverride:
    """``[registers.<key>]``: where a register lives and how the office names its columns."""

    file: str = ""
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    adopted: bool = False


_SECTIONS: Final = {
    "organisation": Organisation,
    "paths": Paths,
    "watch": Watch,
    "intake": Intake,
    "letters": Letters,
    "registers": RegistersSection,
    "deadlines": Deadlines,
}


@dataclass(frozen=True)
class Config:
    root: Path
    organisation: Organisation = field(default_factory=Organisation)
    paths: Paths = field(default_factory=Paths)
    watch: Watch = field(default_factory=Watch)
    intake: Intake = field(default_factory=Intake)
    letters: Letters = field(default_factory=Letters)
    registers: RegistersSection = field(default_factory=RegistersSection)
    deadlines: Deadlines = field(default_factory=Deadlines)
    register_overrides: Mapping[str, RegisterOverride] = field(default_factory=dict)

    @property
    def inbox_dir(self) -> Path:
        return self.root / self.paths.inbox

    @property
    def registers_dir(self) -> Path:
        return self.root / self.paths.registers

    @property
    def templates_dir(self) -> Path:
        return self.root / self.paths.templates

    @property
    def outbox_dir(self) -> Path:
        return self.root / self.paths.outbox

    @property
    def journal_path(self) -> Path:
        return self.registers_dir / ".journal.sqlite3"

    def binding(self, key: str) -> RegisterBinding:
        """The workbook and column names of register ``key``."""
        schema = REGISTERS_BY_KEY[key]
        override = self.register_overrides.get(key, RegisterOverride())
        path = self.registers_dir / (override.file or f"{key}.xlsx")
        return RegisterBinding(schema=schema, path=path, sheet=override.sheet or None,
                               columns=dict(override.columns), adopted=override.adopted)

    def binding_exists(self, key: str) -> bool:
        return key in REGISTERS_BY_KEY

    def bindings(self) -> list[RegisterBinding]:
        return [self.binding(schema.key) for schema in DEFAULT_REGISTERS]


@dataclass(frozen=True)
class SettingInfo:
    name: str  # "organisation.name"
    type: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.replace(".", "_").upper()


def declared_settings() -> Iterator[SettingInfo]:
    """Every setting, in declaration order (used by the docs and their test)."""
    for section, cls in _SECTIONS.items():
        hints = get_type_hints(cls)
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            yield SettingInfo(f"{section}.{f.name}", _type_name(hints[f.name]), default,
                              str(f.metadata["help"]))


def load_config(root: Path, *, environ: Mapping[str, str] | None = None) -> Config:
    """Read ``root/automation.toml`` (if any) and the environment into a :class:`Config`."""
    environ = os.environ if environ is None else environ
    path = root / CONFIG_FILE
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(_SECTIONS)}")
    sections: dict[str, Any] = {}
    overrides: dict[str, RegisterOverride] = {}
    for name, cls in _SECTIONS.items():
        table = dict(data.get(name, {}))
        if name == "registers":
            for key in list(table):
                if key in REGISTERS_BY_KEY:
                    overrides[key] = _register_override(key, table.pop(key), path)
        sections[name] = _build_section(name, cls, table, environ, path)
    return Config(root=root.resolve(), register_overrides=overrides, **sections)


T = TypeVar("T")


def _build_section(name: str, cls: type[T], table: Mapping[str, Any],
                   environ: Mapping[str, str], path: Path) -> T:
    assert is_dataclass(cls)
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = set(table) - known
    if unknown:
        names = ", ".join(f"{name}.{k}" for k in sorted(unknown))
        raise ConfigError(f"{path}: unknown setting(s) {names}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        env_name = f"{ENV_PREFIX}{name}_{f.name}".upper()
        if env_name in environ:
            values[f.name] = _from_env(f"{env_name}", environ[env_name], hints[f.name])
        elif f.name in table:
            values[f.name] = _checked(f"{name}.{f.name}", table[f.name], hints[f.name])
    return replace(cls(), **values)


def _register_override(key: str, raw: Any, path: Path) -> RegisterOverride:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [registers.{key}] must be a table")
    unknown = set(raw) - {f.name for f in fields(RegisterOverride)}
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) in [registers.{key}]: "
                          f"{', '.join(sorted(unknown))}")
    columns = raw.get("columns", {})
    schema = REGISTERS_BY_KEY[key]
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ConfigError(f"{path}: [registers.{key}.columns] maps field keys to header texts")
    bad = [k for k in columns if not schema.has(k)]
    if bad:
        raise ConfigError(f"{path}: [registers.{key}.columns] has unknown field(s) "
                          f"{', '.join(bad)}")
    return RegisterOverride(file=str(raw.get("file", "")), sheet=str(raw.get("sheet", "")),
                            columns=dict(columns), adopted=bool(raw.get("adopted", False)))


def _checked(name: str, value: Any, hint: Any) -> Any:
    expected = hint if get_origin(hint) is None else get_origin(hint)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is types.UnionType or not isinstance(value, expected) or (
            expected is int and isinstance(value, bool)):
        raise ConfigError(f"setting {name} = {value!r}: expected {_type_name(hint)}")
    return value


def _from_env(name: str, raw: str, hint: Any) -> Any:
    try:
        if hint is bool:
            if raw.strip().lower() not in {"1", "0", "true", "false", "yes", "no", "oui", "non"}:
                raise ValueError(raw)
            return raw.strip().lower() in {"1", "true", "yes", "oui"}
        if hint is int:
            return int(raw)
        if hint is float:
            return float(raw)
        if get_origin(hint) is list:
            return [part.strip() for part in raw.split(",") if part.strip()]
    except ValueError as exc:
        raise ConfigError(
            f"environment variable {name}={raw!r}: expected {_type_name(hint)}") from exc
    return raw


def _type_name(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is None:
        return getattr(hint, "__name__", str(hint))
    args = ", ".join(_type_name(a) for a in get_args(hint))
    return f"{origin.__name__}[{args}]"
