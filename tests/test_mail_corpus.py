"""Every real mail of the shared corpus parses, classifies and becomes a row — or is refused
with a French reason; never another exception (../shared/data, see its README)."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest

from automation.errors import IntakeError
from automation.intake.classify import classify
from automation.intake.mail import ParsedMail, parse_mail
from automation.intake.mail_records import mail_record
from automation.registers.schema import DEFAULT_REGISTERS

from .spine import parse_saved_mail

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
EML = sorted((SHARED / "mail-corpus").rglob("*.eml"))
MSG = sorted((SHARED / "msg").glob("*.msg"))
FALLBACK = datetime(2026, 3, 2, 9, 0)
_UNSAFE = re.compile(r"[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f]")
_FRENCH = ("message", "fichier", "courriel")


def test_the_shared_corpus_is_there() -> None:
    assert len(EML) >= 100, f"mail corpus missing under {SHARED}"
    assert len(MSG) == 18, f".msg corpus missing under {SHARED}"


def _check(mail: ParsedMail) -> None:
    texts = [mail.subject, mail.body, mail.full_body, mail.sender_name, mail.sender_address,
             mail.message_id, *mail.to, *mail.notes, *(a.name for a in mail.attachments)]
    for text in texts:
        assert not _UNSAFE.search(text), repr(text)
    assert mail.received.tzinfo is None
    assert len(mail.fingerprint) == 64
    for attachment in mail.attachments:
        assert "/" not in attachment.name and "\\" not in attachment.name and attachment.name
    for register in DEFAULT_REGISTERS:  # whatever the rules say, a row can be built
        record = mail_record(mail, register.key, rule="test", folder_label="corpus")
        assert record.fingerprint == mail.fingerprint
        for value in record.values.values():
            assert not (isinstance(value, str) and _UNSAFE.search(value))


def _refused_in_french(error: IntakeError) -> None:
    message = str(error)
    assert any(word in message.lower() for word in _FRENCH), message


@pytest.mark.parametrize("path", EML, ids=lambda p: str(p.relative_to(SHARED)))
def test_every_corpus_mail_parses_or_is_refused_in_french(path: Path) -> None:
    try:
        mail = parse_mail(path.read_bytes(), fallback_date=FALLBACK, path=path)
    except IntakeError as error:
        _refused_in_french(error)
        return
    _check(mail)
    classify(mail, folder="inbox/mails")


@pytest.mark.parametrize("path", MSG, ids=lambda p: p.name)
def test_every_outlook_msg_parses_and_is_closed(path: Path) -> None:
    try:
        mail = parse_saved_mail(path, fallback_date=FALLBACK)
    except IntakeError as error:
        _refused_in_french(error)
        return
    _check(mail)
    classify(mail)
    open_files = {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}
    assert str(path.resolve()) not in open_files  # Windows would keep it locked


def test_the_corpus_mails_decode_their_charsets() -> None:
    def subject(name: str) -> str:
        return parse_mail((SHARED / "mail-corpus" / name).read_bytes(),
                          fallback_date=FALLBACK).subject

    assert subject("multi_charset/japanese.eml") == "まみむめも"
    assert subject("rfc6532/utf8_headers.eml") == "Säying Hello"  # raw UTF-8 header
    assert subject("error_emails/invalid_subject_characters.eml").startswith("Formação")
    assert subject("error_emails/bad_encoded_subject.eml") == "TEST"  # charset "NONE"
    assert subject("plain_emails/raw_email_with_partially_quoted_subject.eml") == (
        'Re: Test: "漢字" mid "漢字" tail')


def test_an_illegal_boundary_still_gives_the_text() -> None:
    raw = (SHARED / "mail-corpus/mime_emails/raw_email_with_illegal_boundary.eml").read_bytes()
    mail = parse_mail(raw, fallback_date=FALLBACK)
    assert mail.body.startswith("Hello\nThis is an outlook test")


def test_a_msg_without_sender_address_keeps_the_name() -> None:
    mail = parse_saved_mail(SHARED / "msg" / "TheConfusedCat_msgparser_plain-chain.msg")
    assert mail.sender_name == "Robert Duncan"
    assert mail.sender_address == ""


def test_a_bounce_is_an_automatic_mail_left_alone() -> None:
    raw = (SHARED / "mail-corpus/multipart_report_emails/multi_address_bounce1.eml").read_bytes()
    mail = parse_mail(raw, fallback_date=FALLBACK)
    assert mail.automatic
    assert classify(mail).register is None
