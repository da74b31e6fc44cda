"""Any IMAP server (IMAPClient): new mail by UID, IDLE or polling, MOVE to the processed folder.

The sync state is the folder's UIDVALIDITY and the highest UID handed out, kept in a small
JSON file under ``registers/`` and written (atomically) only by :meth:`ImapSource.commit`,
after the journal has recorded the rows. When the server's UIDVALIDITY changes (the folder
was rebuilt), every mail is fetched again: fingerprints come from the Message-ID, so the
journal skips those it already holds. Mails are read with ``BODY.PEEK[]`` and "unread" is
never used as a marker (a person opening a mail in Outlook marks it read).

A recorded mail is moved to the processed folder ("Traité", created when missing) — with MOVE
when the server has it, else COPY + ``\\Deleted`` + (UID) EXPUNGE — or flagged in place when
``mail.mark = "flag"``. A draft answer is APPENDed to the Drafts folder with ``\\Draft``;
a sent answer goes through :class:`~automation.letters.smtp.SmtpSender` and a copy is APPENDed
to the Sent folder (``mail.imap.save_sent``), so the office sees it where Outlook shows what
it sent. An answer goes to :attr:`Reply.to_address` when the pipeline names the declarant (a
forwarded complaint), else to the mail's Reply-To or sender, and threads under the mail (and
under the declarant's own message when it is known). The Sent folder is also
read (never changed) for the drafts a person sent: :meth:`ImapSource.sent_mail`.

TLS is the default (implicit or STARTTLS); ``tls = "none"`` is accepted for a loopback server
only (tests). Every network or protocol failure becomes a :class:`MailboxError` naming the
mailbox and what was being done; the connection is then dropped and re-opened on next use.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import date, datetime
from email.utils import formataddr
from pathlib import Path
from typing import Any, Final

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import DELETED, DRAFT, DRAFTS, FLAGGED, SEEN, SENT

from automation.errors import ConfigError, MailboxError
from automation.intake.mail import header_value, message_id_of, parse_mail, source_note
from automation.letters.mime import reply_bytes
from automation.letters.smtp import SmtpSender, references_of, reply_message
from automation.mail_config import MailConfig, is_loopback
from automation.secrets import MAIL_PASSWORD_ENV, require_secret
from automation.sources.imap_writer import ImapWriter
from automation.sources.mailbox import MailItem, Reply
from automation.sources.sent import SentMail, sent_mail_of
from automation.sources.sync_state import SyncStateFile

log = logging.getLogger(__name__)

STATE_FILE: Final = ".mail-imap-state.json"  # under registers/
DEFAULT_PORTS: Final = {"tls": 993, "starttls": 143, "none": 143}
IDLE_MAX_SECONDS: Final = 29 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes
FETCH_BATCH: Final = 20
PROCESSED_KEYWORD: Final = b"$Traite"  # IMAP keywords are ASCII atoms
# Sent folders of servers that do not flag theirs \Sent (RFC 6154).
SENT_NAMES: Final = ("Sent", "Envoyés", "Éléments envoyés", "Sent Items", "INBOX/Sent",
                     "INBOX.Sent")
_NETWORK_ERRORS: Final = (IMAPClientError, OSError)  # ssl.SSLError and timeouts are OSErrors


class ImapSource:
    """One IMAP folder watched for new mail (implements :class:`MailSource`)."""

    name = "imap"
    finds_own_drafts = True  # a draft is recognised by its Message-ID (Reply.key)

    def __init__(self, config: MailConfig, *, state_path: Path, password: str | None = None,
                 smtp: SmtpSender | None = None,
                 connect: Callable[[], IMAPClient] | None = None,
                 ssl_context: ssl.SSLContext | None = None,
                 environ: Mapping[str, str] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        settings = config.imap
        if not settings.host or not settings.username:
            raise ConfigError("mail.imap.host and mail.imap.username must be set")
        if settings.tls == "none" and not is_loopback(settings.host):
            raise ConfigError(f"mail.imap.tls = \"none\" would send the password in clear to "
                              f"{settings.host}; use tls or starttls")
        self.config = config
        self.settings = settings
        self.port = settings.port or DEFAULT_PORTS[settings.tls]
        self.mailbox = f"imap:{settings.username}@{settings.host}:{self.port}/{settings.folder}"
        self._password = password if password is not None else require_secret(
            MAIL_PASSWORD_ENV, settings.username, what="IMAP", environ=environ)
        self._smtp = smtp
        self._connect_hook = connect  # a test seam: returns a connected, not logged-in client
        self._context = ssl_context or ssl.create_default_context()
        self._sleep = sleep
        self._state = SyncStateFile(state_path, identity=self.mailbox)
        self._saved = _parse_state(self._state.load())
        self._pending = self._saved
        self._imap: IMAPClient | None = None
        self._uidvalidity = 0
        self._keyword_ok = True
        self._folders: dict[str, str] = {}  # a folder's name → as the server spells it
        self._selected = ""  # the folder the connection has selected ("" unknown)
        self._writer: ImapWriter | None = None  # drafts and moves, while handing over
        self._handing_over = False

    @classmethod
    def from_config(cls, config: MailConfig, *, state_dir: Path,
                    environ: Mapping[str, str] | None = None) -> ImapSource:
        """The source for ``[mail.imap]`` (state under ``state_dir``, normally registers/),
        passwords from the environment/keyring, answers sent through ``[mail.smtp]`` if set."""
        smtp = (SmtpSender.from_settings(config.smtp, environ=environ)
                if config.smtp.host else None)
        return cls(config, state_path=state_dir / STATE_FILE, smtp=smtp, environ=environ)

    # --- MailSource -------------------------------------------------------------------------

    def check(self) -> str:
        imap = self._client()
        with self._guard("reading the folder"):
            info = imap.select_folder(self.settings.folder)
            idle, move = imap.has_capability("IDLE"), imap.has_capability("MOVE")
        tls = {"tls": "TLS", "starttls": "STARTTLS", "none": "sans chiffrement"}[self.settings.tls]
        return (f"IMAP {self.settings.host}:{self.port} ({tls}), identifiant "
                f"{self.settings.username} : dossier « {self.settings.folder} » : "
                f"{info.get(b'EXISTS', 0)} courriel(s) ; IDLE : {'oui' if idle else 'non'} ; "
                f"MOVE : {'oui' if move else 'non'}")

    def fetch_new(self) -> Iterator[MailItem]:
        imap = self._client()
        with self._guard("searching for new mail"):
            self._select(imap)
            validity, last_uid = self._pending
            if validity != self._uidvalidity:
                if validity:
                    log.warning("%s: UIDVALIDITY changed (%s → %s): every mail is read again; "
                                "the journal skips those already recorded", self.mailbox,
                                validity, self._uidvalidity)
                last_uid = 0
                self._pending = (self._uidvalidity, 0)
            criteria: list[Any] = ["UID", f"{last_uid + 1}:*"]
            if self.config.mail.mark == "flag":
                criteria += ["UNKEYWORD", PROCESSED_KEYWORD] if self._keyword_ok else [
                    "UNFLAGGED"]
            uids = sorted(uid for uid in imap.search(criteria) if uid > last_uid)
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start:start + FETCH_BATCH]
            for uid, raw in self._fetch(imap, batch):
                self._pending = (self._uidvalidity, uid)  # handed out: not handed out again
                yield MailItem(key=f"{self._uidvalidity}:{uid}", message_id=message_id_of(raw),
                               raw=raw, folder=self.settings.folder)

    def commit(self) -> None:
        """Persist the position after every mail handed out so far (once the drafts and
        moves handed over are done)."""
        self.flush()
        if self._pending != self._saved:
            self._state.save(f"{self._pending[0]}:{self._pending[1]}")
            self._saved = self._pending

    def mark_processed(self, item: MailItem) -> None:
        imap = self._client()
        with self._guard("marking a mail processed"):
            if self._selected != self.settings.folder:
                self._select(imap)
            uid = self._uid_of(imap, item)
            if uid is None:
                log.info("%s: %s is no longer in %s", self.mailbox, item.key,
                         self.settings.folder)
                return
            if self.config.mail.mark == "flag":
                imap.add_flags([uid], [PROCESSED_KEYWORD if self._keyword_ok else FLAGGED])
                return
            target = self._folder(imap, self.config.mail.processed_folder)
            if imap.has_capability("MOVE") and self._handing_over:
                self._writer_for().submit("moving a mail to the processed folder",
                                          lambda other: other.move([uid], target))
            elif imap.has_capability("MOVE"):
                imap.move([uid], target)
            else:
                imap.copy([uid], target)
                imap.add_flags([uid], [DELETED])
                if imap.has_capability("UIDPLUS"):
                    imap.uid_expunge([uid])
                else:  # plain EXPUNGE: also removes what a person marked deleted here
                    imap.expunge()

    def reply(self, item: MailItem, reply: Reply, *, send: bool) -> None:
        if reply.to_address:
            to = formataddr((reply.to_name, reply.to_address))
        else:  # the mail's own sender: read from its headers
            original = parse_mail(item.raw, fallback_date=datetime.now().astimezone())
            to = formataddr((original.sender_name, original.reply_to)) if original.reply_to \
                else ""
        if send and not to:
            raise MailboxError(f"{self.mailbox}: mail {item.key} gives no address to answer "
                               "to; save the answer as a draft instead", mailbox=self.mailbox)
        sender = self.config.smtp.from_address or self.settings.username
        domain = sender.rpartition("@")[2].strip(">") or self.settings.host
        own_id = f"<{reply.key}@{domain}>" if reply.key else ""
        original_id = message_id_of(item.raw)  # as the parsed mail gives it
        references = references_of(header_value(item.raw, "references"), original_id)
        in_reply_to = reply.in_reply_to or original_id
        if send:
            if self._smtp is None:
                raise MailboxError("no SMTP server (mail.smtp.host) is configured: answers "
                                   "can only be saved as drafts", mailbox=self.mailbox)
            message = reply_message(
                from_address=sender, to=to, subject=reply.subject, body=reply.body,
                attachment=reply.attachment, in_reply_to=in_reply_to, references=references,
                message_id=own_id)
            self._smtp.send(message)
            if self.settings.save_sent:
                self._save_sent(message.as_bytes())
            return
        data = reply_bytes(  # the bytes of the same reply_message, written faster
            from_address=sender, to=to, subject=reply.subject, body=reply.body,
            attachment=reply.attachment, in_reply_to=in_reply_to, references=references,
            message_id=own_id)
        imap = self._client()
        with self._guard("saving the draft answer"):
            drafts = self._drafts(imap)
            if reply.maybe_saved and own_id:
                self.flush()
                if self._holds(imap, drafts, own_id):
                    log.info("%s: the draft answer %s was saved before; not saved twice",
                             self.mailbox, own_id)
                    return
            when = datetime.now().astimezone()
            if self._handing_over:
                self._writer_for().submit("saving the draft answer", lambda other: other.append(
                    drafts, data, flags=(DRAFT, SEEN), msg_time=when))
            else:
                imap.append(drafts, data, flags=(DRAFT, SEEN), msg_time=when)

    @contextmanager
    def handing_over(self) -> Iterator[None]:
        """Inside, draft answers and moves are handed to a second connection and done while
        the caller goes on; :meth:`flush` (and leaving) waits for them. The caller records
        nothing that depends on them before it flushed."""
        self._handing_over = True
        try:
            yield
        finally:
            self._handing_over = False
        self.flush()

    def handed_over(self) -> int:
        """A mark after the drafts and moves handed over so far, for :meth:`flush`."""
        return self._writer.mark() if self._writer is not None else 0

    def flush(self, mark: int | None = None) -> None:
        """Wait for the drafts and moves handed over (before ``mark``, from
        :meth:`handed_over`, when given); :class:`MailboxError` if one failed."""
        if self._writer is not None:
            self._writer.wait(mark)

    def _writer_for(self) -> ImapWriter:
        if self._writer is None:
            self._writer = ImapWriter(self._writer_client, mailbox=self.mailbox,
                                      network_errors=_NETWORK_ERRORS)
        return self._writer

    def _writer_client(self) -> IMAPClient:
        """The second connection: logged in, the watched folder selected (moves go by UID)."""
        imap = self._logged_in()
        imap.select_folder(self.settings.folder)
        return imap

    def _holds(self, imap: IMAPClient, folder: str, message_id: str) -> bool:
        """Whether ``folder`` holds a message of that Message-ID (the watched folder is
        selected again afterwards)."""
        self._selected = ""
        imap.select_folder(folder, readonly=True)
        try:
            return bool(imap.search(["HEADER", "Message-ID", message_id]))
        finally:
            self._select(imap)

    def _save_sent(self, message: bytes) -> None:
        """A copy of an answer just sent, in the Sent folder. The answer is gone already: a
        failure here is logged, never raised (raising would send it again)."""
        try:
            imap = self._client()
            with self._guard("copying the sent answer"):
                sent = self._sent(imap)
                imap.append(sent, message, flags=(SEEN,), msg_time=datetime.now().astimezone())
        except MailboxError as exc:
            log.warning("%s: the answer was sent, but its copy could not be saved in the Sent "
                        "folder: %s", self.mailbox, exc)

    def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
        imap, self._imap = self._imap, None
        self._selected = ""
        if imap is not None:
            with suppress(*_NETWORK_ERRORS):
                imap.logout()

    # --- the Sent folder: drafts a person sent ---------------------------------------------

    def sent_mail(self, position: str, *, since: date) -> tuple[list[SentMail], str]:
        """Mails of the Sent folder after ``position`` (``"UIDVALIDITY:UID"``, "" the first
        time) dated from ``since``, and the position after them. Read-only; the watched folder
        is selected again afterwards."""
        imap = self._client()
        with self._guard("reading the Sent folder"):
            folder = self._sent_folder(imap)
            self._selected = ""
            info = imap.select_folder(folder, readonly=True)
            validity = int(info[b"UIDVALIDITY"])
            saved, last = _parse_state(position)
            if saved != validity:
                last = 0
            uids = sorted(uid for uid in imap.search(["UID", f"{last + 1}:*", "SINCE", since])
                          if uid > last)
        try:
            found = [sent_mail_of(f"{validity}:{uid}", raw)
                     for start in range(0, len(uids), FETCH_BATCH)
                     for uid, raw in self._fetch(imap, uids[start:start + FETCH_BATCH])]
        finally:
            if self._imap is not None:
                with self._guard("reading the folder"):
                    self._select(imap)
        return found, f"{validity}:{max(uids, default=last)}"

    def _sent_folder(self, imap: IMAPClient) -> str:
        if self.settings.sent_folder:
            if not imap.folder_exists(self.settings.sent_folder):
                raise MailboxError(f"{self.mailbox}: no folder {self.settings.sent_folder!r} "
                                   "(mail.imap.sent_folder)", mailbox=self.mailbox)
            return self.settings.sent_folder
        special = imap.find_special_folder(SENT)
        if special:
            return str(special)
        found = next((name for name in SENT_NAMES if imap.folder_exists(name)), None)
        if found is None:
            raise MailboxError(f"{self.mailbox}: no Sent folder found; set "
                               "mail.imap.sent_folder", mailbox=self.mailbox)
        return found

    # --- waiting ----------------------------------------------------------------------------

    def wait_for_mail(self, timeout: float) -> bool:
        """Block until the server announces new mail (IDLE) or ``timeout`` seconds pass.

        Without IDLE (or with ``idle = false``), sleep ``poll_seconds`` (at most ``timeout``)
        and return True so that the caller looks. Returns True when there may be new mail.
        """
        imap = self._client()
        if not (self.settings.idle and imap.has_capability("IDLE")):
            self._sleep(min(timeout, self.settings.poll_seconds))
            return True
        deadline = time.monotonic() + min(timeout, IDLE_MAX_SECONDS)
        with self._guard("waiting for new mail"):
            self._select(imap)
            imap.idle()
            try:
                while (remaining := deadline - time.monotonic()) > 0:
                    responses = imap.idle_check(timeout=remaining)  # "still here" included
                    if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                        return True
            finally:
                imap.idle_done()
        return False

    # --- plumbing ---------------------------------------------------------------------------

    def _client(self) -> IMAPClient:
        if self._imap is None:
            with self._guard("connecting"):
                imap = self._logged_in()
                self._imap = imap
                self._select(imap)
        assert self._imap is not None
        return self._imap

    def _logged_in(self) -> IMAPClient:
        """A new connection, logged in (a refused login closes it)."""
        imap = self._open()
        try:
            imap.login(self.settings.username, self._password)
        except LoginError as exc:
            with suppress(*_NETWORK_ERRORS):
                imap.shutdown()
            raise MailboxError(f"{self.mailbox}: the server refused the login "
                               f"{self.settings.username!r} or its password",
                               mailbox=self.mailbox) from exc
        return imap

    def _open(self) -> IMAPClient:
        if self._connect_hook is not None:
            imap = self._connect_hook()
        else:
            imap = IMAPClient(self.settings.host, port=self.port, ssl=self.settings.tls == "tls",
                              ssl_context=self._context, timeout=self.settings.timeout_seconds)
        if self.settings.tls == "starttls":
            imap.starttls(self._context)
        return imap

    def _select(self, imap: IMAPClient) -> None:
        self._selected = ""
        info = imap.select_folder(self.settings.folder)
        self._selected = self.settings.folder
        self._uidvalidity = int(info[b"UIDVALIDITY"])
        flags = info.get(b"PERMANENTFLAGS", (rb"\*",))
        self._keyword_ok = rb"\*" in flags or PROCESSED_KEYWORD in flags

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        try:
            yield
        except MailboxError:
            raise
        except _NETWORK_ERRORS as exc:
            self._drop()
            raise MailboxError(f"{self.mailbox}: {action} failed ({_reason(exc)}); "
                               "will try again", mailbox=self.mailbox) from exc

    def _drop(self) -> None:
        imap, self._imap = self._imap, None
        self._selected = ""
        if imap is not None:
            with suppress(*_NETWORK_ERRORS):
                imap.shutdown()

    def _fetch(self, imap: IMAPClient, uids: list[int]) -> list[tuple[int, bytes]]:
        limit = self.config.max_mail_bytes
        with self._guard("reading new mail"):
            sizes = imap.fetch(uids, ["RFC822.SIZE"])
            small = [u for u in uids if sizes.get(u, {}).get(b"RFC822.SIZE", 0) <= limit]
            large = [u for u in uids if u in sizes and u not in small]
            bodies = imap.fetch(small, ["BODY.PEEK[]"]) if small else {}
            heads = imap.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
        found: list[tuple[int, bytes]] = []
        for uid in uids:
            if uid in bodies and isinstance(bodies[uid].get(b"BODY[]"), bytes):
                found.append((uid, bodies[uid][b"BODY[]"]))
            elif uid in heads and isinstance(heads[uid].get(b"BODY[HEADER]"), bytes):
                size = f"{sizes[uid][b'RFC822.SIZE'] / 1024 / 1024:.1f}".replace(".", ",")
                note = source_note(f"Message de {size} Mo : trop volumineux, seul son en-tête "
                                   "a été lu ; ouvrez-le dans la messagerie.")
                found.append((uid, note + heads[uid][b"BODY[HEADER]"]))
        return found

    def _uid_of(self, imap: IMAPClient, item: MailItem) -> int | None:
        validity, _, uid = item.key.partition(":")
        if validity == str(self._uidvalidity) and uid.isdigit():
            return int(uid)
        if not item.message_id:  # the folder was rebuilt: find the mail again by Message-ID
            return None
        found = imap.search(["HEADER", "Message-ID", item.message_id])
        return min(found) if found else None

    def _folder(self, imap: IMAPClient, name: str) -> str:
        """``name`` as the server spells it (personal namespace prefix), created if missing."""
        if name in self._folders:
            return self._folders[name]
        candidates = [name]
        if imap.has_capability("NAMESPACE"):
            for prefix, _ in imap.namespace().personal or ():
                if prefix and not name.startswith(prefix):
                    candidates.append(prefix + name)
        found = next((c for c in candidates if imap.folder_exists(c)), None)
        if found is None:
            for candidate in candidates:
                try:
                    imap.create_folder(candidate)
                except IMAPClientError:
                    continue
                found = candidate
                break
            else:
                raise MailboxError(f"{self.mailbox}: folder {name!r} does not exist and could "
                                   "not be created", mailbox=self.mailbox)
            with suppress(IMAPClientError):
                imap.subscribe_folder(found)
        self._folders[name] = found
        return found

    def _drafts(self, imap: IMAPClient) -> str:
        if self.settings.drafts_folder:
            return self._folder(imap, self.settings.drafts_folder)
        return self._special(imap, DRAFTS, "Drafts")

    def _sent(self, imap: IMAPClient) -> str:
        if self.settings.sent_folder:
            return self._folder(imap, self.settings.sent_folder)
        return self._special(imap, SENT, "Sent")

    def _special(self, imap: IMAPClient, flag: bytes, fallback: str) -> str:
        """The folder the server flags ``flag`` (RFC 6154), else ``fallback``; looked up once
        per connection."""
        key = flag.decode("ascii")
        if key not in self._folders:
            special = imap.find_special_folder(flag)
            self._folders[key] = str(special) if special else self._folder(imap, fallback)
        return self._folders[key]


def _parse_state(state: str | None) -> tuple[int, int]:
    """``"UIDVALIDITY:LAST_UID"`` → numbers; (0, 0) reads everything."""
    validity, _, last = (state or "").partition(":")
    return (int(validity), int(last)) if validity.isdigit() and last.isdigit() else (0, 0)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
