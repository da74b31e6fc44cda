"""The Exchange (EWS) source against the loopback EWS double, through exchangelib's own HTTP."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from automation.errors import ConfigError, MailboxError
from automation.mail_backends_config import (
    EWS_RETIREMENT,
    ExchangeSettings,
    exchange_online_warning,
    exchange_password,
    validate_exchange,
    validate_marking,
)
from automation.sources.exchange import STATE_FILE, ExchangeSource
from automation.sources.mailbox import MailItem, Reply
from tests.doubles.ews_server import EwsDouble

LOGIN, PASSWORD, SHARED = "OF\\accueil", "s3cret", "contact@of.fr"


def mail(number: int, *, subject: str = "Réclamation") -> bytes:
    message = EmailMessage()
    message["From"] = "Alice Martin <alice@example.org>"
    message["To"] = SHARED
    message["Subject"] = f"{subject} n° {number}"
    message["Message-ID"] = f"<m{number}@example.org>"
    message.set_content("Bonjour,\nla salle était fermée.\n")
    return message.as_bytes()


@pytest.fixture
def ews(tmp_path: Path) -> Iterator[EwsDouble]:
    with EwsDouble(tmp_path / "tls", mailbox=SHARED, users={LOGIN: PASSWORD}) as double:
        yield double


def settings(ews: EwsDouble, **changes: Any) -> ExchangeSettings:
    values: dict[str, Any] = {
        "server_url": ews.url, "username": LOGIN, "auth": "basic", "mailbox": SHARED,
        "ca_bundle": str(ews.cert), "server_version": "2016", "max_wait_seconds": 5.0}
    return ExchangeSettings(**{**values, **changes})


@pytest.fixture
def open_source(ews: EwsDouble, tmp_path: Path) -> Iterator[Any]:
    """Opens sources on the double; each shares the registers folder (its state file)."""
    opened: list[ExchangeSource] = []

    def make(*, password: str = PASSWORD, **changes: Any) -> ExchangeSource:
        options = {k: changes.pop(k) for k in ("processed_folder", "mark") if k in changes}
        source = ExchangeSource(settings(ews, **changes), password=password,
                                state_path=tmp_path / "registers" / STATE_FILE, **options)
        opened.append(source)
        return source

    yield make
    for source in opened:
        source.close()


def fetch(source: ExchangeSource) -> list[MailItem]:
    return list(source.fetch_new())


def test_first_sync_hands_out_every_mail_once(ews: EwsDouble, open_source: Any) -> None:
    delivered = [ews.deliver(mail(n)) for n in range(3)]  # 3 > 2 per answer: two pages
    source = open_source()

    items = fetch(source)
    source.commit()

    assert [i.message_id for i in items] == ["<m0@example.org>", "<m1@example.org>",
                                             "<m2@example.org>"]
    assert [i.raw for i in items] == [mail(n) for n in range(3)]
    assert [i.key for i in items] == [d.id for d in delivered]
    assert {i.folder for i in items} == {"Inbox"}
    assert fetch(source) == []


def test_restart_after_commit_finds_nothing_new(ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    first = open_source()
    assert len(fetch(first)) == 1
    first.commit()
    first.close()

    assert fetch(open_source()) == []


def test_mail_arriving_after_restart_is_the_only_one_handed_out(
        ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    first = open_source()
    fetch(first)
    first.commit()
    first.close()
    ews.deliver(mail(2))

    assert [i.message_id for i in fetch(open_source())] == ["<m2@example.org>"]


def test_fetch_not_committed_is_handed_out_again_after_restart(
        ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    first = open_source()
    fetch(first)  # the journal failed: no commit
    first.close()

    assert [i.message_id for i in fetch(open_source())] == ["<m1@example.org>"]


def test_partly_consumed_fetch_commits_nothing(ews: EwsDouble, open_source: Any) -> None:
    for n in range(3):
        ews.deliver(mail(n))
    source = open_source()
    next(iter(source.fetch_new()))
    source.commit()

    assert len(fetch(open_source())) == 3


def test_mark_processed_moves_the_mail_to_a_traite_folder_it_creates(
        ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    ews.deliver(mail(2))
    source = open_source()
    first, second = fetch(source)

    source.mark_processed(first)
    source.mark_processed(second)

    assert [i.message_id for i in ews.folder_items("Inbox/Traité")] == [
        "<m1@example.org>", "<m2@example.org>"]
    assert ews.folder_items("Inbox") == []
    assert ews.operations.count("CreateFolder") == 1
    assert "FindFolder(Deep)" not in ews.operations  # `//`, never the whole folder tree
    assert "FindFolder(Shallow)" in ews.operations


def test_mark_processed_with_flag_adds_the_category_and_leaves_the_mail(
        ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    source = open_source(mark="flag", category="Enregistré")
    [item] = fetch(source)

    source.mark_processed(item)

    [left] = ews.folder_items("Inbox")
    assert left.categories == ["Enregistré"]
    assert "MoveItem" not in ews.operations


def test_flagged_mail_is_not_handed_out_again_by_a_full_resync(
        ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    source = open_source(mark="flag")
    [item] = fetch(source)
    source.mark_processed(item)
    source.commit()
    ews.forget_sync_states()

    assert fetch(open_source(mark="flag")) == []


def test_same_mail_in_two_folders_has_the_same_message_id(
        ews: EwsDouble, open_source: Any, tmp_path: Path) -> None:
    ews.add_folder("Réclamations")
    ews.deliver(mail(7), folder="Inbox")
    ews.deliver(mail(7), folder="Inbox/Réclamations")
    inbox = open_source()
    complaints = ExchangeSource(settings(ews, folder="Inbox/Réclamations"), password=PASSWORD,
                                state_path=tmp_path / "other" / STATE_FILE)

    [a] = fetch(inbox)
    [b] = fetch(complaints)
    complaints.close()

    assert a.message_id == b.message_id == "<m7@example.org>"
    assert a.key != b.key
    assert b.folder == "Inbox/Réclamations"
    assert fetch(inbox) == [a]  # closing one source leaves the other working


def test_draft_reply_is_saved_in_drafts_with_the_letter_attached(
        ews: EwsDouble, open_source: Any, tmp_path: Path) -> None:
    original = ews.deliver(mail(1))
    letter = tmp_path / "REC-2026-0001 accusé.docx"
    letter.write_bytes(b"PK\x03\x04 a letter")
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE: Réclamation n° 1", body="Bonjour Madame,",
                             attachment=letter), send=False)

    [draft] = ews.folder_items("Drafts")
    assert draft.in_reply_to == original.id
    assert draft.to == ["alice@example.org"]
    assert (draft.subject, draft.body) == ("RE: Réclamation n° 1", "Bonjour Madame,")
    assert [(name, content) for _, name, content in draft.attachments] == [
        ("REC-2026-0001 accusé.docx", b"PK\x03\x04 a letter")]
    assert ews.sent == []


def test_the_answer_to_a_forwarded_complaint_is_addressed_to_the_declarant(
        ews: EwsDouble, open_source: Any) -> None:
    original = ews.deliver(mail(1))
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE: Réclamation", body="Madame,",
                             to_address="marie.dupont@gmail.com", to_name="Marie Dupont"),
                 send=False)

    [draft] = ews.folder_items("Drafts")
    assert draft.in_reply_to == original.id
    assert draft.to == ["marie.dupont@gmail.com"]


def test_sent_reply_leaves_with_the_letter_and_a_copy_in_sent_items(
        ews: EwsDouble, open_source: Any, tmp_path: Path) -> None:
    ews.deliver(mail(1))
    letter = tmp_path / "réponse.pdf"
    letter.write_bytes(b"%PDF-1.7")
    source = open_source()
    [item] = fetch(source)

    source.reply(item, Reply(subject="RE: x", body="Bonjour", attachment=letter), send=True)

    [sent] = ews.sent
    assert [name for _, name, _ in sent.attachments] == ["réponse.pdf"]
    assert ews.folder_items("Drafts") == []
    assert [i.subject for i in ews.folder_items("Sent Items")] == ["RE: x"]


def test_reply_after_the_move_to_traite_finds_the_mail_by_its_message_id(
        ews: EwsDouble, open_source: Any) -> None:
    # Exchange gives a moved mail a new id: the letter is answered days later, from Traité
    ews.deliver(mail(1))
    source = open_source()
    [item] = fetch(source)
    source.mark_processed(item)
    [moved] = ews.folder_items("Inbox/Traité")

    open_source().reply(item, Reply(subject="RE: x", body="Bonjour"), send=False)

    [draft] = ews.folder_items("Drafts")
    assert draft.in_reply_to == moved.id != item.key


def test_check_describes_the_server_the_mailbox_and_the_folder(
        ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    ews.deliver(mail(2))

    text = open_source().check()

    assert "Microsoft Exchange Server 2016" in text
    assert SHARED in text and "« Inbox »" in text and "2 courriel(s)" in text
    assert "Warning" not in text


def test_wrong_password_is_refused_once_without_retrying(
        ews: EwsDouble, open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"refused the login 'OF\\\\accueil'") as caught:
        fetch(open_source(password="Xy-not-it-42"))

    assert "AUTOMATION_EXCHANGE_PASSWORD" in str(caught.value)
    assert "Xy-not-it-42" not in str(caught.value)
    assert ews.refused == 1  # a retry loop would lock the Windows account


def test_server_down_is_a_mailbox_error_saying_it_cannot_be_reached(
        ews: EwsDouble, open_source: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    source = open_source(server_url=f"https://127.0.0.1:{port}/EWS/Exchange.asmx")

    with pytest.raises(MailboxError, match=r"cannot reach https://127\.0\.0\.1"):
        source.check()


def test_untrusted_certificate_is_a_mailbox_error_pointing_to_ca_bundle(
        ews: EwsDouble, open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"ca_bundle"):
        open_source(ca_bundle="").check()


def test_missing_folder_is_a_mailbox_error_naming_it(ews: EwsDouble, open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"'Inbox/Plaintes' not found in mailbox contact@"):
        fetch(open_source(folder="Inbox/Plaintes"))


def test_mailbox_unknown_to_the_server_is_a_mailbox_error(
        ews: EwsDouble, open_source: Any) -> None:
    with pytest.raises(MailboxError, match=r"mailbox inconnu@of\.fr does not exist"):
        fetch(open_source(mailbox="inconnu@of.fr"))


def test_busy_server_is_waited_out(ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    source = open_source()
    source.check()
    ews.busy = [200]  # ErrorServerBusy, BackOffMilliseconds = 200

    assert len(fetch(source)) == 1
    assert ews.busy == []


def test_throttling_beyond_max_wait_is_a_mailbox_error(ews: EwsDouble, open_source: Any) -> None:
    source = open_source(max_wait_seconds=1.0)
    source.check()
    ews.busy = [600_000]

    with pytest.raises(MailboxError, match=r"busy or throttling"):
        fetch(source)


def test_second_source_on_the_same_server_keeps_its_own_settings(
        ews: EwsDouble, open_source: Any) -> None:
    # exchangelib caches one protocol per (server, login): without care the second source
    # would inherit the first one's retry policy (here: a patience of half a second)
    ews.deliver(mail(1))
    impatient = open_source(max_wait_seconds=0.5)
    impatient.check()
    patient = open_source(max_wait_seconds=5.0)
    patient.check()

    ews.busy = [600]
    assert len(fetch(patient)) == 1
    ews.busy = [600]
    with pytest.raises(MailboxError, match=r"busy"):
        fetch(impatient)


def test_forgotten_sync_state_reads_the_folder_again(ews: EwsDouble, open_source: Any) -> None:
    ews.deliver(mail(1))
    source = open_source()
    fetch(source)
    source.commit()
    ews.deliver(mail(2))
    ews.forget_sync_states()

    assert [i.message_id for i in fetch(source)] == ["<m1@example.org>", "<m2@example.org>"]


def test_state_of_another_folder_is_not_reused(ews: EwsDouble, open_source: Any) -> None:
    ews.add_folder("Réclamations")
    ews.deliver(mail(1), folder="Inbox/Réclamations")
    inbox = open_source()
    fetch(inbox)
    inbox.commit()

    assert len(fetch(open_source(folder="Inbox/Réclamations"))) == 1


def test_ews_in_exchange_online_is_flagged_as_retired(tmp_path: Path) -> None:
    online = ExchangeSettings(server_url="https://outlook.office365.com/EWS/Exchange.asmx",
                              username="accueil@of.fr")
    on_premises = ExchangeSettings(server_url="https://mail.of.fr/EWS/Exchange.asmx",
                                   username="accueil@of.fr")

    assert exchange_online_warning(online) == EWS_RETIREMENT
    assert "1er avril 2027" in EWS_RETIREMENT and "graph" in EWS_RETIREMENT
    assert exchange_online_warning(on_premises) is None


@pytest.mark.parametrize(("changes", "named"), [
    ({"server_url": "http://mail.of.fr/EWS/Exchange.asmx"}, "mail.exchange.server_url"),
    ({"auth": "kerberos"}, "mail.exchange.auth"),
    ({"username": ""}, "mail.exchange.username"),
    ({"mailbox": "", "username": "OF\\accueil"}, "mail.exchange.mailbox"),
    ({"server_version": "2007"}, "mail.exchange.server_version"),
    ({"ca_bundle": "/nowhere/ca.pem"}, "mail.exchange.ca_bundle"),
])
def test_unusable_settings_are_refused_by_name(changes: dict[str, str], named: str) -> None:
    base = ExchangeSettings(server_url="https://mail.of.fr/EWS/Exchange.asmx",
                            username="OF\\accueil", mailbox=SHARED)
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")):
        validate_exchange(ExchangeSettings(**{**base.__dict__, **changes}))


def test_password_comes_from_the_environment_never_the_file() -> None:
    s = ExchangeSettings(username=LOGIN)
    assert exchange_password(s, environ={"AUTOMATION_EXCHANGE_PASSWORD": "pw"}) == "pw"


def test_processed_marking_is_checked_with_the_shared_mail_settings() -> None:
    validate_marking("Traité", "flag")
    with pytest.raises(ConfigError, match=r"mail\.mark"):
        validate_marking("Traité", "delete")
    with pytest.raises(ConfigError, match=r"mail\.processed_folder"):
        validate_marking("Inbox/Traité", "move")
