"""A Microsoft Graph double: the sign-in endpoints msal calls and the mail REST calls we make.

Sign-in (``/{tenant}/…``): OpenID configuration, ``oauth2/v2.0/token`` (client credentials,
device code, refresh token — every refresh hands out a new refresh token and retires the old
one, as Microsoft's does) and ``oauth2/v2.0/devicecode``. Mail (``/v1.0/users/{mailbox}/…``):
mailFolders (get, childFolders with ``$filter=displayName eq``, create), messages delta with
``@odata.nextLink``/``@odata.deltaLink``, ``$value``, get, PATCH (subject, categories,
toRecipients), move, createReply, attachments (under 3 MB only, as Graph), attachments/
createUploadSession and the session's own pre-authenticated ``uploadUrl`` (``PUT`` byte
ranges under 4 MB, in order, *without* an Authorization header; 200 with
``nextExpectedRanges``, then 201 with a Location), send. Without ``Prefer:
IdType="ImmutableId"`` a moved message changes id, as in Exchange Online. Tests can force
answers (429 with ``Retry-After``, 503…), forget every delta token (the next delta call
answers 410), expire refresh tokens, and inspect the mailbox.
"""

from __future__ import annotations

import base64
import email
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.doubles import LoopbackServer, QuietHandler

WELL_KNOWN = {"msgfolderroot": "Top of Information Store", "inbox": "Inbox",
              "drafts": "Drafts", "sentitems": "Sent Items"}


@dataclass
class Message:
    id: str
    folder: str
    mime: bytes
    subject: str = ""
    sender: str = ""
    internet_message_id: str = ""
    categories: list[str] = field(default_factory=list)
    is_draft: bool = False
    comment: str = ""
    reply_to: str = ""  # the id of the message a draft answers
    to: list[str] = field(default_factory=list)
    to_names: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Forced:
    match: str  # a substring of the request path
    status: int
    retry_after: str | None = None
    code: str = "TooManyRequests"


class GraphDouble(LoopbackServer):
    """A tenant with one mailbox; ``authority_url`` and ``graph_url`` point here."""

    def __init__(self, folder: Path, *, tenant: str = "of.onmicrosoft.com",
                 client_id: str = "app-1234", client_secret: str = "s3cret",
                 mailbox: str = "contact@of.fr", user: str = "accueil@of.fr") -> None:
        super().__init__(_Handler, folder)
        self.authority_url, self.graph_url = self.base, f"{self.base}/v1.0"
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.mailbox, self.user = mailbox, user
        self.lock = threading.RLock()
        self.folders: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, Message] = {}
        self.sent: list[Message] = []
        self.log: list[tuple[int, str, str, str]] = []  # (seq, created|deleted, id, folder)
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, headers)
        self.forced: list[Forced] = []
        self.generation = 1  # bumped to forget every delta token (→ 410)
        self.page_size = 2
        self.token_lifetime = 3600  # seconds; under 300, msal refreshes on every call
        self.access_tokens: dict[str, float] = {}
        self.refresh_tokens: set[str] = set()
        self.refresh_used: list[str] = []
        self.token_grants: list[str] = []
        self.uploads: dict[str, dict[str, Any]] = {}  # upload session token → its state
        self.upload_puts: list[tuple[str, int, bool]] = []  # (range, size, had Authorization)
        self._ids = itertools.count(1)
        for key, name in WELL_KNOWN.items():
            parent = "" if key == "msgfolderroot" else "msgfolderroot"
            self.folders[key] = {"id": key, "displayName": name, "parentFolderId": parent}

    # -- what tests use ---------------------------------------------------------------------

    def deliver(self, mime: bytes, *, folder: str = "inbox") -> Message:
        parsed = email.message_from_bytes(mime, policy=email.policy.default)
        with self.lock:
            message = Message(id=self._new_id("msg"), folder=self.folder_id(folder), mime=mime,
                              subject=str(parsed.get("Subject", "")),
                              sender=parseaddr(str(parsed.get("From", "")))[1],
                              internet_message_id=str(parsed.get("Message-ID", "")))
            self.messages[message.id] = message
            self._log("created", message)
            return message

    def add_folder(self, name: str, *, parent: str = "inbox") -> str:
        with self.lock:
            folder_id = self._new_id("folder")
            self.folders[folder_id] = {"id": folder_id, "displayName": name,
                                       "parentFolderId": self.folder_id(parent)}
            return folder_id

    def folder_id(self, name: str) -> str:
        """The id of a folder known by id, well-known name or display name."""
        if name in self.folders:
            return name
        for folder in self.folders.values():
            if folder["displayName"].casefold() == name.casefold():
                return str(folder["id"])
        raise KeyError(name)

    def folder_messages(self, name: str) -> list[Message]:
        with self.lock:
            folder = self.folder_id(name)
            return [m for m in self.messages.values() if m.folder == folder]

    def force(self, status: int, *, match: str = "", retry_after: str | None = None,
              code: str = "TooManyRequests", times: int = 1) -> None:
        self.forced.extend(Forced(match, status, retry_after, code) for _ in range(times))

    def forget_delta_tokens(self) -> None:
        self.generation += 1

    def expire_refresh_tokens(self) -> None:
        self.refresh_tokens.clear()

    # -- internals --------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return base64.urlsafe_b64encode(f"{prefix}-{next(self._ids):05d}".encode()).decode()

    def _log(self, kind: str, message: Message) -> None:
        self.log.append((len(self.log) + 1, kind, message.id, message.folder))

    def _issue(self, *, user: bool) -> dict[str, Any]:
        access = self._new_id("at")
        self.access_tokens[access] = time.time() + self.token_lifetime
        answer: dict[str, Any] = {"token_type": "Bearer", "expires_in": self.token_lifetime,
                                  "ext_expires_in": self.token_lifetime, "access_token": access}
        if user:
            refresh = self._new_id("rt")
            self.refresh_tokens.add(refresh)
            claims = {"iss": f"{self.authority_url}/{self.tenant}/v2.0", "aud": self.client_id,
                      "sub": "user-1", "oid": "user-1", "tid": "tenant-1",
                      "preferred_username": self.user, "name": "Accueil",
                      "iat": int(time.time()), "exp": int(time.time()) + 3600}
            answer.update(refresh_token=refresh, scope="Mail.ReadWrite.Shared Mail.Send.Shared",
                          id_token=".".join(_b64(p) for p in (
                              {"alg": "none", "typ": "JWT"}, claims)) + ".",
                          client_info=_b64({"uid": "user-1", "utid": "tenant-1"}))
        return answer


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


