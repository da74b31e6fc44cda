"""Mail settings: ``[mail]``, ``[mail.imap]``, ``[mail.smtp]`` and the ``[[mail.rules]]`` list.

Declared like :mod:`automation.config` declares its sections (one ``setting`` per field, with
its default and help). ``load_mail_config`` reads the ``mail`` table of ``automation.toml``
and the ``AUTOMATION_MAIL_*`` / ``AUTOMATION_MAIL_IMAP_*`` / ``AUTOMATION_MAIL_SMTP_*``
environment variables, which win. Passwords are never settings: see :mod:`automation.secrets`.

A rule is a name, a register key (or ``""``: the mail is left alone) and patterns on the
subject, the body, the sender, the folder, or ``text`` (subject or body). A pattern is a
keyword — matched at the start of a word, accents and case ignored — or, prefixed with
``re:``, a regular expression. Within one field any pattern may match; every field given must
match. ``values`` presets register fields (``{ stakeholder = "Financeur" }``);
``attachments`` says what the spreadsheets attached to the mails it matches are
(:mod:`automation.intake.attachment_use`).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from automation.arrival import Source
from automation.errors import ConfigError
from automation.registers.schema import DEFAULT_REGISTERS, REGISTERS_BY_KEY, Kind
from automation.settings import build_section, setting

MAIL_SOURCES: Final = tuple(s.value for s in (Source.FOLDER, Source.IMAP, Source.EXCHANGE,
                                               Source.GRAPH))
MARKS: Final = ("move", "flag")
TLS_MODES: Final = ("tls", "starttls", "none")
REGEX_PREFIX: Final = "re:"
RULE_FIELDS: Final = ("subject", "body", "sender", "folder", "text")
OTHER_TABLES: Final = ("exchange", "graph")  # [mail.exchange], [mail.graph]: mail_backends_config

# "session S26-014", "réf. session : ABC-12", "session n° 2026/03"
DEFAULT_SESSION_PATTERN: Final = (
    r"(?i)\b(?:r[ée]f(?:[ée]rence)?\.?\s*(?:de\s+la\s+)?)?session\s*(?:n[°o]\.?\s*|:\s*)?"
    r"(?P<ref>[A-Z]{0,6}[-_/]?\d[\w/-]{1,20})")
# formation « Excel avancé », formation : Excel avancé, formation "Excel"
DEFAULT_TRAINING_PATTERN: Final = (
    r"(?i)\bformation\s*(?:«\s*(?P<guillemets>[^»\n]{3,80}?)\s*»"
    r"|\"(?P<quotes>[^\"\n]{3,80})\"|:\s*(?P<colon>[^\n.;]{3,80}))")


@dataclass(frozen=True)
class MailSettings:
    source: str = setting("folder", "Where mail comes from: folder (mails saved into inbox/ "
                          "and inbox/mails/), imap, exchange or graph.")
    processed_folder: str = setting("Traité", "Mailbox folder a recorded mail is moved to "
                                    "(created when missing).")
    mark: str = setting("move", "How a recorded mail is marked: move (to processed_folder) or "
                        "flag (left in place with a flag).")
    max_attachment_mb: float = setting(25.0, "An attachment larger than this is listed in the "
                                       "row but never opened.")
    max_mail_mb: float = setting(60.0, "A mail larger than this is fetched without its body "
                                 "and attachments (headers only).")
    session_pattern: str = setting(DEFAULT_SESSION_PATTERN, "Regular expression finding a "
                                   "session reference in a mail (first group, or group 'ref').")
    training_pattern: str = setting(DEFAULT_TRAINING_PATTERN, "Regular expression finding a "
                                    "training title in a mail (first group that matched).")
    # setting() gives a list a default_factory, so the default is not shared
    own_domains: list[str] = setting(  # noqa: RUF009
        [], "Mail domains of the organisation itself, besides those of the watched mailbox and "
        "of organisation.email (always the office's, unless a public one such as gmail.com): a "
        "mail from them is a colleague's, never a customer's, and a cancellation sent from "
        "them is 'Organisme' initiated.")
    forwarder_is_owner: bool = setting(
        False, "A mail a colleague forwarded names that colleague as « Responsable » of the "
        "row (the forwarder is always named in « Source »).")
    default_rules: bool = setting(True, "Apply the built-in French classification rules after "
                                  "the office's own [[mail.rules]].")


@dataclass(frozen=True)
class ImapSettings:
    host: str = setting("", "IMAP server name.")
    port: int = setting(0, "IMAP port; 0 = 993 with tls, 143 with starttls or none.")
    tls: str = setting("tls", "tls (implicit, port 993), starttls, or none (loopback tests "
                       "only: the password would cross the network in clear).")
    username: str = setting("", "IMAP login. The password comes from AUTOMATION_MAIL_PASSWORD "
                            "or the OS keyring (service 'automation', user = this login).")
    folder: str = setting("INBOX", "Folder watched for new mail.")
    drafts_folder: str = setting("", "Folder where draft answers are saved; empty = the "
                                 "server's Drafts folder.")
    save_sent: bool = setting(True, "Copy each answer sent through [mail.smtp] to the Sent "
                              "folder (turn off for servers that file sent mail themselves, "
                              "such as Gmail and Microsoft 365).")
    sent_folder: str = setting("", "The Sent folder: where answers sent through [mail.smtp] are "
                               "copied, and where drafts a person sent are found (their letter "
                               "is then sent); empty = the server's Sent folder.")
    idle: bool = setting(True, "Wait for new mail with IDLE when the server offers it.")
    poll_seconds: float = setting(60.0, "Check for new mail this often when IDLE is off.")
    timeout_seconds: float = setting(30.0, "Network timeout of one IMAP operation.")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = setting("", "SMTP server used to send answers; empty = answers are only "
                        "saved as drafts.")
    port: int = setting(0, "SMTP port; 0 = 587 with starttls, 465 with tls, 25 with none.")
    tls: str = setting("starttls", "starttls, tls (implicit) or none (loopback tests only).")
    username: str = setting("", "SMTP login; empty = no login. The password comes from "
                            "AUTOMATION_SMTP_PASSWORD or the OS keyring.")
    from_address: str = setting("", "Sender address of answers; empty = the IMAP login.")
    timeout_seconds: float = setting(30.0, "Network timeout of one SMTP exchange.")


@dataclass(frozen=True)
class MailRule:
    """One classification rule; patterns are validated when the configuration is read."""

    name: str
    register: str | None  # None: a mail this rule matches is left alone
    subject: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    sender: tuple[str, ...] = ()
    folder: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    automatic: bool | None = None  # match only automatic mails (auto-replies, bounces)
    values: Mapping[str, str] = field(default_factory=dict)
    # What attached spreadsheets are: "" decide from their headers and the register,
    # "evidence" always kept with the row, a register key: lists for that register.
    attachments: str = ""


@dataclass(frozen=True)
class MailConfig:
    mail: MailSettings = field(default_factory=MailSettings)
    imap: ImapSettings = field(default_factory=ImapSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    rules: tuple[MailRule, ...] = ()  # the office's own rules, in order

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.mail.max_attachment_mb * 1024 * 1024)

    @property
    def max_mail_bytes(self) -> int:
        return int(self.mail.max_mail_mb * 1024 * 1024)


# For `declared_settings` and the docs: table name → section class.
MAIL_SECTIONS: Final = {"mail": MailSettings, "mail.imap": ImapSettings,
                        "mail.smtp": SmtpSettings}



def is_loopback(host: str) -> bool:
    """True for this machine itself (where an unencrypted test server may listen)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() in {"localhost", "localhost.localdomain"}


