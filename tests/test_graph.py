"""The Microsoft Graph source against the loopback Graph double, through msal and requests."""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests

from automation.errors import ConfigError, MailboxError
from automation.mail_backends_config import GraphSettings, graph_client_secret, validate_graph
from automation.sources.graph import STATE_FILE, GraphSource
from automation.sources.mailbox import MailItem, Reply
from tests.doubles.graph_server import GraphDouble

SECRET = "s3cret"


def mail(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Alice Martin <alice@example.org>"
    message["To"] = "contact@of.fr"
    message["Subject"] = f"Annulation n° {number}"
    message["Message-ID"] = f"<g{number}@example.org>"
    message.set_content("Bonjour,\nje ne pourrai pas venir.\n")
    return message.as_bytes()


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[GraphDouble]:
    with GraphDouble(tmp_path / "tls", client_secret=SECRET) as double:
        yield double


def settings(graph: GraphDouble, **changes: Any) -> GraphSettings:
    values: dict[str, Any] = {
        "tenant_id": graph.tenant, "client_id": graph.client_id, "mailbox": graph.mailbox,
        "authority_url": graph.authority_url, "graph_url": graph.graph_url,
        "ca_bundle": str(graph.cert), "max_wait_seconds": 10.0, "timeout_seconds": 5.0}
    return GraphSettings(**{**values, **changes})


class Sleeps(list[float]):
    """The clock seam: records the waits Graph asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def open_source(graph: GraphDouble, tmp_path: Path, sleeps: Sleeps) -> Iterator[Any]:
    opened: list[GraphSource] = []

    def make(*, secret: str = SECRET, cache: Path | None = None, **changes: Any) -> GraphSource:
        options = {k: changes.pop(k) for k in ("processed_folder", "mark") if k in changes}
        source = GraphSource(settings(graph, **changes), client_secret=secret,
                             state_path=tmp_path / "registers" / STATE_FILE,
                             token_cache_path=cache, sleep=sleeps, **options)
        opened.append(source)
        return source

    yield make
    for source in opened:
        source.close()


def fetch(source: GraphSource) -> list[MailItem]:
    return list(source.fetch_new())


def test_first_sync_hands_out_every_mail_once(graph: GraphDouble, open_source: Any) -> None:
    delivered = [graph.deliver(mail(n)) for n in range(3)]  # 3 > 2 per page: a nextLink
    source = open_source()

    items = fetch(source)
    source.commit()

    assert [i.message_id for i in items] == ["<g0@example.org>", "<g1@example.org>",
                                             "<g2@example.org>"]
    assert [i.raw for i in items] == [mail(n) for n in range(3)]
    assert [i.key for i in items] == [m.id for m in delivered]
    assert fetch(source) == []


def test_restart_after_commit_finds_only_what_arrived_since(
        graph: GraphDouble, open_source: Any) -> None:
    graph.deliver(mail(1))
    first = open_source()
    fetch(first)
    first.commit()
    first.close()

    restarted = open_source()
    assert fetch(restarted) == []
    graph.deliver(mail(2))
    assert [i.message_id for i in fetch(restarted)] == ["<g2@example.org>"]


def test_fetch_not_committed_is_handed_out_again_after_restart(
        graph: GraphDouble, open_source: Any) -> None:
    graph.deliver(mail(1))
    fetch(open_source())

    assert [i.message_id for i in fetch(open_source())] == ["<g1@example.org>"]


def test_every_request_asks_for_immutable_ids(graph: GraphDouble, open_source: Any) -> None:
    graph.deliver(mail(1))
    source = open_source()
    source.mark_processed(*fetch(source))

    calls = [headers for _, path, headers in graph.requests if path.startswith("/v1.0/")]
    assert calls and all('IdType="ImmutableId"' in h.get("Prefer", "") for h in calls)


def test_mark_processed_moves_the_mail_to_traite_and_keeps_its_id(
        graph: GraphDouble, open_source: Any) -> None:
    graph.deliver(mail(1))
    graph.deliver(mail(2))
    source = open_source()
    first, second = fetch(source)

    source.mark_processed(first)
    source.mark_processed(second)

    moved = graph.folder_messages("Traité")
    assert [m.id for m in moved] == [first.key, second.key]
    assert graph.folders[graph.folder_id("Traité")]["parentFolderId"] == "inbox"
    assert graph.folder_messages("inbox") == []
    assert sum(1 for method, path, _ in graph.requests
               if method == "POST" and path.endswith("/childFolders")) == 1


def test_mark_processed_with_flag_adds_the_category_and_leaves_the_mail(
        graph: GraphDouble, open_source: Any) -> None:
    graph.deliver(mail(1))
    source = open_source(mark="flag", category="Enregistré")
    [item] = fetch(source)

    source.mark_processed(item)

    [left] = graph.folder_messages("inbox")
    assert left.categories == ["Enregistré"]


def test_same_mail_in_two_folders_has_the_same_message_id(
        graph: GraphDouble, open_source: Any, tmp_path: Path, sleeps: Sleeps) -> None:
    graph.add_folder("Réclamations")
    graph.deliver(mail(7))
    graph.deliver(mail(7), folder="Réclamations")
    complaints = GraphSource(settings(graph, folder="Inbox/Réclamations"), client_secret=SECRET,
                             state_path=tmp_path / "other" / STATE_FILE, sleep=sleeps)

    [a] = fetch(open_source())
    [b] = fetch(complaints)
    complaints.close()

    assert a.message_id == b.message_id == "<g7@example.org>"
    assert a.key != b.key


def test_draft_reply_is_created_with_the_letter_attached(
        graph: GraphDouble, open_source: Any, tmp_path: Path) -> None:
    original = graph.deliver(mail(1))
    letter = tmp_path / "ANN-2026-0001 réponse.pdf"
    letter.write_bytes(b"%PDF-1.7 a letter")
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE: Annulation n° 1", body="Bonjour Madame,",
                             attachment=letter), send=False)

    [draft] = graph.folder_messages("drafts")
    assert (draft.reply_to, draft.to) == (original.id, ["alice@example.org"])
    assert (draft.subject, draft.comment, draft.is_draft) == (
        "RE: Annulation n° 1", "Bonjour Madame,", True)
    [attachment] = draft.attachments
    assert attachment["@odata.type"] == "#microsoft.graph.fileAttachment"
    assert (attachment["name"], attachment["contentType"]) == (
        "ANN-2026-0001 réponse.pdf", "application/pdf")
    assert attachment["content"] == b"%PDF-1.7 a letter"
    assert graph.sent == []


def test_sent_reply_leaves_with_the_letter(graph: GraphDouble, open_source: Any,
                                           tmp_path: Path) -> None:
    graph.deliver(mail(1))
    letter = tmp_path / "lettre.docx"
    letter.write_bytes(b"PK\x03\x04")
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE: x", body="Bonjour", attachment=letter), send=True)

    [sent] = graph.sent
    assert [a["name"] for a in sent.attachments] == ["lettre.docx"]
    assert graph.folder_messages("drafts") == []


def test_letter_of_3_mb_or_more_goes_through_an_upload_session_without_the_token(
        graph: GraphDouble, open_source: Any, tmp_path: Path) -> None:
    graph.deliver(mail(1))
    letter = tmp_path / "énorme.pdf"
    content = bytes(range(256)) * (7 * 1024 * 1024 // 256 + 3)  # 7 MB and a bit
    letter.write_bytes(content)
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE", body="", attachment=letter), send=True)

    [sent] = graph.sent
    [attachment] = sent.attachments
    assert attachment["uploaded"] and attachment["name"] == "énorme.pdf"
    assert attachment["content"] == content
    assert [had_token for _, _, had_token in graph.upload_puts] == [False, False, False]
    assert [size for _, size, _ in graph.upload_puts] == [3 * 1024 * 1024, 3 * 1024 * 1024,
                                                          len(content) - 6 * 1024 * 1024]


def test_letter_just_under_3_mb_goes_in_one_request(graph: GraphDouble, open_source: Any,
                                                    tmp_path: Path) -> None:
    graph.deliver(mail(1))
    letter = tmp_path / "lettre.pdf"
    letter.write_bytes(b"x" * (3 * 1024 * 1024 - 1))
    source = open_source()
    [item] = fetch(source)
    source.reply(item, Reply(subject="RE", body="", attachment=letter), send=False)
    [draft] = graph.folder_messages("drafts")
    assert [a.get("uploaded", False) for a in draft.attachments] == [False]
    assert graph.upload_puts == []


def test_letter_over_150_mb_is_refused_before_anything_is_created(
        graph: GraphDouble, open_source: Any, tmp_path: Path) -> None:
    graph.deliver(mail(1))
    letter = tmp_path / "énorme.pdf"
    with letter.open("wb") as out:
        out.truncate(150 * 1024 * 1024 + 1)
    source = open_source()
    [item] = fetch(source)

    with pytest.raises(MailboxError, match=r"up to 150 MB"):
        source.reply(item, Reply(subject="RE", body="", attachment=letter), send=False)
    assert graph.folder_messages("drafts") == []


def test_the_answer_to_a_forwarded_complaint_is_addressed_to_the_declarant(
        graph: GraphDouble, open_source: Any) -> None:
    forwarded = (Path(__file__).parent / "data" / "mail-fwd-outlook-fr.eml").read_bytes()
    original = graph.deliver(forwarded)
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE: Réclamation session CAC-2611", body="Madame,",
                             to_address="marie.dupont@gmail.com", to_name="Marie Dupont"),
                 send=False)

    [draft] = graph.folder_messages("drafts")
    assert draft.reply_to == original.id  # in the conversation of the forwarded mail
    assert (draft.to, draft.to_names) == (["marie.dupont@gmail.com"], ["Marie Dupont"])
    assert draft.subject == "RE: Réclamation session CAC-2611"


def test_forgotten_delta_token_410_starts_a_full_sync(graph: GraphDouble,
                                                       open_source: Any) -> None:
    graph.deliver(mail(1))
    source = open_source()
    fetch(source)
    source.commit()
    graph.deliver(mail(2))
    graph.forget_delta_tokens()

    assert [i.message_id for i in fetch(source)] == ["<g1@example.org>", "<g2@example.org>"]


def test_throttling_429_waits_as_long_as_retry_after_says(
        graph: GraphDouble, open_source: Any, sleeps: Sleeps) -> None:
    graph.deliver(mail(1))
    graph.force(429, match=r"/messages/delta", retry_after="2")
    graph.force(503, match=r"/$value", retry_after="1")

    assert [i.message_id for i in fetch(open_source())] == ["<g1@example.org>"]
    assert sleeps == [2.0, 1.0]


def test_throttling_beyond_max_wait_is_a_mailbox_error(
        graph: GraphDouble, open_source: Any, sleeps: Sleeps) -> None:
    graph.force(429, match=r"/messages/delta", retry_after="600")

    with pytest.raises(MailboxError, match=r"throttling"):
        fetch(open_source())
    assert sleeps == []


def test_device_code_sign_in_keeps_tokens_in_a_private_file_and_rotates_them(
        graph: GraphDouble, open_source: Any, tmp_path: Path) -> None:
    cache = tmp_path / "secret" / "graph-token-cache.json"
    shown: list[str] = []
    assert open_source(auth="device_code", cache=cache).login(shown.append) == "accueil@of.fr"
    assert "ABCD-EFGH" in shown[0]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    [first_refresh] = graph.refresh_tokens
    graph.token_lifetime = 60  # under 5 minutes: msal renews on the next use

    text = open_source(auth="device_code", cache=cache).check()  # a restart: cache only

    assert "identité accueil@of.fr" in text
    assert graph.refresh_used == [first_refresh]
    [newest] = graph.refresh_tokens
    stored = json.loads(cache.read_text(encoding="utf-8"))["RefreshToken"]
    assert [entry["secret"] for entry in stored.values()] == [newest]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


def test_two_processes_sharing_the_sign_in_never_spend_a_retired_refresh_token(
        graph: GraphDouble, open_source: Any, tmp_path: Path) -> None:
    """The watcher and `automation mail fetch` share one token cache; each refresh retires the
    token it used. Each reads the file (under its lock) before renewing."""
    cache = tmp_path / "cache.json"
    open_source(auth="device_code", cache=cache).login(lambda _: None)
    graph.token_lifetime = 60  # every use renews
    watcher = open_source(auth="device_code", cache=cache)
    fetcher = open_source(auth="device_code", cache=cache)
    for _ in range(3):
        watcher.check()
        fetcher.check()  # would send the refresh token the watcher just spent
    assert len(graph.refresh_used) == len(set(graph.refresh_used)) == 6


def test_the_token_cache_lock_holds_between_real_processes(
        graph: GraphDouble, open_source: Any, tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    open_source(auth="device_code", cache=cache).login(lambda _: None)
    graph.token_lifetime = 60
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from automation.mail_backends_config import GraphSettings\n"
        "from automation.sources.graph_client import GraphAuth\n"
        f"settings = GraphSettings(tenant_id={graph.tenant!r}, client_id={graph.client_id!r}, "
        f"mailbox={graph.mailbox!r}, authority_url={graph.authority_url!r}, "
        f"graph_url={graph.graph_url!r}, ca_bundle={str(graph.cert)!r}, auth='device_code', "
        "timeout_seconds=10.0)\n"
        f"auth = GraphAuth(settings, token_cache_path=Path({str(cache)!r}))\n"
        "for _ in range(4):\n"
        "    auth.token()\n"
        "auth.close()\n")
    processes = [subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
                 for _ in range(2)]
    errors = [process.communicate(timeout=120)[1].decode() for process in processes]
    assert [process.returncode for process in processes] == [0, 0], errors
    assert len(graph.refresh_used) == len(set(graph.refresh_used)) == 8
    assert len(graph.refresh_tokens) == 1


def test_refused_refresh_is_a_loud_mailbox_error(graph: GraphDouble, open_source: Any,
                                                 tmp_path: Path) -> None:
    cache = tmp_path / "cache.json"
    open_source(auth="device_code", cache=cache).login(lambda _: None)
    graph.token_lifetime = 60
    graph.expire_refresh_tokens()

    with pytest.raises(MailboxError, match=r"invalid_grant.*automation mail login"):
        open_source(auth="device_code", cache=cache).check()


def test_device_code_without_sign_in_says_to_sign_in(open_source: Any, tmp_path: Path) -> None:
    with pytest.raises(MailboxError, match=r"nobody has signed in.*automation mail login"):
        open_source(auth="device_code", cache=tmp_path / "none.json").check()


def test_wrong_client_secret_is_a_mailbox_error(open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"invalid_client.*client secret") as caught:
        open_source(secret="Xy-not-it-42").check()
    assert "Xy-not-it-42" not in str(caught.value)


def test_unknown_tenant_is_a_mailbox_error_naming_the_setting(open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"mail\.graph\.tenant_id"):
        open_source(tenant_id="inconnu.onmicrosoft.com").check()


def test_unknown_mailbox_is_a_mailbox_error(open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"mailbox inconnu@of\.fr not found"):
        open_source(mailbox="inconnu@of.fr").check()


def test_missing_folder_is_a_mailbox_error_naming_it(open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"'Inbox/Plaintes' not found"):
        fetch(open_source(folder="Inbox/Plaintes"))


def test_server_down_is_a_mailbox_error_saying_it_cannot_be_reached(
        graph: GraphDouble, open_source: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = f"https://127.0.0.1:{port}"

    with pytest.raises(MailboxError, match=r"cannot reach"):
        open_source(authority_url=down, graph_url=f"{down}/v1.0").check()


def test_check_describes_the_mailbox_and_the_folder(graph: GraphDouble,
                                                    open_source: Any) -> None:
    graph.deliver(mail(1))

    text = open_source().check()

    assert "app app-1234" in text and "contact@of.fr" in text and "1 courriel(s)" in text


@pytest.mark.parametrize(("changes", "named"), [
    ({"graph_url": "http://graph.microsoft.com/v1.0"}, "mail.graph.graph_url"),
    ({"authority_url": "http://login.microsoftonline.com"}, "mail.graph.authority_url"),
    ({"auth": "password"}, "mail.graph.auth"),
    ({"tenant_id": ""}, "mail.graph.tenant_id"),
    ({"mailbox": ""}, "mail.graph.mailbox"),
])
def test_unusable_settings_are_refused_by_name(changes: dict[str, str], named: str) -> None:
    base = GraphSettings(tenant_id="of.onmicrosoft.com", client_id="app", mailbox="c@of.fr")
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        validate_graph(GraphSettings(**{**base.__dict__, **changes}))


def test_client_secret_comes_from_the_environment() -> None:
    s = GraphSettings(client_id="app")
    assert graph_client_secret(s, environ={"AUTOMATION_GRAPH_CLIENT_SECRET": "x"}) == "x"


def test_without_immutable_ids_a_move_changes_the_id(graph: GraphDouble) -> None:
    # the double itself, as Exchange Online: this is why every request asks for immutable ids
    message = graph.deliver(mail(1))
    old_id, target = message.id, graph.add_folder("Traité")
    token = graph._issue(user=False)["access_token"]

    answer = requests.post(
        f"{graph.graph_url}/users/{graph.mailbox}/messages/{old_id}/move",
        json={"destinationId": target}, headers={"Authorization": f"Bearer {token}"},
        verify=str(graph.cert), timeout=5)

    assert answer.status_code == 201
    assert answer.json()["id"] != old_id
