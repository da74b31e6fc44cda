"""Settings of the Exchange (EWS) and Microsoft 365 (Graph) mailbox backends.

Two sections, declared like the others in :mod:`automation.config`::

    [mail.exchange]                       [mail.graph]
    server_url = "https://mail.of.fr/EWS/Exchange.asmx"
    username = "OF\\\\accueil"              tenant_id = "of.onmicrosoft.com"
    mailbox = "contact@of.fr"             client_id = "0b7e…"
                                          mailbox = "contact@of.fr"

Secrets are never settings: the EWS password comes from ``AUTOMATION_EXCHANGE_PASSWORD`` or the
OS keyring (service ``automation``, user = the login); the Graph client secret from
``AUTOMATION_GRAPH_CLIENT_SECRET`` or the keyring (user = the client id). Where a recorded mail
goes (``processed_folder``) and how it is marked (``mark``) are the shared ``[mail]`` settings;
``category`` is what ``mark = "flag"`` adds here.

EWS in Exchange Online (outlook.office365.com) is refused from 1 October 2026 and switched off
on 1 April 2027: Microsoft 365 mailboxes use ``[mail.graph]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from automation.errors import ConfigError
from automation.secrets import require_secret
from automation.settings import setting

EXCHANGE_PASSWORD_ENV: Final = "AUTOMATION_EXCHANGE_PASSWORD"  # noqa: S105 - a variable's name
GRAPH_SECRET_ENV: Final = "AUTOMATION_GRAPH_CLIENT_SECRET"  # noqa: S105 - a variable's name
EXCHANGE_AUTHS: Final = ("ntlm", "basic")
GRAPH_AUTHS: Final = ("client_credentials", "device_code")
MARKS: Final = ("move", "flag")
EXCHANGE_VERSIONS: Final = ("", "2010", "2013", "2016", "2019")
EXCHANGE_ONLINE_HOSTS: Final = ("outlook.office365.com", "outlook.office.com", "outlook.com")
EWS_RETIREMENT: Final = (
    "EWS dans Exchange Online (Microsoft 365) est refusé depuis le 1er octobre 2026 et coupé le "
    "1er avril 2027 : pour une boîte Microsoft 365, utilisez la source graph ([mail.graph]).")


@dataclass(frozen=True)
class ExchangeSettings:
    """``[mail.exchange]``: an on-premises Exchange server reached through EWS."""

    server_url: str = setting(
        "", "EWS address, e.g. https://mail.example.fr/EWS/Exchange.asmx (empty: autodiscover).")
    autodiscover: bool = setting(
        False, "Find the EWS address from the mailbox address (autodiscover), not server_url.")
    username: str = setting("", "Login: DOMAIN\\user (NTLM) or user@domain.")
    auth: str = setting("ntlm", "Authentication: ntlm or basic (basic only over https).")
    mailbox: str = setting(
        "", "Address of the watched mailbox when it is not the login's own, e.g. a shared mailbox "
            "(the login needs Full Access to it); empty = the login's mailbox.")
    folder: str = setting(
        "Inbox", "Watched folder: Inbox, a path below it such as Inbox/Réclamations, or a "
                 "top-level folder path.")
    category: str = setting(
        "Traité", "Outlook category given to a recorded mail when [mail] mark = flag.")
    verify_tls: bool = setting(
        True, "Check the server's TLS certificate (turn off only to diagnose; prefer ca_bundle).")
    ca_bundle: str = setting(
        "", "PEM file of the authority that signed the server's certificate (a self-signed "
            "Exchange); empty = the system's trusted authorities.")
    server_version: str = setting(
        "", "Exchange version (2010, 2013, 2016 or 2019), saves asking the server; empty = ask.")
    max_wait_seconds: float = setting(
        300.0, "How long a busy (throttling) Exchange server is waited for before giving up.")


@dataclass(frozen=True)
class GraphSettings:
    """``[mail.graph]``: a Microsoft 365 mailbox reached through Microsoft Graph."""

    tenant_id: str = setting("", "Directory (tenant) id or domain, e.g. of.onmicrosoft.com.")
    client_id: str = setting("", "Application (client) id of the app registration.")
    auth: str = setting(
        "client_credentials",
        "client_credentials (the app's secret; application permissions reach every mailbox of "
        "the tenant unless scoped with RBAC for Applications) or device_code (a person signs in "
        "once with `automation mail login`).")
    mailbox: str = setting("", "Address (user principal name) of the watched mailbox.")
    folder: str = setting(
        "Inbox", "Watched folder: Inbox, a path below it such as Inbox/Réclamations, or a "
                 "top-level folder path.")
    category: str = setting(
        "Traité", "Outlook category given to a recorded mail when [mail] mark = flag.")
    authority_url: str = setting(
        "https://login.microsoftonline.com", "Sign-in service (another cloud's, if needed).")
    graph_url: str = setting("https://graph.microsoft.com/v1.0", "Microsoft Graph address.")
    ca_bundle: str = setting(
        "", "PEM file of an extra trusted authority (a TLS-inspecting proxy); empty = the "
            "system's trusted authorities.")
    token_cache: str = setting(
        "", "device_code only: file keeping the signed-in person's tokens, readable by the service "
            "account only; empty = ~/.automation/graph-token-cache.json.")
    max_wait_seconds: float = setting(
        120.0, "How long throttling (HTTP 429/503 Retry-After) is waited out before the run "
               "gives up.")
    timeout_seconds: float = setting(60.0, "Time allowed for one HTTP request.")


MAIL_BACKEND_SECTIONS: Final = {"mail.exchange": ExchangeSettings, "mail.graph": GraphSettings}


def validate_exchange(settings: ExchangeSettings) -> None:
    """Raise :class:`ConfigError` naming the first unusable ``[mail.exchange]`` setting."""
    _choice("mail.exchange.auth", settings.auth, EXCHANGE_AUTHS)
    _choice("mail.exchange.server_version", settings.server_version, EXCHANGE_VERSIONS)
    if not settings.username:
        raise ConfigError("mail.exchange.username is empty: give the login (DOMAIN\\user)")
    if settings.autodiscover:
        if settings.server_url:
            raise ConfigError("mail.exchange: give server_url or autodiscover = true, not both")
        if not settings.verify_tls or settings.ca_bundle:
            raise ConfigError("mail.exchange: verify_tls and ca_bundle need server_url "
                              "(autodiscover checks certificates against the system store)")
    else:
        _https("mail.exchange.server_url", settings.server_url)
    if not exchange_address(settings):
        raise ConfigError("mail.exchange.mailbox is empty and the username is not an address: "
                          "give the mailbox address")
    if "@" not in exchange_address(settings):
        raise ConfigError(f"setting mail.exchange.mailbox = {settings.mailbox!r}: expected a "
                          "mail address")
    _folder("mail.exchange.folder", settings.folder)
    _bundle("mail.exchange.ca_bundle", settings.ca_bundle)
    if settings.max_wait_seconds <= 0:
        raise ConfigError("mail.exchange.max_wait_seconds must be positive")


def validate_graph(settings: GraphSettings) -> None:
    """Raise :class:`ConfigError` naming the first unusable ``[mail.graph]`` setting."""
    _choice("mail.graph.auth", settings.auth, GRAPH_AUTHS)
    for name in ("tenant_id", "client_id", "mailbox"):
        if not getattr(settings, name).strip():
            raise ConfigError(f"mail.graph.{name} is empty")
    _https("mail.graph.authority_url", settings.authority_url)
    _https("mail.graph.graph_url", settings.graph_url)
    _folder("mail.graph.folder", settings.folder)
    _bundle("mail.graph.ca_bundle", settings.ca_bundle)
    if settings.max_wait_seconds < 0 or settings.timeout_seconds <= 0:
        raise ConfigError("mail.graph.max_wait_seconds and timeout_seconds must be positive")


def exchange_address(settings: ExchangeSettings) -> str:
    """The SMTP address of the watched mailbox (the shared mailbox, or the login's own)."""
    if settings.mailbox:
        return settings.mailbox.strip()
    return settings.username.strip() if "@" in settings.username else ""


def exchange_online_warning(settings: ExchangeSettings) -> str | None:
    """The EWS retirement notice when ``settings`` point at Exchange Online, else ``None``."""
    host = (urlsplit(settings.server_url).hostname or "").lower()
    if any(host == h or host.endswith("." + h) for h in EXCHANGE_ONLINE_HOSTS):
        return EWS_RETIREMENT
    return None


def graph_token_cache_path(settings: GraphSettings) -> Path:
    """Where the device-code sign-in keeps its tokens."""
    if settings.token_cache:
        return Path(settings.token_cache).expanduser()
    return Path.home() / ".automation" / "graph-token-cache.json"


def exchange_password(settings: ExchangeSettings, *,
                      environ: Mapping[str, str] | None = None) -> str:
    """The EWS password: ``AUTOMATION_EXCHANGE_PASSWORD``, else the keyring entry
    ``automation``/<username>; never from the file."""
    return require_secret(EXCHANGE_PASSWORD_ENV, settings.username,
                          what=f"Exchange de {settings.username}", environ=environ)


def graph_client_secret(settings: GraphSettings, *,
                        environ: Mapping[str, str] | None = None) -> str:
    """The app registration's secret: ``AUTOMATION_GRAPH_CLIENT_SECRET``, else the keyring
    entry ``automation``/<client_id>."""
    return require_secret(GRAPH_SECRET_ENV, settings.client_id,
                          what=f"(secret client) de l'application {settings.client_id}",
                          environ=environ)


def _choice(name: str, value: str, accepted: tuple[str, ...]) -> None:
    if value not in accepted:
        shown = ", ".join(a or '""' for a in accepted)
        raise ConfigError(f"setting {name} = {value!r}: expected one of {shown}")


def _https(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ConfigError(f"setting {name} = {url!r}: expected an https:// address "
                          "(mail passwords and tokens never travel unencrypted)")


def validate_marking(processed_folder: str, mark: str) -> None:
    """Check ``[mail] processed_folder`` and ``mark`` as the Exchange and Graph sources use them."""
    _choice("mail.mark", mark, MARKS)
    if mark == "move" and (not processed_folder.strip() or "/" in processed_folder):
        raise ConfigError(f"setting mail.processed_folder = {processed_folder!r}: expected the "
                          "name of one sub-folder of the watched folder")


def _folder(name: str, folder: str) -> None:
    if not [part for part in folder.split("/") if part.strip()]:
        raise ConfigError(f"setting {name} is empty")


def _bundle(name: str, path: str) -> None:
    if path and not Path(path).expanduser().is_file():
        raise ConfigError(f"setting {name} = {path!r}: no such file")
