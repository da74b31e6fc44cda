"""Exchange on premises through EWS (exchangelib): one folder of one mailbox, incrementally.

New mail is found with SyncFolderItems; its position (the SyncState) is saved in a small file
under the registers folder by :meth:`ExchangeSource.commit`, which the pipeline calls once the
journal holds what was fetched. A restart therefore resumes where the journal stopped.

Each source builds its own exchangelib ``Configuration`` and ``Protocol``: exchangelib caches
one protocol per (server, credentials) and would otherwise hand a second source the first one's
settings — or an error it cached while the server was down. Busy servers are waited out
(``FaultTolerance``, bounded by ``max_wait_seconds``); a refused login is not retried, so a wrong
password does not lock the Windows account. Every exchangelib error leaves this module as a
:class:`~automation.errors.MailboxError` saying what to check.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Final

import requests.adapters
from exchangelib import (
    BASIC,
    DELEGATE,
    NTLM,
    Account,
    Build,
    Configuration,
    Credentials,
    EWSTimeZone,
    FaultTolerance,
    FileAttachment,
    Folder,
    Mailbox,
    Message,
    NoVerifyHTTPAdapter,
    Version,
)
from exchangelib import errors as ews_errors
from exchangelib.protocol import Protocol
from exchangelib.services import CreateFolder

from automation.errors import MailboxError
from automation.mail_backends_config import (
    ExchangeSettings,
    exchange_address,
    exchange_online_warning,
    exchange_password,
    validate_exchange,
    validate_marking,
)
from automation.sources.mailbox import MailItem, Reply
from automation.sources.sync_state import SyncStateFile
from automation.text import fold

log = logging.getLogger(__name__)

STATE_FILE: Final = ".mail-exchange-state.json"
BATCH: Final = 20  # mails asked for in one GetItem (MIME content can be large)
_BUILDS: Final = {"2010": Build(14, 3), "2013": Build(15, 0, 847), "2016": Build(15, 1),
                  "2019": Build(15, 2)}
_INBOX_NAMES: Final = {"inbox", "boite de reception"}


class _Patient(FaultTolerance):  # type: ignore[misc]  # exchangelib is untyped
    """Wait out a busy server (bounded), but never retry a refused login: Exchange counts
    every attempt, and a loop on a changed password locks the account."""

    def raise_response_errors(self, response: Any) -> Any:
        if response.status_code == 401:
            raise ews_errors.UnauthorizedError(f"Invalid credentials for {response.url}")
        return super().raise_response_errors(response)


def _protocol_class(settings: ExchangeSettings) -> Any:
    """exchangelib's Protocol, or one whose HTTP adapter trusts ``ca_bundle`` (or nothing)."""
    if settings.verify_tls and not settings.ca_bundle:
        return Protocol
    if not settings.verify_tls:
        adapter: Any = NoVerifyHTTPAdapter
    else:
        bundle = str(Path(settings.ca_bundle).expanduser())

        class _BundleAdapter(requests.adapters.HTTPAdapter):
            def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
                super().cert_verify(conn, url, bundle, cert)  # type: ignore[no-untyped-call]  # untyped in types-requests

            def get_connection_with_tls_context(self, request: Any, verify: Any,
                                                proxies: Any = None, cert: Any = None) -> Any:
                return super().get_connection_with_tls_context(request, bundle, proxies, cert)

        adapter = _BundleAdapter

    class _OfficeProtocol(Protocol):  # type: ignore[misc]  # exchangelib is untyped
        HTTP_ADAPTER_CLS = adapter

    return _OfficeProtocol