def load_mail_config(data: Mapping[str, Any], *, environ: Mapping[str, str] | None = None,
                     other_tables: Collection[str] = OTHER_TABLES) -> MailConfig:
    """Build the mail configuration from the ``mail`` table of ``automation.toml``.

    ``other_tables`` are sub-tables read by other loaders (``[mail.exchange]``,
    ``[mail.graph]``): they are left alone here.
    """
    environ = os.environ if environ is None else environ
    table = {key: value for key, value in data.items() if key not in other_tables}
    imap_table = _table(table.pop("imap", {}), "mail.imap")
    smtp_table = _table(table.pop("smtp", {}), "mail.smtp")
    raw_rules = table.pop("rules", [])
    mail = build_section("mail", MailSettings, table, environ)
    imap = build_section("mail.imap", ImapSettings, imap_table, environ)
    smtp = build_section("mail.smtp", SmtpSettings, smtp_table, environ)
    _check_choice("mail.source", mail.source, MAIL_SOURCES)
    _check_choice("mail.mark", mail.mark, MARKS)
    _check_choice("mail.imap.tls", imap.tls, TLS_MODES)
    _check_choice("mail.smtp.tls", smtp.tls, TLS_MODES)
    for name in ("session_pattern", "training_pattern"):
        _check_regex(f"mail.{name}", getattr(mail, name))
    if mail.source == "imap" and not (imap.host and imap.username):
        raise ConfigError("mail.source = \"imap\" needs mail.imap.host and mail.imap.username")
    if not isinstance(raw_rules, list):
        raise ConfigError("mail.rules must be a list of tables: [[mail.rules]]")
    rules = tuple(_rule(raw, number) for number, raw in enumerate(raw_rules, start=1))
    return MailConfig(mail=mail, imap=imap, smtp=smtp, rules=rules)


