"""Mails saved as files (.eml, Outlook .msg) read into the one mail shape."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from automation.clock import PARIS
from automation.errors import IntakeError
from automation.intake.mail import parse_mail
from automation.sources.saved_mail import msg_to_mime

from .spine import parse_saved_mail, saved_mail_bytes, saved_message_id

DATA = Path(__file__).resolve().parent / "data"
MSG = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "msg"
WHEN = datetime(2026, 3, 2, 9, 0)


def test_an_eml_is_read_as_it_is(tmp_path: Path) -> None:
    path = shutil.copy(DATA / "mail-satisfaction.eml", tmp_path / "retour.eml")
    assert saved_mail_bytes(Path(path)) == (DATA / "mail-satisfaction.eml").read_bytes()
    assert saved_message_id(Path(path)) == "<satisfaction-0008@exemple-apprenant.fr>"


def test_a_msg_keeps_its_message_id_so_imap_and_outlook_copies_match() -> None:
    path = MSG / "HamiltonInsurance_outlook_msg_outlook_msg_Test.msg"
    mail = parse_saved_mail(path)
    assert saved_message_id(path).startswith("<HE1PR08MB0603")
    assert mail.message_id == saved_message_id(path)
    assert mail.sender_address == "elliot.hughes@hamiltongroup.com"
    assert mail.body == "This is a test body with a single line."
    assert [a.name for a in mail.attachments] == ["attachment.txt"]
    assert mail.attachments[0].data == b"Test Content"
    assert mail.received == datetime(2018, 10, 8, 18, 33, 42)


def test_the_same_msg_always_gives_the_same_bytes() -> None:
    data = (MSG / "ctabin_jotlmsg_many-attachments.msg").read_bytes()
    assert msg_to_mime(data) == msg_to_mime(data)  # no Message-ID: the bytes fingerprint it
    first = parse_mail(msg_to_mime(data), fallback_date=WHEN)
    assert first.message_id == ""
    assert first.fingerprint == parse_mail(msg_to_mime(data), fallback_date=WHEN).fingerprint


def test_an_html_msg_becomes_text_and_its_spreadsheet_is_kept() -> None:
    mail = parse_saved_mail(MSG / "hrbrmstr_msgxtractr_TestMessage-ansi.msg")
    assert mail.sender_address == "sender@example.com"
    (attachment,) = mail.attachments
    assert attachment.name == "TestAttachment1.xlsx"
    assert attachment.data is not None and attachment.data[:2] == b"PK"


def test_an_embedded_outlook_message_is_extracted_as_an_attached_mail() -> None:
    mail = parse_saved_mail(MSG / "aspose_email_Aspose_Email_for_Java_WithEmbeddedMsg.msg")
    assert [(a.name, a.content_type) for a in mail.attachments] == [
        ("Weekly report.eml", "message/rfc822")]
    assert [m.subject for m in mail.enclosed] == ["creating an outlook message file"]


def test_a_msg_file_can_be_moved_right_after_reading(tmp_path: Path) -> None:
    path = Path(shutil.copy(MSG / "Sicos1977_MSGReader_EmailWithAttachments.msg",
                            tmp_path / "plainte.msg"))
    parse_saved_mail(path)
    moved = path.rename(tmp_path / "processed.msg")  # Windows refuses while a handle is open
    assert moved.exists()


def test_a_file_that_is_not_a_msg_is_refused_in_french(tmp_path: Path) -> None:
    fake = tmp_path / "faux.msg"
    fake.write_bytes(b"Ceci n'est pas un message Outlook")
    with pytest.raises(IntakeError, match="Outlook") as caught:
        saved_mail_bytes(fake)
    assert caught.value.path == fake


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("vide.eml", b"", "vide"),
    ("plainte.docx", b"PK", "courriel"),
])
def test_unreadable_saved_mails_are_refused_in_french(tmp_path: Path, name: str,
                                                      content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IntakeError, match=reason):
        saved_mail_bytes(path)


def test_a_missing_date_falls_back_to_the_file_time(tmp_path: Path) -> None:
    path = tmp_path / "sans-date.eml"
    path.write_bytes(b"From: a@exemple.fr\r\nSubject: x\r\n\r\ncorps")
    mail = parse_saved_mail(path)
    assert not mail.date_from_header
    now_in_paris = datetime.now(PARIS).replace(tzinfo=None)
    assert abs((mail.received - now_in_paris).total_seconds()) < 120
