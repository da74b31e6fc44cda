"""Configuration: every setting declared once, with its type, default and help.

Settings are read from ``automation.toml`` in the office folder (optional), then from
``AUTOMATION_<SECTION>_<KEY>`` environment variables, which win. A bad value stops the start
with a :class:`~automation.errors.ConfigError` that names it. Secrets (mailbox passwords,
client secrets) are never settings: they come from the environment or the OS keyring.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, get_type_hints

from automation.audit.config import Audit
from automation.deadlines.config import Deadlines
from automation.errors import ConfigError
from automation.improvement.config import Improvement
from automation.indicators.config import Indicators
from automation.intake.config import Intake
from automation.logs.config import Logs
from automation.mail_backends_config import MAIL_BACKEND_SECTIONS, ExchangeSettings, GraphSettings
from automation.mail_config import MAIL_SECTIONS, MailConfig, load_mail_config
from automation.procedures.config import Cancellations
from automation.registers.binding import RegisterBinding
from automation.registers.ids import IdScheme
from automation.registers.schema import DEFAULT_REGISTERS, READ_ONLY_REGISTERS, REGISTERS_BY_KEY
from automation.rgpd.config import Rgpd
from automation.settings import build_section, env_name, setting, type_name
from automation.surveys.config import SURVEY_SECTIONS, Surveys, load_surveys

if TYPE_CHECKING:
    from automation.intake.forms import FormEntry

CONFIG_FILE: Final = "automation.toml"


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
    city: str = setting("", "City the letters are dated from (« Nice, le 22 novembre 2026 »).")


@dataclass(frozen=True)
class Paths:
    inbox: str = setting("inbox", "Drop folder watched for files (relative to the office folder).")
    registers: str = setting("registers", "Folder of the Excel registers.")
    templates: str = setting("templates", "Folder of the Word letter templates.")
    outbox: str = setting("outbox", "Folder where produced letters are written.")


@dataclass(frozen=True)
class Watch:
    settle_seconds: float = setting(
        2.0, "A dropped file is read once it has not changed for this many seconds (and no "
        "program holds it open for writing).")
    incomplete_seconds: float = setting(
        30.0, "A dropped file whose end is missing (a CSV's last line without its line ending, "
        "a workbook without its zip directory) is given this many seconds more before it is "
        "read as it is.")
    rescan_seconds: float = setting(
        30.0, "The inbox is swept this often, to catch what file events missed.")
    poll_seconds: float = setting(
        0.0, "Poll the folders every N seconds instead of OS events (network shares); 0 = events.")
    retry_seconds: float = setting(
        10.0, "A busy or locked file is tried again after this many seconds.")
    mail_poll_seconds: float = setting(
        60.0, "Look for new mail this often (Exchange, Microsoft 365; IMAP has its own).")
    stale_owner_hours: float = setting(
        12.0, "An Excel or LibreOffice owner file (~$…) older than this is called probably "
        "stale in status and the daily digest, with how to remove it.")


SEND_MODES: Final = ("auto", "none", "draft", "send")


@dataclass(frozen=True)
class Letters:
    acknowledgment: bool = setting(
        True, "Write an acknowledgment letter for every complaint recorded.")
    send: str = setting(
        "auto", "What happens to the acknowledgment of a mailed complaint: none (only written "
        "to outbox/), draft (saved as a draft reply in the mailbox for a person to check), send "
        "(sent as a reply); auto = draft when a mailbox is configured, none otherwise.")
    pdf: bool = setting(
        True, "Attach the letter to a sent reply as PDF when LibreOffice is installed (else "
        ".docx; a draft always carries the .docx, which a person may still edit).")

    def send_mode(self, *, mailbox: bool) -> str:
        if self.send == "auto":
            return "draft" if mailbox else "none"
        return self.send


@dataclass(frozen=True)
class RegistersSection:
    backups_kept: int = setting(30, "How many copies of each register are kept in .backup/.")


@dataclass(frozen=True)
class RegisterOverride:
    """``[registers.<key>]``: where a register lives and how the office names its columns.

    ``automation adopt`` writes it: ``columns`` (field key = the office's header), ``values``
    (per field, our dropdown value = the office's), ``ids`` (the office's id scheme, such as
    ``"R{yy}-{nn}"``) and ``added`` (the columns it added to the office's table).
    """

    file: str = ""
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    adopted: bool = False
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: str = ""
    added: tuple[str, ...] = ()


_SECTIONS: Final = {
    "organisation": Organisation,
    "paths": Paths,
    "watch": Watch,
    "intake": Intake,
    "letters": Letters,
    "registers": RegistersSection,
    "deadlines": Deadlines,
    "cancellations": Cancellations,
    "logs": Logs,
    "indicators": Indicators,
    "rgpd": Rgpd,
    "improvement": Improvement,
    "audit": Audit,
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
    cancellations: Cancellations = field(default_factory=Cancellations)
    logs: Logs = field(default_factory=Logs)
    indicators: Indicators = field(default_factory=Indicators)
    rgpd: Rgpd = field(default_factory=Rgpd)
    improvement: Improvement = field(default_factory=Improvement)
    audit: Audit = field(default_factory=Audit)
    mail: MailConfig = field(default_factory=MailConfig)
    exchange: ExchangeSettings = field(default_factory=ExchangeSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    register_overrides: Mapping[str, RegisterOverride] = field(default_factory=dict)
    surveys: Surveys = field(default_factory=Surveys)
    survey_forms: tuple[FormEntry, ...] = ()  # the office's [[surveys.forms]]

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
    def logs_dir(self) -> Path:
        return self.root / self.logs.dir

    @property
    def journal_path(self) -> Path:
        return self.registers_dir / ".journal.sqlite3"

    def binding(self, key: str) -> RegisterBinding:
        """The workbook and column names of register ``key``."""
        schema = REGISTERS_BY_KEY[key]
        override = self.register_overrides.get(key, RegisterOverride())
        path = self.registers_dir / (override.file or f"{key}.xlsx")
        return RegisterBinding(schema=schema, path=path, sheet=override.sheet or None,
                               columns=dict(override.columns), adopted=override.adopted,
                               values=override.values, ids=override.ids, added=override.added)

    def binding_exists(self, key: str) -> bool:
        """True for a register rows can be appended to (the sessions planning is read only)."""
        return key in REGISTERS_BY_KEY and all(r.key != key for r in READ_ONLY_REGISTERS)

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
        section, key = self.name.rsplit(".", 1)
        return env_name(section, key)


def declared_settings() -> Iterator[SettingInfo]:
    """Every setting, in declaration order (used by the docs and their test)."""
    every = {**_SECTIONS, **MAIL_SECTIONS, **MAIL_BACKEND_SECTIONS, **SURVEY_SECTIONS}
    for section, cls in every.items():
        hints = get_type_hints(cls)
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            yield SettingInfo(f"{section}.{f.name}", type_name(hints[f.name]), default,
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
    unknown = set(data) - set(_SECTIONS) - {"mail", *SURVEY_SECTIONS}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join([*_SECTIONS, 'mail', *SURVEY_SECTIONS])}")
    sections: dict[str, Any] = {}
    overrides: dict[str, RegisterOverride] = {}
    for name, cls in _SECTIONS.items():
        table = dict(data.get(name, {}))
        if name == "registers":
            for key in list(table):
                if key in REGISTERS_BY_KEY:
                    overrides[key] = _register_override(key, table.pop(key), path)
        sections[name] = build_section(name, cls, table, environ, where=str(path))
    if sections["letters"].send not in SEND_MODES:
        raise ConfigError(f"setting letters.send = {sections['letters'].send!r}: expected one "
                          f"of {', '.join(SEND_MODES)}")
    mail_table = data.get("mail", {})
    if not isinstance(mail_table, dict):
        raise ConfigError(f"{path}: [mail] must be a table")
    sections["mail"] = load_mail_config(mail_table, environ=environ)
    for key, attribute in (("exchange", "exchange"), ("graph", "graph")):
        sub = mail_table.get(key, {})
        if not isinstance(sub, dict):
            raise ConfigError(f"{path}: [mail.{key}] must be a table")
        cls = MAIL_BACKEND_SECTIONS[f"mail.{key}"]
        sections[attribute] = build_section(f"mail.{key}", cls, sub, environ, where=str(path))
    sections["surveys"], sections["survey_forms"] = load_surveys(
        data.get("surveys", {}), environ, where=str(path))
    return Config(root=root.resolve(), register_overrides=overrides, **sections)


def _register_override(key: str, raw: Any, path: Path) -> RegisterOverride:
    where = f"{path}: [registers.{key}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}] must be a table")
    unknown = set(raw) - {f.name for f in fields(RegisterOverride)}
    if unknown:
        raise ConfigError(f"{where}]: unknown setting(s) {', '.join(sorted(unknown))}")
    columns = raw.get("columns", {})
    schema = REGISTERS_BY_KEY[key]
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ConfigError(f"{where}.columns] maps field keys to header texts")
    bad = [k for k in columns if not schema.has(k)]
    if bad:
        raise ConfigError(f"{where}.columns] has unknown field(s) {', '.join(bad)}")
    values = raw.get("values", {})
    if not isinstance(values, dict) or not all(
            isinstance(m, dict) and all(isinstance(o, str) for o in m.values())
            for m in values.values()):
        raise ConfigError(f"{where}.values] maps, per field, our value to the office's: "
                          'status = { Nouvelle = "Ouverte" }')
    for name, mapping in values.items():
        if not schema.has(name) or not schema.field(name).choices:
            raise ConfigError(f"{where}.values]: {name} is not a field with a list of values")
        strange = [v for v in mapping if v not in schema.field(name).choices]
        if strange:
            raise ConfigError(f"{where}.values.{name}]: {', '.join(strange)} not among "
                              f"{', '.join(schema.field(name).choices)}")
    ids = raw.get("ids", "")
    if not isinstance(ids, str):
        raise ConfigError(f"{where}] ids must be a text such as \"R{{yy}}-{{nn}}\"")
    if ids:
        IdScheme(ids)  # a bad scheme stops the start, naming it
    added = raw.get("added", [])
    if not isinstance(added, list) or not all(isinstance(a, str) and schema.has(a)
                                              for a in added):
        raise ConfigError(f"{where}] added lists field keys")
    return RegisterOverride(file=str(raw.get("file", "")), sheet=str(raw.get("sheet", "")),
                            columns=dict(columns), adopted=bool(raw.get("adopted", False)),
                            values={k: dict(v) for k, v in values.items()}, ids=ids,
                            added=tuple(added))