def _table(raw: Any, name: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{name}] must be a table")
    return dict(raw)










def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"setting {name} = {value!r}: expected one of {', '.join(choices)}")


def _check_regex(name: str, pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"setting {name}: not a valid regular expression ({exc})") from exc


def _rule(raw: Any, number: int) -> MailRule:
    where = f"[[mail.rules]] n°{number}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    allowed = {"name", "register", "automatic", "values", "attachments", *RULE_FIELDS}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(allowed))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: a rule needs a name")
    where = f"{where} ({name!r})"
    register = raw.get("register")
    writable = [schema.key for schema in DEFAULT_REGISTERS]
    if not isinstance(register, str) or (register and register not in writable):
        raise ConfigError(f"{where}: register must be one of {', '.join(writable)} "
                          "or \"\" (leave the mail alone)")
    patterns = {key: _patterns(raw.get(key, []), f"{where}.{key}") for key in RULE_FIELDS}
    automatic = raw.get("automatic")
    if automatic is not None and not isinstance(automatic, bool):
        raise ConfigError(f"{where}: automatic must be true or false")
    if not any(patterns.values()) and automatic is None:
        raise ConfigError(f"{where}: give at least one of {', '.join(RULE_FIELDS)}")
    values = _values(raw.get("values", {}), register, where)
    attachments = raw.get("attachments", "")
    if not isinstance(attachments, str) or attachments not in {"", "evidence", *writable}:
        raise ConfigError(f"{where}: attachments must be \"evidence\" (attached spreadsheets "
                          "are kept with the row) or a register key "
                          f"({', '.join(writable)}: attached lists go to that register)")
    return MailRule(name=name.strip(), register=register or None, automatic=automatic,
                    values=values, attachments=attachments, **patterns)


def _patterns(raw: Any, where: str) -> tuple[str, ...]:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
        raise ConfigError(f"{where}: expected a text or a list of texts")
    for pattern in items:
        if pattern.startswith(REGEX_PREFIX):
            _check_regex(where, pattern[len(REGEX_PREFIX):])
    return tuple(items)


def _values(raw: Any, register: str, where: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ConfigError(f"{where}: values must be a table of texts")
    if raw and not register:
        raise ConfigError(f"{where}: values need a register")
    schema = REGISTERS_BY_KEY.get(register)
    for key, value in raw.items():
        if schema is None or not schema.has(key):
            raise ConfigError(f"{where}: values: unknown field {key!r} for register {register}")
        spec = schema.field(key)
        if spec.kind is Kind.ENUM and value not in spec.choices:
            raise ConfigError(f"{where}: values.{key} = {value!r}: expected one of "
                              f"{', '.join(spec.choices)}")
    return dict(raw)
