"""A thin Microsoft Graph client: msal for tokens, ``requests`` for the REST calls.

:class:`GraphAuth` gets access tokens — for the app itself (client credentials: a client
secret) or for a person who signed in once with the device code flow. That person's tokens
live in a file only the service account can read (mode 600); every refresh writes the newest
refresh token back, so access does not stop after the ~90 days a refresh token lives unused.
Microsoft retires a refresh token once used, so two processes sharing the file (the watcher
and an ``automation mail fetch``) take a lock beside it (``<file>.lock``, filelock) around
read-refresh-write: the second reads what the first wrote instead of spending a retired token.

:class:`GraphClient` sends ``Prefer: IdType="ImmutableId"`` on every request (ids survive a
move), waits out throttling (429/503 with ``Retry-After``) up to a bounded total, and turns
every other failure into a :class:`~automation.errors.MailboxError` a person can act on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import msal
import requests
from filelock import FileLock, Timeout

from automation.errors import MailboxError
from automation.mail_backends_config import GraphSettings
from automation.sources.sync_state import atomic_write

log = logging.getLogger(__name__)

IMMUTABLE_IDS: Final = 'IdType="ImmutableId"'
UPLOAD_CHUNK: Final = 3 * 1024 * 1024  # Graph asks for byte ranges under 4 MB
THROTTLED: Final = (429, 503, 504)
DEFAULT_RETRY_AFTER: Final = 5.0
CACHE_LOCK_SECONDS: Final = 60.0  # another process renewing the sign-in is waited for


class DeltaExpired(MailboxError):
    """Graph forgot the saved delta position (HTTP 410): the folder must be read in full."""


class GraphNotFound(MailboxError):
    """HTTP 404: the mail (or folder, or mailbox) is not there."""


class GraphAuth:
    """Access tokens for Microsoft Graph through msal, as ``[mail.graph] auth`` says."""

    def __init__(self, settings: GraphSettings, *, client_secret: str = "",
                 token_cache_path: Path | None = None) -> None:
        self.settings = settings
        self._secret = client_secret
        self._cache_path = token_cache_path
        self._cache = msal.SerializableTokenCache()
        self._http = _Http(settings)
        self._app: Any = None
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.graph_url))
        if settings.auth == "client_credentials":
            self.scopes = [f"{origin}/.default"]
        else:  # a person's own mailbox and those shared with them
            self.scopes = [f"{origin}/Mail.ReadWrite.Shared", f"{origin}/Mail.Send.Shared"]

    @property
    def who(self) -> str:
        if self.settings.auth == "client_credentials":
            return f"app {self.settings.client_id}"
        accounts = self._application().get_accounts()
        return str(accounts[0].get("username", "?")) if accounts else "nobody signed in"

    def token(self) -> str:
        """A valid access token; a refused or failed renewal raises MailboxError, loudly."""
        app = self._application()
        if self.settings.auth == "client_credentials":
            result = self._msal(lambda: app.acquire_token_for_client(scopes=self.scopes))
            return self._checked(result, "getting an access token")
        with self._cache_lock():
            self._load_cache()  # another process may have renewed the sign-in meanwhile
            accounts = app.get_accounts()
            if not accounts:
                raise MailboxError("Microsoft 365: nobody has signed in for this mailbox yet; "
                                   "run `automation mail login`", mailbox=self.settings.mailbox)
            result = self._msal(lambda: app.acquire_token_silent_with_error(
                self.scopes, account=accounts[0]))
            if result is None:
                raise MailboxError("Microsoft 365: the saved sign-in can no longer be renewed; "
                                   "run `automation mail login` again",
                                   mailbox=self.settings.mailbox)
            self._save_cache()
        return self._checked(result, "renewing the access token")

    def login(self, show: Callable[[str], None]) -> str:
        """Device code sign-in: ``show`` tells the person where to type which code."""
        if self.settings.auth != "device_code":
            raise MailboxError("mail.graph.auth is client_credentials: there is nobody to sign in",
                               mailbox=self.settings.mailbox)
        app = self._application()
        flow = self._msal(lambda: app.initiate_device_flow(scopes=self.scopes))
        if "user_code" not in flow:
            self._checked(flow, "starting the sign-in")
        show(str(flow["message"]))
        result = self._msal(lambda: app.acquire_token_by_device_flow(flow))
        self._checked(result, "signing in")
        with self._cache_lock():
            self._save_cache()
        claims = result.get("id_token_claims") or {}
        return str(claims.get("preferred_username") or self.who)

    def close(self) -> None:
        self._http.close()

    def _cache_lock(self) -> Any:
        """The lock shared by every process using the token cache file (a no-op without one)."""
        if self._cache_path is None:
            return _NoLock()
        lock_path = self._cache_path.with_name(self._cache_path.name + ".lock")
        try:
            lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise MailboxError(f"Microsoft 365: cannot create {lock_path.parent} ({exc})",
                               mailbox=self.settings.mailbox) from exc
        return _TimedLock(FileLock(str(lock_path), timeout=CACHE_LOCK_SECONDS),
                          self.settings.mailbox)

    def _load_cache(self) -> None:
        """The cache as the file holds it now (the file wins over what this process holds)."""
        path = self._cache_path
        if path is None or not path.exists():
            return
        try:
            self._cache.deserialize(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MailboxError(f"Microsoft 365: the token cache {path} cannot be read ({exc}); "
                               "delete it and run `automation mail login`",
                               mailbox=self.settings.mailbox) from exc
        self._cache.has_state_changed = False

    def _application(self) -> Any:
        if self._app is not None:
            return self._app
        s = self.settings
        if s.auth == "device_code":
            with self._cache_lock():
                self._load_cache()
        options: dict[str, Any] = {
            "authority": f"{s.authority_url.rstrip('/')}/{s.tenant_id}",
            "token_cache": self._cache, "http_client": self._http,
            "instance_discovery": False,  # the configured authority is trusted as it is
        }
        if s.auth == "client_credentials":
            self._app = self._msal(lambda: msal.ConfidentialClientApplication(
                s.client_id, client_credential=self._secret, **options))
        else:
            self._app = self._msal(lambda: msal.PublicClientApplication(s.client_id, **options))
        return self._app

    def _msal(self, call: Callable[[], Any]) -> Any:
        where = self.settings.authority_url
        try:
            return call()
        except requests.exceptions.SSLError as exc:
            raise MailboxError(f"Microsoft 365 sign-in: the TLS certificate of {where} is not "
                               f"trusted ({exc}); see mail.graph.ca_bundle",
                               mailbox=self.settings.mailbox) from exc
        except requests.RequestException as exc:
            raise MailboxError(f"Microsoft 365 sign-in: cannot reach {where} ({exc}); check the "
                               "network", mailbox=self.settings.mailbox) from exc
        except ValueError as exc:  # msal: unknown tenant, malformed authority
            raise MailboxError(f"Microsoft 365 sign-in: {exc} — check mail.graph.tenant_id and "
                               "mail.graph.authority_url", mailbox=self.settings.mailbox) from exc

    def _checked(self, result: Mapping[str, Any], action: str) -> str:
        if "access_token" in result:
            return str(result["access_token"])
        code = str(result.get("error", "unknown_error"))
        text = str(result.get("error_description", "")).split("\r\n")[0]
        hint = {
            "invalid_client": "the client secret is wrong or expired: create a new one and store "
                              "it (AUTOMATION_GRAPH_CLIENT_SECRET or keyring)",
            "unauthorized_client": "check mail.graph.client_id and the app registration",
            "invalid_grant": "the saved sign-in was refused: run `automation mail login` again",
            "interaction_required": "run `automation mail login` again",
            "invalid_scope": "the app lacks the Mail permissions (admin consent)",
        }.get(code, "check mail.graph.tenant_id and mail.graph.client_id")
        raise MailboxError(f"Microsoft 365, {action}: {code} ({text}); {hint}",
                           mailbox=self.settings.mailbox)

    def _save_cache(self) -> None:
        if self._cache_path is None or not self._cache.has_state_changed:
            return
        try:
            atomic_write(self._cache_path, self._cache.serialize().encode("utf-8"), private=True)
        except OSError as exc:
            raise MailboxError(f"Microsoft 365: cannot save the renewed sign-in to "
                               f"{self._cache_path} ({exc}); the next renewal may fail",
                               mailbox=self.settings.mailbox) from exc
        self._cache.has_state_changed = False


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


class _TimedLock:
    """A file lock whose timeout is a :class:`MailboxError` a person can act on."""

    def __init__(self, lock: FileLock, mailbox: str) -> None:
        self._lock, self._mailbox = lock, mailbox

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise MailboxError(f"Microsoft 365: the token cache is locked by another process "
                               f"({self._lock.lock_file}) for more than {CACHE_LOCK_SECONDS:g} "
                               "s; the next run tries again", mailbox=self._mailbox) from exc

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


class GraphClient:
    """REST calls to Microsoft Graph for one mailbox, with the errors translated."""

    def __init__(self, settings: GraphSettings, *, token: Callable[[], str],
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.base = settings.graph_url.rstrip("/")
        self._token = token
        self._sleep = sleep
        self.session = requests.Session()
        self._verify = _verify(settings)

    def call(self, method: str, path: str, *, json: Any = None,
             params: Mapping[str, str] | None = None, prefer: str = "") -> requests.Response:
        """``method path`` (relative to graph_url, or a full nextLink/deltaLink)."""
        url = path if path.startswith("https://") else f"{self.base}/{path.lstrip('/')}"
        if urlsplit(url).netloc != urlsplit(self.base).netloc:  # never hand the token elsewhere
            raise MailboxError(f"Microsoft Graph sent a link to another server ({url})",
                               mailbox=self.settings.mailbox)
        waited = 0.0
        while True:
            headers = {"Authorization": f"Bearer {self._token()}",
                       "Prefer": ", ".join(p for p in (IMMUTABLE_IDS, prefer) if p)}
            response = self._send(method, url, headers, json, params)
            if response.status_code not in THROTTLED:
                break
            delay = _retry_after(response)
            if waited + delay > self.settings.max_wait_seconds:
                raise MailboxError(
                    f"Microsoft Graph is throttling requests for {self.settings.mailbox} "
                    f"(HTTP {response.status_code}, retry after {delay:g} s) beyond "
                    f"mail.graph.max_wait_seconds = {self.settings.max_wait_seconds:g}; the next "
                    "run tries again", mailbox=self.settings.mailbox)
            log.info("Graph asks to wait %g s (HTTP %s)", delay, response.status_code)
            self._sleep(delay)
            waited += delay
        if response.status_code >= 400:
            raise self._error(response)
        return response

    def upload(self, url: str, data: bytes, *, chunk: int = UPLOAD_CHUNK) -> None:
        """``data`` PUT to an upload session's ``uploadUrl``, in byte ranges under 4 MB.

        The URL is pre-authenticated (an Outlook host, not Graph's): the access token is never
        sent with it. Each answer names the next range expected; the last one is 201.
        """
        if urlsplit(url).scheme != "https":
            raise MailboxError(f"Microsoft Graph gave an upload address that is not https "
                               f"({urlsplit(url).netloc})", mailbox=self.settings.mailbox)
        start, total = 0, len(data)
        while start < total:
            end = min(start + chunk, total) - 1
            headers = {"Content-Type": "application/octet-stream",
                       "Content-Range": f"bytes {start}-{end}/{total}"}
            response = self._send("PUT", url, headers, None, None, data=data[start:end + 1])
            if response.status_code >= 400:
                raise self._error(response)
            if response.status_code == 201:
                return
            start = _next_range(response, end + 1)
        raise MailboxError("Microsoft Graph did not confirm the uploaded attachment",
                           mailbox=self.settings.mailbox)

    def close(self) -> None:
        self.session.close()

    def _send(self, method: str, url: str, headers: dict[str, str], json: Any,
              params: Mapping[str, str] | None, *, data: bytes | None = None,
              ) -> requests.Response:
        host = urlsplit(url).netloc
        try:
            return self.session.request(method, url, headers=headers, json=json, params=params,
                                        data=data, timeout=self.settings.timeout_seconds,
                                        verify=self._verify)
        except requests.exceptions.SSLError as exc:
            raise MailboxError(f"Microsoft Graph: the TLS certificate of {host} is not trusted "
                               f"({exc}); see mail.graph.ca_bundle",
                               mailbox=self.settings.mailbox) from exc
        except requests.RequestException as exc:
            raise MailboxError(f"Microsoft Graph: cannot reach {host} ({exc}); check the network "
                               "and mail.graph.graph_url", mailbox=self.settings.mailbox) from exc

    def _error(self, response: requests.Response) -> MailboxError:
        try:
            error = response.json().get("error", {})
            code, text = str(error.get("code", "")), str(error.get("message", ""))
        except (ValueError, AttributeError):
            code, text = "", response.text[:200]
        status, mailbox = response.status_code, self.settings.mailbox
        detail = f"HTTP {status} {code}: {text}".rstrip(": ")
        if status == 410:
            return DeltaExpired(f"Microsoft Graph forgot the sync position ({detail})",
                                mailbox=mailbox)
        if status == 401:
            hint = "the access token was refused; check the app registration and its secret"
        elif status == 403:
            hint = (f"access to {mailbox} denied: the app needs Mail.ReadWrite (and Mail.Send to "
                    "send) with admin consent, and a scope that includes this mailbox")
        elif code in {"ErrorInvalidUser", "MailboxNotEnabledForRESTAPI", "ResourceNotFound"}:
            hint = f"mailbox {mailbox} not found: check mail.graph.mailbox"
        elif status == 404:
            hint = "not found (the mail or folder was moved or deleted)"
        else:
            hint = "Microsoft Graph refused the request"
        kind = GraphNotFound if status == 404 else MailboxError
        return kind(f"Microsoft Graph, {response.request.method} "
                            f"{urlsplit(response.url).path}: {hint} ({detail})", mailbox=mailbox)


class _Http:
    """The HTTP client handed to msal: our timeout, and our ca_bundle even when the
    environment names another one (requests lets REQUESTS_CA_BUNDLE beat ``Session.verify``)."""

    def __init__(self, settings: GraphSettings) -> None:
        self._session = requests.Session()
        self._options = {"verify": _verify(settings), "timeout": settings.timeout_seconds}

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self._session.get(url, **{**self._options, **kwargs})

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self._session.post(url, **{**self._options, **kwargs})

    def close(self) -> None:
        self._session.close()


def _verify(settings: GraphSettings) -> str | bool:
    """A request-level ``verify``: the ca_bundle file, or True (system store, environment)."""
    return str(Path(settings.ca_bundle).expanduser()) if settings.ca_bundle else True


def _next_range(response: requests.Response, default: int) -> int:
    """The first byte an upload session expects next (``nextExpectedRanges: ["2097152-"]``)."""
    try:
        ranges = response.json().get("nextExpectedRanges") or []
        return int(str(ranges[0]).split("-")[0]) if ranges else default
    except (ValueError, AttributeError, IndexError):
        return default


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return DEFAULT_RETRY_AFTER