class _Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self._route("GET")

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self._route("POST")

    def do_PATCH(self) -> None:  # noqa: N802 - the name http.server calls
        self._route("PATCH")

    def do_PUT(self) -> None:  # noqa: N802 - the name http.server calls
        self._route("PUT")

    def _route(self, method: str) -> None:
        double: GraphDouble = self.double
        url = urlsplit(self.path)
        path, query = unquote(url.path), {k: v[0] for k, v in parse_qs(url.query).items()}
        raw = self.body()
        with double.lock:
            double.requests.append((method, path, dict(self.headers)))
            for forced in double.forced:
                if forced.match in path:
                    double.forced.remove(forced)
                    headers = {"Retry-After": forced.retry_after} if forced.retry_after else {}
                    self._json(forced.status, _error(forced.code, "Forced by the test."), headers)
                    return
            if path.startswith("/upload/") and method == "PUT":
                status, answer, headers = _upload(double, path.removeprefix("/upload/"),
                                                  self.headers, raw)
                self._json(status, answer, headers)
                return
            if path.startswith("/v1.0/"):
                status, answer = _Graph(double, self.headers).route(method, path, query, raw)
            else:
                status, answer = _Login(double).route(method, path, raw)
        if isinstance(answer, bytes):
            self.answer(status, answer, "message/rfc822")
        else:
            self._json(status, answer)

    def _json(self, status: int, answer: Any, headers: dict[str, str] | None = None) -> None:
        body = b"" if answer is None else json.dumps(answer).encode()
        self.answer(status, body, "application/json", headers)


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class _Login:
    def __init__(self, double: GraphDouble) -> None:
        self.d = double

    def route(self, method: str, path: str, raw: bytes) -> tuple[int, Any]:
        tenant, _, rest = path.strip("/").partition("/")
        if tenant != self.d.tenant:
            return 400, {"error": "invalid_tenant", "error_description":
                         f"AADSTS90002: Tenant '{tenant}' not found."}
        base = f"{self.d.authority_url}/{tenant}"
        if rest == "v2.0/.well-known/openid-configuration":
            return 200, {"issuer": f"{base}/v2.0",
                         "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                         "token_endpoint": f"{base}/oauth2/v2.0/token",
                         "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode"}
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        if rest == "oauth2/v2.0/devicecode":
            return 200, {"device_code": "device-1", "user_code": "ABCD-EFGH",
                         "verification_uri": "https://microsoft.com/devicelogin",
                         "expires_in": 900, "interval": 1,
                         "message": "To sign in, open https://microsoft.com/devicelogin and "
                                    "enter the code ABCD-EFGH."}
        if rest != "oauth2/v2.0/token" or method != "POST":
            return 404, {"error": "not_found"}
        grant = form.get("grant_type", "")
        self.d.token_grants.append(grant)
        if form.get("client_id") != self.d.client_id:
            return 400, {"error": "unauthorized_client", "error_description":
                         "AADSTS700016: Application not found in the directory."}
        if grant == "client_credentials":
            if form.get("client_secret") != self.d.client_secret:
                return 401, {"error": "invalid_client", "error_description":
                             "AADSTS7000215: Invalid client secret provided."}
            return 200, self.d._issue(user=False)
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            return 200, self.d._issue(user=True)
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            self.d.refresh_used.append(token)
            if token not in self.d.refresh_tokens:
                return 400, {"error": "invalid_grant", "error_description":
                             "AADSTS700082: The refresh token has expired due to inactivity."}
            self.d.refresh_tokens.discard(token)
            return 200, self.d._issue(user=True)
        return 400, {"error": "unsupported_grant_type"}


