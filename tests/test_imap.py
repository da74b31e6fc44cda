"""The IMAP source against a real Dovecot on a loopback port (tests/dovecot.py)."""

from __future__ import annotations

import ssl
import threading
import time
from datetime import datetime
from email import message_from_bytes, policy
from email.header import Header
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from automation.errors import ConfigError, MailboxError
from automation.intake.mail import parse_mail
from automation.letters.smtp import SmtpSender
from automation.mail_config import ImapSettings, MailConfig, MailSettings, SmtpSettings
from automation.sources.imap import STATE_FILE, ImapSource
from automation.sources.mailbox import MailItem, Reply
from tests.conftest import SmtpSink
from tests.dovecot import DovecotServer, free_port

pytestmark = pytest.mark.slow

WHEN = datetime(2026, 3, 2, 9, 0)


def french_mail(number: int, subject: str = "Réclamation", body: str = "Je suis mécontent.",
                *, message_id: str | None = None) -> bytes:
    message_id = message_id or f"<imap-test-{number}@exemple-apprenant.fr>"
    return (f"Message-ID: {message_id}\r\n"
            f"Date: Mon, 02 Mar 2026 09:{number:02d}:00 +0100\r\n"
            f"From: Apprenant {number} <apprenant{number}@exemple-apprenant.fr>\r\n"
            "To: contact@organisme-exemple.fr\r\n"
            f"Subject: {Header(subject, 'utf-8').encode()}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + body.encode() + b"\r\n"


@pytest.fixture
def user(dovecot: DovecotServer) -> str:
    return dovecot.new_user()


def make_source(dovecot: DovecotServer, user: str, state_dir: Path, *, folder: str = "INBOX",
                **options: Any) -> ImapSource:
    mail = MailSettings(mark=options.pop("mark", "move"),
                        max_mail_mb=options.pop("max_mail_mb", 60.0))
    imap = ImapSettings(host=dovecot.host, port=dovecot.port, tls="none", username=user,
                        folder=folder, idle=options.pop("idle", True), poll_seconds=0.2,
                        timeout_seconds=10, save_sent=options.pop("save_sent", True),
                        sent_folder=options.pop("sent_folder", ""))
    config = MailConfig(mail=mail, imap=imap,
                        smtp=SmtpSettings(from_address="qualite@organisme-exemple.fr"))
    return ImapSource(config, state_path=state_dir / STATE_FILE, password=dovecot.password,
                      **options)


def fetch_all(source: ImapSource) -> list[MailItem]:
    return list(source.fetch_new())


def test_three_mails_are_fetched_once_and_not_again_after_a_restart(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    for number in (1, 2, 3):
        dovecot.deliver(french_mail(number), user=user)
    source = make_source(dovecot, user, tmp_path)
    items = fetch_all(source)
    assert [i.message_id for i in items] == [f"<imap-test-{n}@exemple-apprenant.fr>"
                                            for n in (1, 2, 3)]
    assert parse_mail(items[0].raw, fallback_date=WHEN).subject == "Réclamation"
    assert fetch_all(source) == []  # handed out once, even before the commit
    source.commit()
    source.close()

    restarted = make_source(dovecot, user, tmp_path)
    assert fetch_all(restarted) == []
    dovecot.deliver(french_mail(4), user=user)
    assert [i.message_id for i in fetch_all(restarted)] == ["<imap-test-4@exemple-apprenant.fr>"]
    restarted.close()


def test_a_crash_before_commit_fetches_the_same_mails_again(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    first = make_source(dovecot, user, tmp_path)
    before = fetch_all(first)
    first.close()  # no commit: the journal never recorded them
    again = make_source(dovecot, user, tmp_path)
    assert [i.key for i in fetch_all(again)] == [i.key for i in before]
    again.close()


def test_fetching_leaves_mails_unread(dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    source = make_source(dovecot, user, tmp_path)
    fetch_all(source)
    source.close()
    assert all(b"\\Seen" not in flags for flags in dovecot.flags("INBOX", user=user))


def test_mark_processed_moves_the_mail_to_a_created_traite_folder(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    for number in (1, 2):
        dovecot.deliver(french_mail(number), user=user)
    source = make_source(dovecot, user, tmp_path)
    first, second = fetch_all(source)
    source.mark_processed(first)
    source.commit()
    source.close()
    assert dovecot.message_ids("Traité", user=user) == [first.message_id]
    assert dovecot.message_ids("INBOX", user=user) == [second.message_id]


class _NoMove(IMAPClient):  # type: ignore[misc]  # imapclient has no type hints
    def has_capability(self, capability: str) -> bool:
        return capability.upper() != "MOVE" and bool(super().has_capability(capability))


def test_without_move_the_mail_is_copied_then_expunged(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    dovecot.deliver(french_mail(2), user=user)
    source = make_source(dovecot, user, tmp_path,
                         connect=lambda: _NoMove(dovecot.host, port=dovecot.port, ssl=False))
    first, second = fetch_all(source)
    source.mark_processed(first)
    source.close()
    assert dovecot.message_ids("Traité", user=user) == [first.message_id]
    assert dovecot.message_ids("INBOX", user=user) == [second.message_id]


def test_flag_mode_keeps_the_mail_and_skips_it_after_the_state_is_lost(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    dovecot.deliver(french_mail(2), user=user)
    source = make_source(dovecot, user, tmp_path, mark="flag")
    first, _ = fetch_all(source)
    source.mark_processed(first)
    source.close()
    assert dovecot.message_ids("INBOX", user=user) == [first.message_id,
                                                        "<imap-test-2@exemple-apprenant.fr>"]
    lost = make_source(dovecot, user, tmp_path / "elsewhere", mark="flag")
    assert [i.message_id for i in fetch_all(lost)] == ["<imap-test-2@exemple-apprenant.fr>"]
    lost.close()


def test_a_new_uidvalidity_fetches_everything_again_with_the_same_fingerprints(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    mails = [french_mail(n) for n in (1, 2, 3)]
    for raw in mails:
        dovecot.deliver(raw, "Courrier", user=user)
    source = make_source(dovecot, user, tmp_path, folder="Courrier")
    before = fetch_all(source)
    source.commit()
    source.close()
    with dovecot.client(user) as imap:  # the folder is rebuilt (a server migration, a restore)
        old = imap.select_folder("Courrier")[b"UIDVALIDITY"]
        imap.unselect_folder()
        imap.delete_folder("Courrier")
        time.sleep(1.1)  # Dovecot derives UIDVALIDITY from the clock
        imap.create_folder("Courrier")
        for raw in mails:
            imap.append("Courrier", raw)
        assert imap.select_folder("Courrier")[b"UIDVALIDITY"] != old
    again = make_source(dovecot, user, tmp_path, folder="Courrier")
    after = fetch_all(again)
    assert len(after) == 3
    assert {i.key for i in after}.isdisjoint({i.key for i in before})
    fingerprints = [parse_mail(i.raw, fallback_date=WHEN).fingerprint for i in after]
    assert fingerprints == [parse_mail(i.raw, fallback_date=WHEN).fingerprint for i in before]
    again.mark_processed(before[0])  # an item from before the rebuild: found by Message-ID
    again.close()
    assert dovecot.message_ids("Traité", user=user) == [before[0].message_id]


def test_idle_notices_a_new_mail(dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    source = make_source(dovecot, user, tmp_path)
    assert fetch_all(source) == []
    timer = threading.Timer(0.5, dovecot.deliver, args=(french_mail(7),), kwargs={"user": user})
    started = time.monotonic()
    timer.start()
    try:
        assert source.wait_for_mail(timeout=60) is True
    finally:
        timer.join()
    assert time.monotonic() - started < 10
    assert [i.message_id for i in fetch_all(source)] == ["<imap-test-7@exemple-apprenant.fr>"]
    assert source.wait_for_mail(timeout=1.5) is False  # "still here" is not new mail
    source.close()


def test_without_idle_the_source_polls(dovecot: DovecotServer, user: str,
                                       tmp_path: Path) -> None:
    naps: list[float] = []
    source = make_source(dovecot, user, tmp_path, idle=False, sleep=naps.append)
    assert source.wait_for_mail(timeout=30) is True
    assert naps == [0.2]
    source.close()


def test_a_huge_mail_is_fetched_without_its_body(dovecot: DovecotServer, user: str,
                                                 tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1, body="x" * 200_000), user=user)
    source = make_source(dovecot, user, tmp_path, max_mail_mb=0.1)
    (item,) = fetch_all(source)
    source.close()
    mail = parse_mail(item.raw, fallback_date=WHEN)
    assert mail.message_id == "<imap-test-1@exemple-apprenant.fr>"
    assert mail.body == ""
    assert any("seul son en-tête a été lu" in note for note in mail.notes)


def test_a_draft_answer_is_appended_to_drafts(dovecot: DovecotServer, user: str,
                                              tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    letter = tmp_path / "Accusé REC-2026-0001.docx"
    letter.write_bytes(b"PK\x03\x04 lettre")
    source = make_source(dovecot, user, tmp_path)
    (item,) = fetch_all(source)
    source.reply(item, Reply(subject="Re: Réclamation", body="Bonjour,\nVoici notre réponse.",
                             attachment=letter), send=False)
    source.close()
    with dovecot.client(user) as imap:
        imap.select_folder("Drafts", readonly=True)
        (uid,) = imap.search("ALL")
        fetched = imap.fetch([uid], ["FLAGS", "BODY.PEEK[]"])[uid]
    assert b"\\Draft" in fetched[b"FLAGS"]
    draft = message_from_bytes(fetched[b"BODY[]"], policy=policy.default)
    assert draft["In-Reply-To"] == item.message_id
    assert draft["To"].addresses[0].addr_spec == "apprenant1@exemple-apprenant.fr"
    assert str(draft["Subject"]) == "Re: Réclamation"
    (attached,) = list(draft.iter_attachments())
    assert attached.get_filename() == "Accusé REC-2026-0001.docx"
    assert attached.get_content() == b"PK\x03\x04 lettre"


def test_a_mail_without_address_can_only_get_a_draft(dovecot: DovecotServer, user: str,
                                                     tmp_path: Path) -> None:
    dovecot.deliver(b"Message-ID: <noaddr@x>\r\nFrom: Robert Duncan\r\nSubject: Plainte\r\n"
                    b"\r\nInadmissible.\r\n", user=user)
    source = make_source(dovecot, user, tmp_path)
    (item,) = fetch_all(source)
    with pytest.raises(MailboxError, match="no address"):
        source.reply(item, Reply(subject="Re: Plainte", body="Bonjour"), send=True)
    source.reply(item, Reply(subject="Re: Plainte", body="Bonjour"), send=False)
    source.close()
    assert len(dovecot.flags("Drafts", user=user)) == 1


def test_a_sent_answer_goes_through_smtp_with_the_letter(
        dovecot: DovecotServer, user: str, tmp_path: Path,
        smtp_sink: tuple[SmtpSink, int]) -> None:
    inbox, port = smtp_sink
    dovecot.deliver(french_mail(1), user=user)
    letter = tmp_path / "reponse.pdf"
    letter.write_bytes(b"%PDF-1.4 lettre")
    smtp = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none", timeout_seconds=5))
    source = make_source(dovecot, user, tmp_path, smtp=smtp)
    (item,) = fetch_all(source)
    source.reply(item, Reply(subject="Re: Réclamation", body="Réponse ci-jointe.",
                             attachment=letter), send=True)
    source.close()
    (raw,) = inbox.messages
    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["To"].addresses[0].addr_spec == "apprenant1@exemple-apprenant.fr"
    assert sent["From"].addresses[0].addr_spec == "qualite@organisme-exemple.fr"
    (attached,) = list(sent.iter_attachments())
    assert attached.get_filename() == "reponse.pdf"
    assert attached.get_content() == b"%PDF-1.4 lettre"
    assert dovecot.message_ids("Drafts", user=user) == []
    assert dovecot.message_ids("Sent", user=user) == [sent["Message-ID"]]  # as Outlook shows


def test_the_answer_to_a_forwarded_complaint_goes_to_the_declarant_in_her_thread(
        dovecot: DovecotServer, user: str, tmp_path: Path,
        smtp_sink: tuple[SmtpSink, int]) -> None:
    inbox, port = smtp_sink
    raw = (Path(__file__).parent / "data" / "mail-fwd-as-attachment.eml").read_bytes()
    dovecot.deliver(raw, user=user)
    smtp = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none", timeout_seconds=5))
    source = make_source(dovecot, user, tmp_path, smtp=smtp)
    (item,) = fetch_all(source)
    source.reply(item, Reply(subject="RE: Plainte : accueil de la session COMPTA-2611",
                             body="Madame, …", to_address="renee.garnier@wanadoo.fr",
                             to_name="Renée Garnier",
                             in_reply_to="<original-garnier-0001@wanadoo.fr>"), send=True)
    source.close()
    (raw_sent,) = inbox.messages
    sent = message_from_bytes(raw_sent, policy=policy.default)
    (to,) = sent["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Renée Garnier", "renee.garnier@wanadoo.fr")
    assert sent["In-Reply-To"] == "<original-garnier-0001@wanadoo.fr>"
    assert sent["References"].split() == [item.message_id, "<original-garnier-0001@wanadoo.fr>"]
    assert "accueil@of-exemple.fr" not in raw_sent.decode("ascii", "replace")
    with dovecot.client(user) as imap:
        imap.select_folder("Sent", readonly=True)
        (uid,) = imap.search("ALL")
        fetched = imap.fetch([uid], ["FLAGS", "BODY.PEEK[]"])[uid]
    assert b"\\Seen" in fetched[b"FLAGS"] and b"\\Draft" not in fetched[b"FLAGS"]
    assert fetched[b"BODY[]"].replace(b"\r\n", b"\n") == raw_sent.replace(b"\r\n", b"\n")


def test_a_server_that_files_sent_mail_itself_gets_no_second_copy(
        dovecot: DovecotServer, user: str, tmp_path: Path,
        smtp_sink: tuple[SmtpSink, int]) -> None:
    _, port = smtp_sink
    dovecot.deliver(french_mail(1), user=user)
    smtp = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, tls="none", timeout_seconds=5))
    source = make_source(dovecot, user, tmp_path, smtp=smtp, save_sent=False,
                         sent_folder="Envoyés")
    (item,) = fetch_all(source)
    source.reply(item, Reply(subject="RE: Réclamation", body="Réponse."), send=True)
    source.close()
    with dovecot.client(user) as imap:
        assert not imap.folder_exists("Envoyés")


def test_sending_without_smtp_settings_is_a_mailbox_error(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    source = make_source(dovecot, user, tmp_path)
    (item,) = fetch_all(source)
    with pytest.raises(MailboxError, match="drafts"):
        source.reply(item, Reply(subject="Re", body="x"), send=True)
    source.close()


def test_an_unreachable_server_is_a_mailbox_error(tmp_path: Path) -> None:
    config = MailConfig(imap=ImapSettings(host="127.0.0.1", port=free_port(), tls="none",
                                          username="alice", timeout_seconds=2))
    source = ImapSource(config, state_path=tmp_path / STATE_FILE, password="x")
    with pytest.raises(MailboxError, match="connecting failed"):
        list(source.fetch_new())


def test_a_server_that_goes_away_is_a_mailbox_error_then_recovers(
        dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    source = make_source(dovecot, user, tmp_path)
    assert "IDLE : oui" in source.check()
    assert source._imap is not None
    source._imap.shutdown()  # the connection drops (server restart, network outage)
    with pytest.raises(MailboxError):
        list(source.fetch_new())
    dovecot.deliver(french_mail(1), user=user)
    assert len(fetch_all(source)) == 1  # reconnected on next use
    source.close()


def test_check_describes_the_folder(dovecot: DovecotServer, user: str, tmp_path: Path) -> None:
    dovecot.deliver(french_mail(1), user=user)
    source = make_source(dovecot, user, tmp_path)
    text = source.check()
    source.close()
    assert "1 courriel(s)" in text and "MOVE : oui" in text


def _tls_source(dovecot: DovecotServer, user: str, tmp_path: Path, tls: str,
                context: ssl.SSLContext | None) -> ImapSource:
    port = dovecot.tls_port if tls == "tls" else dovecot.port
    config = MailConfig(imap=ImapSettings(host=dovecot.host, port=port, tls=tls, username=user,
                                          timeout_seconds=10))
    return ImapSource(config, state_path=tmp_path / STATE_FILE, password=dovecot.password,
                      ssl_context=context)


@pytest.mark.parametrize("tls", ["tls", "starttls"])
def test_tls_and_starttls_reach_the_mailbox(dovecot: DovecotServer, user: str, tmp_path: Path,
                                            tls: str) -> None:
    dovecot.deliver(french_mail(1), user=user)
    trusted = ssl.create_default_context(cafile=str(dovecot.certificate))
    source = _tls_source(dovecot, user, tmp_path, tls, trusted)
    assert [i.message_id for i in fetch_all(source)] == ["<imap-test-1@exemple-apprenant.fr>"]
    assert source._imap is not None
    assert isinstance(source._imap.socket(), ssl.SSLSocket)
    source.close()


@pytest.mark.parametrize("tls", ["tls", "starttls"])
def test_an_untrusted_certificate_is_refused(dovecot: DovecotServer, user: str,
                                             tmp_path: Path, tls: str) -> None:
    source = _tls_source(dovecot, user, tmp_path, tls, None)  # the system's authorities
    with pytest.raises(MailboxError, match=r"connecting failed.*CERTIFICATE_VERIFY_FAILED"):
        source.check()


def test_clear_text_to_a_remote_server_is_refused(tmp_path: Path) -> None:
    config = MailConfig(imap=ImapSettings(host="imap.exemple.fr", tls="none", username="a"))
    with pytest.raises(ConfigError, match="clear"):
        ImapSource(config, state_path=tmp_path / STATE_FILE, password="x")


def test_the_password_comes_from_the_environment(tmp_path: Path) -> None:
    config = MailConfig(imap=ImapSettings(host="127.0.0.1", tls="none", username="a"))
    source = ImapSource(config, state_path=tmp_path / STATE_FILE,
                        environ={"AUTOMATION_MAIL_PASSWORD": "from-env"})
    assert source._password == "from-env"


# Last: Dovecot delays every later login from this address after a failed one.
def test_a_wrong_password_is_a_mailbox_error(dovecot: DovecotServer, user: str,
                                             tmp_path: Path) -> None:
    config = MailConfig(imap=ImapSettings(host=dovecot.host, port=dovecot.port, tls="none",
                                          username=user))
    source = ImapSource(config, state_path=tmp_path / STATE_FILE, password="wrong")
    with pytest.raises(MailboxError, match="refused the login") as caught:
        source.check()
    assert "wrong" not in str(caught.value)
