"""The [mail] settings: defaults, TOML, environment, rules, and refusals that name the setting."""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields
from typing import Any

import pytest

from automation.errors import ConfigError
from automation.mail_config import (
    DEFAULT_SESSION_PATTERN,
    DEFAULT_TRAINING_PATTERN,
    MAIL_SECTIONS,
    MailConfig,
    is_loopback,
    load_mail_config,
)

EXAMPLE = """
[mail]
source = "imap"
processed_folder = "Archives/Traité"
mark = "flag"
max_attachment_mb = 10
own_domains = ["organisme-exemple.fr"]

[mail.imap]
host = "imap.exemple.fr"
username = "qualite@organisme-exemple.fr"
folder = "INBOX/Réclamations"
idle = false

[mail.smtp]
host = "smtp.exemple.fr"
username = "qualite@organisme-exemple.fr"

[[mail.rules]]
name = "OPCO"
register = "reclamations"
sender = ["@opco-exemple.fr", "re:@.*\\\\.gouv\\\\.fr$"]
values = { stakeholder = "Financeur" }

[[mail.rules]]
name = "lettre d'information"
register = ""
subject = "Newsletter"
"""


def load(text: str, environ: dict[str, str] | None = None) -> MailConfig:
    return load_mail_config(tomllib.loads(text).get("mail", {}), environ=environ or {})


def test_defaults_need_no_file() -> None:
    config = load_mail_config({}, environ={})
    assert config.mail.source == "folder"
    assert config.mail.processed_folder == "Traité"
    assert config.mail.mark == "move"
    assert config.imap.tls == "tls" and config.imap.folder == "INBOX" and config.imap.idle
    assert config.imap.poll_seconds == 60
    assert config.max_attachment_bytes == 25 * 1024 * 1024
    assert config.rules == ()


def test_a_full_example_reads() -> None:
    config = load(EXAMPLE)
    assert config.mail.source == "imap" and config.mail.mark == "flag"
    assert config.mail.max_attachment_mb == 10.0
    assert config.imap.folder == "INBOX/Réclamations" and config.imap.idle is False
    assert config.smtp.host == "smtp.exemple.fr"
    opco, newsletter = config.rules
    assert opco.register == "reclamations" and opco.values == {"stakeholder": "Financeur"}
    assert opco.sender == ("@opco-exemple.fr", "re:@.*\\.gouv\\.fr$")
    assert newsletter.register is None and newsletter.subject == ("Newsletter",)


def test_the_environment_wins() -> None:
    config = load(EXAMPLE, {"AUTOMATION_MAIL_MARK": "move", "AUTOMATION_MAIL_IMAP_PORT": "1993",
                            "AUTOMATION_MAIL_IMAP_IDLE": "oui",
                            "AUTOMATION_MAIL_OWN_DOMAINS": "a.fr, b.fr"})
    assert config.mail.mark == "move"
    assert config.imap.port == 1993 and config.imap.idle is True
    assert config.mail.own_domains == ["a.fr", "b.fr"]


@pytest.mark.parametrize(("data", "named"), [
    ({"source": "pop3"}, "mail.source"),
    ({"mark": "delete"}, "mail.mark"),
    ({"imap": {"tls": "ssl"}}, "mail.imap.tls"),
    ({"smtp": {"tls": "yes"}}, "mail.smtp.tls"),
    ({"imap": {"port": "993"}}, "mail.imap.port"),
    ({"imap": {"idle": 1}}, "mail.imap.idle"),
    ({"max_attachment_mb": True}, "mail.max_attachment_mb"),
    ({"own_domains": "a.fr"}, "mail.own_domains"),
    ({"session_pattern": "(unclosed"}, "mail.session_pattern"),
    ({"passwd": "x"}, "mail.passwd"),
    ({"imap": {"password": "x"}}, "mail.imap.password"),  # secrets are never settings
    ({"source": "imap"}, "mail.imap.host"),
    ({"rules": {"name": "x"}}, "mail.rules"),
    ({"rules": [{"register": "reclamations", "subject": "x"}]}, "name"),
    ({"rules": [{"name": "x", "register": "plaintes", "subject": "x"}]}, "register"),
    ({"rules": [{"name": "x", "register": "reclamations"}]}, "at least one"),
    ({"rules": [{"name": "x", "register": "reclamations", "subject": "re:("}]}, "subject"),
    ({"rules": [{"name": "x", "register": "reclamations", "subject": 3}]}, "subject"),
    ({"rules": [{"name": "x", "register": "reclamations", "subject": "a", "colour": "r"}]},
     "colour"),
    ({"rules": [{"name": "x", "register": "reclamations", "subject": "a",
                 "values": {"stakeholder": "Client"}}]}, "stakeholder"),
    ({"rules": [{"name": "x", "register": "reclamations", "subject": "a",
                 "values": {"color": "bleu"}}]}, "color"),
    ({"rules": [{"name": "x", "register": "", "subject": "a",
                 "values": {"nature": "Aléa"}}]}, "need a register"),
])
def test_a_bad_value_is_refused_naming_it(data: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(named)):
        load_mail_config(data, environ={})


def test_a_bad_environment_value_is_refused_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="AUTOMATION_MAIL_IMAP_PORT"):
        load_mail_config({}, environ={"AUTOMATION_MAIL_IMAP_PORT": "neuf"})


def test_every_mail_setting_is_documented() -> None:
    for section, cls in MAIL_SECTIONS.items():
        for spec in fields(cls):
            assert str(spec.metadata.get("help", "")).strip(), f"{section}.{spec.name}"


def test_the_default_patterns_find_references() -> None:
    session = re.compile(DEFAULT_SESSION_PATTERN)
    training = re.compile(DEFAULT_TRAINING_PATTERN)
    for text, ref in [("session S26-014", "S26-014"), ("Réf. session : ABC-12", "ABC-12"),
                      ("session n° 2026/03", "2026/03"), ("Session 4521", "4521")]:
        match = session.search(text)
        assert match is not None and match.group("ref") == ref, text
    assert session.search("la session de mars") is None
    match = training.search("la formation « Excel avancé » du 12")
    assert match is not None and match.group("guillemets") == "Excel avancé"


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("imap.exemple.fr", False), ("192.168.1.10", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_exchange_and_graph_tables_are_left_to_their_loader() -> None:
    config = load_mail_config({"source": "graph", "graph": {"tenant_id": "x"},
                               "exchange": {"server_url": "https://x"}}, environ={})
    assert config.mail.source == "graph"
