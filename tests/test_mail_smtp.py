"""Sending answers through SMTP (aiosmtpd on loopback) and finding passwords (env, keyring)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import keyring
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from automation.errors import ConfigError, LetterError, MailboxError
from automation.letters.smtp import SmtpSender, reply_message
from automation.mail_config import SmtpSettings
from automation.secrets import SMTP_PASSWORD_ENV, lookup_secret, require_secret
from tests.dovecot import free_port

SECRET = "s3cret-smtp"  # a test server's password


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope.content)
        return "250 OK"

    def authenticate(self, server: object, session: object, envelope: object, mechanism: str,
                     data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login, data.password))
        return AuthResult(success=data.password == SECRET.encode(), handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(),
                            loop=asyncio.new_event_loop(), authenticator=inbox.authenticate,
                            auth_require_tls=False)
    controller.start()
    yield inbox, controller.port
    controller.stop()
    controller.loop.close()


def _reply(tmp_path: Path) -> Any:
    letter = tmp_path / "Réponse REC-2026-0004.pdf"
    letter.write_bytes(b"%PDF-1.4 reponse")
    return reply_message(from_address="Qualité <qualite@organisme-exemple.fr>",
                         to="Hélène Lefèvre <helene@exemple-apprenant.fr>",
                         subject="Re: Réclamation : facture de 1 250 €", body="Bonjour,\n€ réglé.",
                         attachment=letter, in_reply_to="<orig@exemple-apprenant.fr>",
                         references="<older@x>")


def test_an_answer_is_received_with_its_letter(smtp: tuple[_Inbox, int],
                                               tmp_path: Path) -> None:
    inbox, port = smtp
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none"))
    sender.send(_reply(tmp_path))
    (raw,) = inbox.messages
    received = message_from_bytes(raw, policy=policy.default)
    assert str(received["Subject"]) == "Re: Réclamation : facture de 1 250 €"
    assert received["In-Reply-To"] == "<orig@exemple-apprenant.fr>"
    assert received["References"] == "<older@x> <orig@exemple-apprenant.fr>"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None and "€ réglé." in body.get_content()
    (letter,) = list(received.iter_attachments())
    assert letter.get_filename() == "Réponse REC-2026-0004.pdf"
    assert letter.get_content_type() == "application/pdf"
    assert letter.get_content() == b"%PDF-1.4 reponse"


def test_a_login_uses_the_password_from_the_environment(smtp: tuple[_Inbox, int],
                                                        tmp_path: Path) -> None:
    inbox, port = smtp
    settings = SmtpSettings(host="127.0.0.1", port=port, tls="none", username="qualite")
    SmtpSender.from_settings(settings, environ={SMTP_PASSWORD_ENV: SECRET}).send(
        _reply(tmp_path))
    assert inbox.logins == [(b"qualite", SECRET.encode())]
    assert len(inbox.messages) == 1


def test_a_refused_login_is_a_mailbox_error_without_the_password(
        smtp: tuple[_Inbox, int], tmp_path: Path) -> None:
    _, port = smtp
    settings = SmtpSettings(host="127.0.0.1", port=port, tls="none", username="qualite")
    sender = SmtpSender(settings, password="wrong-one")
    with pytest.raises(MailboxError, match="refused the login") as caught:
        sender.send(_reply(tmp_path))
    assert "wrong-one" not in str(caught.value)


def test_an_unreachable_server_is_a_mailbox_error(tmp_path: Path) -> None:
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=free_port(), tls="none",
                                     timeout_seconds=2))
    with pytest.raises(MailboxError, match="sending failed"):
        sender.send(_reply(tmp_path))


def test_starttls_to_a_server_without_it_is_a_mailbox_error(smtp: tuple[_Inbox, int],
                                                            tmp_path: Path) -> None:
    inbox, port = smtp
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="starttls"))
    with pytest.raises(MailboxError):
        sender.send(_reply(tmp_path))
    assert inbox.messages == []  # never in clear when TLS was asked for


def test_a_password_in_clear_to_a_remote_server_is_refused() -> None:
    with pytest.raises(ConfigError, match="clear"):
        SmtpSender(SmtpSettings(host="smtp.exemple.fr", tls="none", username="a"), password="x")


def test_a_missing_letter_is_a_letter_error(tmp_path: Path) -> None:
    with pytest.raises(LetterError):
        reply_message(from_address="a@b.fr", to="c@d.fr", subject="x", body="x",
                      attachment=tmp_path / "absent.pdf")


def test_a_draft_for_outlook_is_marked_unsent() -> None:
    message = reply_message(from_address="a@b.fr", to="c@d.fr", subject="x", body="x",
                            draft=True)
    assert message["X-Unsent"] == "1"


class _MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self, *, broken: bool = False) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring is not typed here
        self.broken = broken
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise KeyringError("no backend")
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[_MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = _MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_a_secret_comes_from_the_environment_first(memory_keyring: _MemoryKeyring) -> None:
    memory_keyring.set_password("automation", "qualite", "from-keyring")
    assert lookup_secret("X_PASSWORD", "qualite", environ={"X_PASSWORD": "env"}) == "env"
    assert lookup_secret("X_PASSWORD", "qualite", environ={}) == "from-keyring"
    assert lookup_secret("X_PASSWORD", "autre", environ={}) is None


def test_a_broken_keyring_means_no_secret(memory_keyring: _MemoryKeyring) -> None:
    memory_keyring.broken = True
    assert lookup_secret("X_PASSWORD", "qualite", environ={}) is None


def test_a_missing_secret_says_how_to_store_it(memory_keyring: _MemoryKeyring) -> None:
    with pytest.raises(ConfigError, match="X_PASSWORD") as caught:
        require_secret("X_PASSWORD", "qualite", what="IMAP", environ={})
    assert "keyring set automation qualite" in str(caught.value)