class _Graph:
    def __init__(self, double: GraphDouble, headers: Any) -> None:
        self.d = double
        self.immutable = 'IdType="ImmutableId"' in headers.get("Prefer", "")
        self.prefer = headers.get("Prefer", "")
        self.bearer = headers.get("Authorization", "").removeprefix("Bearer ")

    def route(self, method: str, path: str, query: dict[str, str],
              raw: bytes) -> tuple[int, Any]:
        if self.d.access_tokens.get(self.bearer, 0) < time.time():
            return 401, _error("InvalidAuthenticationToken", "Access token has expired.")
        parts = path.split("/")[2:]  # users, {mailbox}, ...
        if len(parts) < 3 or parts[0] != "users":
            return 400, _error("BadRequest", "Unsupported path")
        if parts[1].casefold() != self.d.mailbox.casefold():
            return 404, _error("ErrorInvalidUser", f"The requested user '{parts[1]}' is invalid.")
        body = json.loads(raw) if raw else {}
        rest = parts[2:]
        if rest[0] == "mailFolders":
            return self._folders(method, rest[1:], query, body)
        message = self.d.messages.get(rest[1]) if len(rest) > 1 else None
        if rest[0] != "messages" or message is None:
            return 404, _error("ErrorItemNotFound", "The specified object was not found in the "
                                                    "store.")
        action = "_".join(rest[2:]) if len(rest) > 2 else ""
        handler = getattr(self, f"_{method.lower()}_{action.lstrip('$')}", None)
        if handler is None:
            return 405, _error("BadRequest", f"{method} {action}")
        result: tuple[int, Any] = handler(message, body, query)
        return result

    # folders and delta

    def _folders(self, method: str, rest: list[str], query: dict[str, str],
                 body: dict[str, Any]) -> tuple[int, Any]:
        if not rest:  # the top-level folders
            return 200, {"value": self._children("msgfolderroot", query)}
        folder = self.d.folders.get(rest[0])
        if folder is None:
            return 404, _error("ErrorItemNotFound", "The specified folder was not found.")
        if len(rest) == 1:
            return 200, self._folder_json(folder)
        if rest[1] == "childFolders" and method == "GET":
            return 200, {"value": self._children(folder["id"], query)}
        if rest[1] == "childFolders" and method == "POST":
            if self._children(folder["id"], {"$filter": f"displayName eq '{body['displayName']}'"}):
                return 409, _error("ErrorFolderExists", "A folder with the specified name "
                                                        "already exists.")
            new_id = self.d.add_folder(body["displayName"], parent=folder["id"])
            return 201, self._folder_json(self.d.folders[new_id])
        if rest[1:] == ["messages", "delta"]:
            return self._delta(folder["id"], query)
        return 404, _error("BadRequest", "/".join(rest))

    def _children(self, parent: str, query: dict[str, str]) -> list[dict[str, Any]]:
        wanted = query.get("$filter", "").partition("eq '")[2][:-1].replace("''", "'")
        return [self._folder_json(f) for f in self.d.folders.values()
                if f["parentFolderId"] == parent
                and (not wanted or f["displayName"].casefold() == wanted.casefold())]

    def _folder_json(self, folder: dict[str, Any]) -> dict[str, Any]:
        inside = [m for m in self.d.messages.values() if m.folder == folder["id"]]
        children = [f for f in self.d.folders.values() if f["parentFolderId"] == folder["id"]]
        return {**folder, "childFolderCount": len(children), "totalItemCount": len(inside),
                "unreadItemCount": len(inside)}

    def _delta(self, folder: str, query: dict[str, str]) -> tuple[int, Any]:
        token = query.get("$deltatoken") or query.get("$skiptoken")
        if token:
            generation, since, end, offset, change = base64.urlsafe_b64decode(
                token).decode().split(":")
            if int(generation) != self.d.generation:
                return 410, _error("SyncStateNotFound", "The sync state generation is not "
                                   "found. Please start a new sync.")
            start, end_seq, offset_n = int(since), int(end), int(offset)
            if query.get("$deltatoken"):  # a new round: everything after the last one
                end_seq, offset_n = len(self.d.log), 0
        else:
            change, start, end_seq, offset_n = query.get("changeType", ""), 0, len(self.d.log), 0
        events = [e for e in self.d.log if start < e[0] <= end_seq and e[3] == folder]
        if start == 0:  # the first round lists what is in the folder now
            events = [e for e in events if e[1] == "created" and e[2] in self.d.messages]
        if change:
            events = [e for e in events if e[1] == change]
        size = self.d.page_size
        if "odata.maxpagesize=" in self.prefer:
            size = min(size, int(self.prefer.split("odata.maxpagesize=")[1].split(",")[0]))
        page = events[offset_n:offset_n + size]
        value = []
        for _, kind, message_id, _ in page:
            message = self.d.messages.get(message_id)
            if kind == "deleted" or message is None or message.folder != folder:
                value.append({"id": message_id, "@removed": {"reason": "deleted"}})
            else:
                value.append({"@odata.type": "#microsoft.graph.message", "id": message.id,
                              "internetMessageId": message.internet_message_id,
                              "categories": message.categories})
        base = f"{self.d.graph_url}/users/{self.d.mailbox}/mailFolders/{folder}/messages/delta"
        if offset_n + size < len(events):
            skip = f"{self.d.generation}:{start}:{end_seq}:{offset_n + size}:{change}"
            link = {"@odata.nextLink": f"{base}?$skiptoken={_token(skip)}"}
        else:
            delta = f"{self.d.generation}:{end_seq}:{end_seq}:0:{change}"
            link = {"@odata.deltaLink": f"{base}?$deltatoken={_token(delta)}"}
        return 200, {"value": value, **link}

    # messages

    def _get_(self, message: Message, body: Any, query: dict[str, str]) -> tuple[int, Any]:
        return 200, {"id": message.id, "subject": message.subject,
                     "categories": message.categories, "isDraft": message.is_draft,
                     "internetMessageId": message.internet_message_id}

    def _get_value(self, message: Message, body: Any, query: Any) -> tuple[int, Any]:
        return 200, message.mime

    def _patch_(self, message: Message, body: dict[str, Any], query: Any) -> tuple[int, Any]:
        if "categories" in body:
            message.categories = list(body["categories"])
        if "subject" in body:
            message.subject = str(body["subject"])
        if "toRecipients" in body:
            message.to = [str(r["emailAddress"]["address"]) for r in body["toRecipients"]]
            message.to_names = [str(r["emailAddress"].get("name", ""))
                                for r in body["toRecipients"]]
        return self._get_(message, body, query)

    def _post_move(self, message: Message, body: dict[str, Any], query: Any) -> tuple[int, Any]:
        target = self.d.folders.get(body.get("destinationId", ""))
        if target is None:
            return 400, _error("ErrorInvalidIdMalformed", "Id is malformed.")
        self.d.log.append((len(self.d.log) + 1, "deleted", message.id, message.folder))
        if not self.immutable:  # without ImmutableId, a move changes the id
            del self.d.messages[message.id]
            message.id = self.d._new_id("msg")
            self.d.messages[message.id] = message
        message.folder = target["id"]
        self.d._log("created", message)
        return 201, self._get_(message, body, query)[1]

    def _post_createReply(self, message: Message, body: dict[str, Any],  # noqa: N802
                          query: Any) -> tuple[int, Any]:
        draft = Message(id=self.d._new_id("msg"), folder="drafts", mime=b"",
                        subject=f"RE: {message.subject}", sender=self.d.mailbox,
                        is_draft=True, comment=str(body.get("comment", "")),
                        reply_to=message.id, to=[message.sender])
        self.d.messages[draft.id] = draft
        self.d._log("created", draft)
        return 201, self._get_(draft, body, query)[1]

    def _post_attachments(self, message: Message, body: dict[str, Any],
                          query: Any) -> tuple[int, Any]:
        if not message.is_draft:
            return 400, _error("ErrorInvalidOperation", "Only drafts take attachments here.")
        content = base64.b64decode(body["contentBytes"])
        if len(content) >= 3 * 1024 * 1024:
            return 413, _error("ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
                               "Attachments of 3 MB or more need an upload session.")
        message.attachments.append({**body, "content": content})
        return 201, {"id": self.d._new_id("att"), "name": body["name"], "size": len(content)}

    def _post_attachments_createUploadSession(  # noqa: N802 - Graph's action name
            self, message: Message, body: dict[str, Any], query: Any) -> tuple[int, Any]:
        item = body.get("AttachmentItem") or {}
        if not message.is_draft or item.get("attachmentType") != "file":
            return 400, _error("ErrorInvalidRequest", "A file attachment item on a draft.")
        token = self.d._new_id("upload")
        self.d.uploads[token] = {"message": message, "name": item["name"],
                                 "size": int(item["size"]),
                                 "contentType": item.get("contentType", ""),
                                 "data": bytearray()}
        return 201, {"uploadUrl": f"{self.d.base}/upload/{token}?authtoken=pre-authenticated",
                     "expirationDateTime": "2099-01-01T00:00:00Z",
                     "nextExpectedRanges": ["0-"]}
    def _post_send(self, message: Message, body: Any, query: Any) -> tuple[int, Any]:
        if not message.is_draft:
            return 400, _error("ErrorInvalidOperation", "Only a draft can be sent.")
        message.is_draft, message.folder = False, "sentitems"
        self.d.sent.append(message)
        return 202, None