class ExchangeSource:
    """One folder of an Exchange mailbox (the login's own, or a shared one) seen through EWS."""

    name = "exchange"

    def __init__(self, settings: ExchangeSettings, *, password: str, state_path: Path,
                 processed_folder: str = "Traité", mark: str = "move") -> None:
        validate_exchange(settings)
        validate_marking(processed_folder, mark)
        self.settings = settings
        self.processed_folder, self.mark = processed_folder, mark
        self.address = exchange_address(settings)
        self._password = password
        where = settings.server_url or "autodiscover"
        self._state = SyncStateFile(
            state_path, identity=f"exchange {where} {self.address} {settings.folder}")
        self._account: Any = None
        self._folder: Any = None
        self._processed: Any = None
        self._pending: str | None = None

    @classmethod
    def from_settings(cls, settings: ExchangeSettings, *, state_dir: Path,
                      processed_folder: str = "Traité", mark: str = "move",
                      environ: Mapping[str, str] | None = None) -> ExchangeSource:
        """The source for ``[mail.exchange]``, its password read from the environment/keyring."""
        return cls(settings, password=exchange_password(settings, environ=environ),
                   state_path=state_dir / STATE_FILE, processed_folder=processed_folder,
                   mark=mark)

    # -- MailSource ------------------------------------------------------------------------

    def check(self) -> str:
        folder = self._watched()
        with self._ews("reading the folder"):
            folder.refresh()
            version = self._connect().version
        lines = [f"Exchange ({version.fullname}) à {self._endpoint()} : boîte {self.address}, "
                 f"dossier « {self.settings.folder} » : {folder.total_count} courriel(s), "
                 f"{folder.unread_count} non lu(s)"]
        warning = exchange_online_warning(self.settings)
        if warning:
            lines.append(f"Attention : {warning}")
        return "\n".join(lines)

    def fetch_new(self) -> Iterator[MailItem]:
        """Mails that arrived in the folder since the last :meth:`commit` (all of them at first)."""
        folder = self._watched()
        ids, state = self._created_since(folder, self._state.load())
        self._pending = None
        for start in range(0, len(ids), BATCH):
            yield from self._read(ids[start:start + BATCH])
        self._pending = state  # only a fully consumed sync may be committed

    def commit(self) -> None:
        if self._pending is not None:
            self._state.save(self._pending)
            self._pending = None

    def mark_processed(self, item: MailItem) -> None:
        account = self._connect()
        if self.mark == "flag":
            with self._ews("adding the processed category"):
                message = self._get(item, ["categories"])
                if message is None:
                    return
                categories = list(message.categories or [])
                if self.settings.category not in categories:
                    message.categories = [*categories, self.settings.category]
                    message.save(update_fields=["categories"])
            return
        target = self._processed_folder()
        with self._ews(f"moving the mail to {self.processed_folder!r}"):
            [result] = account.bulk_move(ids=[(item.key, None)], to_folder=target)
            if isinstance(result, ews_errors.ErrorItemNotFound):
                log.warning("mail %s is no longer in %s (moved or deleted by someone)",
                            item.message_id or item.key, item.folder)
            elif isinstance(result, Exception):
                raise result

    def reply(self, item: MailItem, reply: Reply, *, send: bool) -> None:
        """A reply draft (in Drafts) with the letter attached; sent, copy kept, if ``send``."""
        account = self._connect()
        with self._ews("writing the reply"):
            original = self._get(item, ["author", "reply_to", "subject"])
            if original is None:
                raise MailboxError(f"cannot answer {item.message_id or item.key}: the mail is no "
                                   "longer in the mailbox", mailbox=self.address)
            recipients = ([Mailbox(email_address=reply.to_address, name=reply.to_name or None)]
                          if reply.to_address  # the declarant of a forwarded complaint
                          else list(original.reply_to or []) or None)
            saved = original.create_reply(subject=reply.subject, body=reply.body,
                                          to_recipients=recipients).save(account.drafts)
            draft = Message(account=account, folder=account.drafts, id=saved.id,
                            changekey=saved.changekey)
            if reply.attachment is not None:
                content = _read_letter(reply.attachment, self.address)
                draft.attach(FileAttachment(name=reply.attachment.name, content=content))
            if send:
                draft.send(save_copy=True, copy_to_folder=account.sent)

    def close(self) -> None:
        if self._account is not None:
            protocol = self._account.protocol
            with suppress(KeyError):
                cached, _ = Protocol[protocol.config]
                if cached is protocol:
                    del Protocol[protocol.config]
            protocol.close()
        self._account = self._folder = self._processed = None

    # -- connection and folders ---------------------------------------------------------------

    def _endpoint(self) -> str:
        if self._account is not None:
            return str(self._account.protocol.service_endpoint)
        return self.settings.server_url or f"autodiscover for {self.address}"

    def _connect(self) -> Any:
        if self._account is not None:
            return self._account
        s = self.settings
        credentials = Credentials(s.username, self._password)
        version = Version(build=_BUILDS[s.server_version]) if s.server_version else None
        config = Configuration(
            credentials=credentials, service_endpoint=s.server_url or None,
            auth_type=NTLM if s.auth == "ntlm" else BASIC, version=version,
            retry_policy=_Patient(max_wait=s.max_wait_seconds))
        paris = EWSTimeZone("Europe/Paris")
        with self._ews("connecting"):
            if s.autodiscover:
                account = Account(self.address, credentials=credentials, config=config,
                                  autodiscover=True, access_type=DELEGATE,
                                  default_timezone=paris)
            else:
                with suppress(KeyError):
                    del Protocol[config]  # never inherit another source's protocol (or error)
                protocol = _protocol_class(s)(config=config)
                account = Account(self.address, config=config, autodiscover=False,
                                  access_type=DELEGATE, default_timezone=paris)
                account.protocol = protocol
        self._account = account
        return account

    def _watched(self) -> Any:
        if self._folder is not None:
            return self._folder
        account = self._connect()
        parts = [p.strip() for p in self.settings.folder.split("/") if p.strip()]
        with self._ews("opening the folder"):
            if fold(parts[0]) in _INBOX_NAMES:
                folder, rest = account.inbox, parts[1:]
            else:
                folder, rest = account.msg_folder_root, parts
            for part in rest:
                folder = self._child(folder, part)
        if folder is None:
            raise MailboxError(f"folder {self.settings.folder!r} not found in mailbox "
                               f"{self.address}: check mail.exchange.folder", mailbox=self.address)
        self._folder = folder
        return folder

    def _processed_folder(self, *, create: bool = True) -> Any:
        if self._processed is None:
            parent, name = self._watched(), self.processed_folder
            with self._ews(f"opening the folder {name!r}"):
                found = self._child(parent, name)
                if found is None and create:
                    log.info("creating folder %r under %r in %s", name, parent.name, self.address)
                    # CreateFolder itself: Folder.save() walks the whole folder tree first
                    new = Folder(parent=parent, name=name, folder_class="IPF.Note")
                    CreateFolder(account=self._connect()).get(parent_folder=parent, folders=[new])
                    found = self._child(parent, name)
            self._processed = found
        return self._processed

    @staticmethod
    def _child(parent: Any, name: str) -> Any:
        """``parent // name`` (one FindFolder, never the whole tree), ``None`` if absent."""
        if parent is None:
            return None
        try:
            return parent // name
        except ews_errors.ErrorFolderNotFound:
            return None

    # -- items ------------------------------------------------------------------------------

    def _created_since(self, folder: Any, state: str | None) -> tuple[list[Any], str]:
        with self._ews("listing new mail"):
            try:
                changes = self._sync(folder, state)
            except ews_errors.ErrorInvalidSyncStateData:
                log.warning("Exchange no longer knows the saved sync position of %s: reading the "
                            "folder again in full (already recorded mails are recognised)",
                            self.address)
                changes = self._sync(folder, None)
            new_state = str(folder.item_sync_state)
        ids = [(item.id, item.changekey) for change, item in changes
               if change == "create" and not self._already_flagged(item)]
        return ids, new_state

    def _already_flagged(self, item: Any) -> bool:
        """A mail marked by an earlier run (mark = flag), met again by a full resync."""
        return self.mark == "flag" and self.settings.category in (item.categories or [])

    @staticmethod
    def _sync(folder: Any, state: str | None) -> list[tuple[str, Any]]:
        folder.item_sync_state = state  # the folder object remembers the last, uncommitted one
        return list(folder.sync_items(sync_state=state, only_fields=["message_id",
                                                                     "categories"]))

    def _read(self, ids: list[Any]) -> Iterator[MailItem]:
        account = self._connect()
        with self._ews("reading new mail"):
            items = list(account.fetch(ids=ids, folder=self._folder,
                                       only_fields=["mime_content", "message_id"]))
        for ref, found in zip(ids, items, strict=True):
            if isinstance(found, Exception) or not found.mime_content:
                log.warning("mail %s skipped: %s", ref[0], found if isinstance(found, Exception)
                            else "Exchange gave no MIME content")
                continue
            yield MailItem(key=str(ref[0]), message_id=str(found.message_id or ""),
                           raw=bytes(found.mime_content), folder=self.settings.folder)

    def _get(self, item: MailItem, fields: list[str]) -> Any:
        """The mail by its id or — Exchange gives a moved mail a new id — by its Message-ID in
        the processed folder, then the watched one; ``None`` when it is gone."""
        [found] = self._connect().fetch(ids=[(item.key, None)], only_fields=fields)
        if isinstance(found, ews_errors.ErrorItemNotFound) and item.message_id:
            for folder in (self._processed_folder(create=False), self._watched()):
                same = folder and list(folder.filter(message_id=item.message_id).only(*fields))
                if same:
                    return same[0]
        if isinstance(found, ews_errors.ErrorItemNotFound):
            log.warning("mail %s is no longer in the mailbox", item.message_id or item.key)
            return None
        if isinstance(found, Exception):
            raise found
        return found

    # -- errors -------------------------------------------------------------------------------

    @contextmanager
    def _ews(self, action: str) -> Iterator[None]:
        """Translate what exchangelib and requests raise into one MailboxError, once."""
        try:
            yield
        except MailboxError:
            raise
        except Exception as exc:  # every library error is translated here, once
            raise MailboxError(f"Exchange, {action}: {self._explain(exc)}",
                               mailbox=self.address) from exc

    def _explain(self, exc: Exception) -> str:
        where, who = self._endpoint(), self.settings.username
        e = ews_errors
        if isinstance(exc, e.UnauthorizedError):
            return (f"{where} refused the login {who!r}: check mail.exchange.username, "
                    "mail.exchange.auth and the password (AUTOMATION_EXCHANGE_PASSWORD or the "
                    "keyring)")
        if isinstance(exc, e.ErrorFolderNotFound):
            return (f"folder not found in mailbox {self.address}: check mail.exchange.folder "
                    f"({self.settings.folder!r})")
        if isinstance(exc, e.ErrorNonExistentMailbox | e.ErrorMailboxMoveInProgress):
            return f"mailbox {self.address} does not exist on {where}: check mail.exchange.mailbox"
        if isinstance(exc, e.ErrorItemNotFound):
            return "the mail is no longer in the mailbox (moved or deleted by someone)"
        if isinstance(exc, e.ErrorAccessDenied | e.ErrorInvalidIdMalformed):
            return (f"access to mailbox {self.address} was refused ({exc}); a shared mailbox needs "
                    f"Full Access granted to {who!r}")
        if isinstance(exc, e.RateLimitError | e.ErrorServerBusy | e.ErrorTooManyObjectsOpened):
            return (f"{where} is busy or throttling requests for longer than "
                    f"{self.settings.max_wait_seconds:g} s; the next run tries again ({exc})")
        if isinstance(exc, e.AutoDiscoverError):
            return (f"autodiscover found no Exchange server for {self.address} ({exc}): set "
                    "mail.exchange.server_url instead")
        text = str(exc)
        if isinstance(exc, e.TransportError) and ("SSL" in text or "CERTIFICATE" in text):
            return (f"the TLS certificate of {where} is not trusted ({text}): give the "
                    "authority's PEM file in mail.exchange.ca_bundle")
        if isinstance(exc, e.ErrorTimeoutExpired | requests.RequestException | OSError):
            return (f"cannot reach {where} ({text}): check the address, the network and that "
                    "the server is up")
        if isinstance(exc, e.CASError | e.RedirectError | e.MalformedResponseError):
            return f"{where} does not answer like an EWS server ({text}): check the address"
        return f"{type(exc).__name__}: {text}"


def _read_letter(path: Path, mailbox: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MailboxError(f"cannot attach {path}: {exc}", mailbox=mailbox) from exc
