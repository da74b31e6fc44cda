"""An Outlook item attached to a .msg (a mail forwarded "as attachment" from Outlook) is read
whole: its sender, date, subject and text become an enclosed mail, the declarant's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from automation.intake.declarant import OwnAddresses, author_of
from automation.intake.mail import parse_mail
from automation.sources.saved_mail import msg_to_mime

from .spine import parse_saved_mail

MSG = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "msg"
NESTED = MSG / "TheConfusedCat_msgparser_nested-simple-mail.msg"
ASPOSE = MSG / "aspose_email_Aspose_Email_for_Java_WithEmbeddedMsg.msg"
WHEN = datetime(2026, 12, 1, 9, 0)


def test_an_embedded_outlook_item_becomes_an_enclosed_mail_with_its_text() -> None:
    mail = parse_saved_mail(NESTED, fallback_date=WHEN)
    (attached,) = mail.attachments
    assert (attached.name, attached.content_type) == ("outlookmsg2html Testmail.eml",
                                                      "message/rfc822")
    (enclosed,) = mail.enclosed
    assert (enclosed.sender_name, enclosed.sender_address) == (
        "REISINGER Emanuel", "Emanuel.Reisinger@cargonet.software")
    assert enclosed.received == datetime(2016, 4, 11, 11, 14, 29)
    assert enclosed.body.startswith("Hello all,\n\nThis is a testmail.")
    assert not any("ouvrez le fichier .msg" in note for note in mail.notes)


def test_the_embedded_item_gives_the_declarant_of_the_forward() -> None:
    mail = parse_saved_mail(NESTED, fallback_date=WHEN)
    assert mail.forwarded
    author = author_of(mail, OwnAddresses())
    assert author.address == "Emanuel.Reisinger@cargonet.software"
    assert author.text.startswith("Hello all,")


def test_a_second_embedded_item_is_read_and_its_missing_date_said() -> None:
    (enclosed,) = parse_saved_mail(ASPOSE, fallback_date=WHEN).enclosed
    assert enclosed.sender_address == "from@domain.com"
    assert enclosed.subject == "creating an outlook message file"
    assert enclosed.body == "This message is created by Aspose.Email"
    assert not enclosed.date_from_header


def test_the_conversion_stays_the_same_bytes_for_the_same_file() -> None:
    data = NESTED.read_bytes()
    first, second = msg_to_mime(data), msg_to_mime(data)
    assert first == second
    assert parse_mail(first, fallback_date=WHEN).fingerprint == parse_mail(
        second, fallback_date=WHEN).fingerprint