def _upload(double: GraphDouble, token: str, headers: Any,
            raw: bytes) -> tuple[int, Any, dict[str, str]]:
    """One PUT of a byte range to an upload session, as Outlook's upload endpoint answers."""
    session = double.uploads.get(token)
    authorised = "Authorization" in headers
    content_range = headers.get("Content-Range", "")
    double.upload_puts.append((content_range, len(raw), authorised))
    if session is None:
        return 404, _error("ErrorItemNotFound", "The upload session was not found."), {}
    if authorised:  # the URL carries its own token; a bearer token is refused
        return 401, _error("InvalidAuthenticationToken", "Do not send an Authorization header "
                           "to a pre-authenticated upload URL."), {}
    units, _, spec = content_range.partition(" ")
    span, _, total = spec.partition("/")
    start, _, end = span.partition("-")
    data: bytearray = session["data"]
    if (units != "bytes" or int(total) != session["size"] or int(start) != len(data)
            or int(end) - int(start) + 1 != len(raw) or len(raw) > 4 * 1024 * 1024):
        return 416, _error("InvalidRange", f"Expected bytes from {len(data)}, in ranges "
                           "under 4 MB."), {}
    data.extend(raw)
    if len(data) < session["size"]:
        return 200, {"expirationDateTime": "2099-01-01T00:00:00Z",
                     "nextExpectedRanges": [f"{len(data)}-"]}, {}
    message: Message = session["message"]
    attachment_id = double._new_id("att")
    message.attachments.append({"@odata.type": "#microsoft.graph.fileAttachment",
                                "name": session["name"], "contentType": session["contentType"],
                                "content": bytes(data), "uploaded": True})
    del double.uploads[token]
    return 201, None, {"Location": f"{double.graph_url}/users/{double.mailbox}/messages/"
                                   f"{message.id}/attachments/{attachment_id}"}


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()
