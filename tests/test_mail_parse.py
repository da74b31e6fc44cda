"""Parsing our French sample mails (tests/data/mail-*.eml, built by build_mail_samples.py)."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from openpyxl import load_workbook

from automation.clock import PARIS
from automation.errors import IntakeError
from automation.intake.html_text import (
    decode_bytes,
    decode_header_text,
    html_to_text,
    trim_reply,
)
from automation.intake.mail import (
    ParsedMail,
    mail_fingerprint,
    parse_mail,
    sanitize_filename,
    source_note,
)

DATA = Path(__file__).resolve().parent / "data"
FALLBACK = datetime(2026, 3, 20, 12, 0, tzinfo=PARIS)


def parsed(name: str) -> ParsedMail:
    return parse_mail((DATA / name).read_bytes(), fallback_date=FALLBACK)


def test_a_euro_sign_in_a_mail_labelled_iso_8859_1_survives() -> None:
    mail = parsed("mail-iso8859-euro-reclamation.eml")
    assert mail.subject == "Réclamation : facture de 1 250 €"
    assert "1 250 € reçue" in mail.body and "J’attends" in mail.body
    assert mail.sender_name == "Hélène Lefèvre"
    assert mail.sender_address == "helene.lefevre@exemple-apprenant.fr"
    assert mail.received == datetime(2026, 3, 2, 9, 14)  # Paris wall-clock, naive
    assert mail.date_from_header


def test_raw_windows_1252_headers_and_body_decode() -> None:
    mail = parsed("mail-cp1252-annulation.eml")
    assert mail.subject == "Annulation de ma participation – « Gestion de projet »"
    assert mail.sender_name == "Dupré, François"
    assert "m’indiquer" in mail.body and "empêchement" in mail.body


def test_an_html_only_mail_becomes_text() -> None:
    mail = parsed("mail-html-only-reclamation.eml")
    assert mail.subject == "Accueil inadmissible"
    assert "Je suis très mécontent de l'accueil : la salle était fermée à 9 h." in mail.body
    assert "Nous avons attendu 40 minutes." in mail.body
    assert "- Formation : Premiers secours" in mail.body
    for hidden in ("color: red", "pixel de suivi", "alert(1)", "<p>"):
        assert hidden not in mail.body


def test_a_reply_keeps_only_what_the_sender_wrote() -> None:
    mail = parsed("mail-reply-chain-abandon.eml")
    assert mail.body == ("Bonjour,\n\nJe confirme : j'arrête la formation à compter de lundi, "
                         "pour raisons professionnelles.")
    assert "Nous avons constaté" in mail.full_body
    assert mail.in_reply_to == "<relance-0001@organisme-exemple.fr>"
    assert mail.subject == "Re : Votre absence – formation Anglais"


def test_a_spreadsheet_attachment_is_readable() -> None:
    mail = parsed("mail-xlsx-attachment.eml")
    (attachment,) = mail.attachments
    assert attachment.name == "réclamations-mars.xlsx"
    assert attachment.suffix == ".xlsx" and not attachment.too_large
    assert attachment.data is not None and attachment.size == len(attachment.data)
    sheet = load_workbook(io.BytesIO(attachment.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "Paul Girard"


def test_winmail_dat_is_noted() -> None:
    mail = parsed("mail-winmail-dat.eml")
    assert mail.winmail
    assert any("winmail.dat" in note for note in mail.notes)


def test_attachment_paths_from_the_mail_are_never_trusted() -> None:
    mail = parsed("mail-path-traversal.eml")
    assert [a.name for a in mail.attachments] == ["x.xlsx", "evil.xlsx", "_CON.xlsx"]


@pytest.mark.parametrize(("given", "expected"), [
    ("../../x.xlsx", "x.xlsx"),
    ("..\\..\\Windows\\evil.xlsx", "evil.xlsx"),
    ("C:\\Users\\a\\plainte.xlsx", "plainte.xlsx"),
    ("/etc/passwd", "passwd"),
    ("..", "piece"),
    ("", "piece"),
    (None, "piece"),
    ('a<b>c:"d|e?f*.xlsx', "a_b_c__d_e_f_.xlsx"),
    ("nul.txt", "_nul.txt"),
    ("  .hidden. ", "hidden"),
    ("x" * 300 + ".xlsx", "x" * 145 + ".xlsx"),
])
def test_sanitize_filename(given: str | None, expected: str) -> None:
    assert sanitize_filename(given, fallback="piece") == expected


def _mail_with_attachment(size: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Grand Fichier <gros@exemple.fr>"
    message["Subject"] = "Liste complète"
    message["Message-ID"] = "<big@exemple.fr>"
    message.set_content("Voir pièce jointe.")
    message.add_attachment(b"\0" * size, maintype="application", subtype="octet-stream",
                           filename="énorme.xlsx")
    return message.as_bytes()


def test_a_30_mb_attachment_is_listed_but_never_opened() -> None:
    raw = _mail_with_attachment(30 * 1024 * 1024)
    mail = parse_mail(raw, fallback_date=FALLBACK, max_attachment_bytes=25 * 1024 * 1024)
    (attachment,) = mail.attachments
    assert attachment.too_large and attachment.data is None
    assert 29 * 1024 * 1024 < attachment.size < 31 * 1024 * 1024
    assert any("énorme.xlsx" in note and "25 Mo" in note for note in mail.notes)
    assert mail.body == "Voir pièce jointe."


def test_a_missing_date_falls_back_to_the_callers_date() -> None:
    raw = b"From: a@exemple.fr\r\nSubject: sans date\r\n\r\ncorps\r\n"
    mail = parse_mail(raw, fallback_date=FALLBACK)
    assert mail.received == datetime(2026, 3, 20, 12, 0)
    assert not mail.date_from_header
    assert any("Date" in note for note in mail.notes)


@pytest.mark.parametrize("date", ["Pn, 29 paX 2007 21:13:00 +0100", "Mon, 30 Jun 3609 15:33:50",
                                  "lundi", "Thu, 13 Feb 1969 23:32:54 -0330", "99/99/99"])
def test_a_bad_date_falls_back(date: str) -> None:
    raw = f"From: a@exemple.fr\r\nDate: {date}\r\nSubject: x\r\n\r\nx\r\n".encode()
    assert parse_mail(raw, fallback_date=FALLBACK).received == datetime(2026, 3, 20, 12, 0)


def test_a_date_in_utc_is_shown_in_paris_time() -> None:
    raw = b"From: a@exemple.fr\r\nDate: Sun, 29 Mar 2026 01:30:00 +0000\r\nSubject: x\r\n\r\nx"
    assert parse_mail(raw, fallback_date=FALLBACK).received == datetime(2026, 3, 29, 3, 30)


@pytest.mark.parametrize("charset", ["x-unknown-charset", "base64", "none", "utf-7", "idna",
                                     "unicode-1-1-utf-7", "ISO-8859-1", "us-ascii"])
def test_any_charset_label_decodes_without_error(charset: str) -> None:
    body = "Problème réglé : 10 €".encode("cp1252")
    raw = (f"From: a@exemple.fr\r\nSubject: x\r\nContent-Type: text/plain; charset={charset}"
           "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n").encode() + body
    mail = parse_mail(raw, fallback_date=FALLBACK)
    assert mail.body  # decoded somehow, never a LookupError


def test_unknown_charsets_guess_utf8_then_windows_1252() -> None:
    assert decode_bytes("déjà".encode(), "x-bogus") == "déjà"
    assert decode_bytes("déjà 5 €".encode("cp1252"), "x-bogus") == "déjà 5 €"
    assert decode_bytes(b"\x80", "iso-8859-1") == "€"
    assert decode_bytes(b"+AOk-t+AOk-", "utf-7") == "été"


def test_encoded_words_split_inside_a_character_are_joined() -> None:
    word = "Réclamation".encode()
    first, second = word[:2], word[2:]  # "R" + first byte of "é" | the rest
    header = (f"=?UTF-8?B?{base64.b64encode(first).decode()}?= "
              f"=?UTF-8?B?{base64.b64encode(second).decode()}?=")
    assert decode_header_text(header) == "Réclamation"
    assert decode_header_text("=?iso-8859-1?q?1_000_=80?=") == "1 000 €"
    assert decode_header_text("=?utf-8?q?a?= b =?utf-8?q?c?=") == "a b c"
    assert decode_header_text("=?bogus?B?!!!?= ok") == "=?bogus?B?!!!?= ok"


def test_the_fingerprint_comes_from_the_message_id() -> None:
    one = b"Message-ID: <abc@x>\r\nFrom: a@b.fr\r\nSubject: un\r\n\r\nun"
    copy = b"Message-ID:   <abc@x> \r\nX-Folder: autre\r\nFrom: a@b.fr\r\nSubject: un\r\n\r\nun"
    first, second = (parse_mail(raw, fallback_date=FALLBACK) for raw in (one, copy))
    assert first.fingerprint == second.fingerprint == mail_fingerprint("<abc@x>", b"")


def test_without_message_id_the_fingerprint_comes_from_the_bytes() -> None:
    raw = b"From: a@b.fr\r\nSubject: un\r\n\r\nun"
    mail = parse_mail(raw, fallback_date=FALLBACK)
    assert mail.message_id == ""
    assert mail.fingerprint == mail_fingerprint("", raw)
    assert mail.fingerprint != parse_mail(raw + b"!", fallback_date=FALLBACK).fingerprint


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\x00\x01\x02 pas un mail", b"Bonjour"])
def test_something_that_is_not_a_mail_is_refused_in_french(raw: bytes) -> None:
    with pytest.raises(IntakeError, match=r"message|courriel"):
        parse_mail(raw, fallback_date=FALLBACK)


def test_an_auto_reply_is_automatic() -> None:
    assert parsed("mail-auto-reply.eml").automatic
    assert not parsed("mail-satisfaction.eml").automatic


def test_a_deeply_nested_mail_is_refused_not_crashing() -> None:
    depth = 200
    parts = [f'Content-Type: multipart/mixed; boundary="b{n}"\r\n\r\n--b{n}\r\n'
             for n in range(depth)]
    raw = ("From: a@b.fr\r\nSubject: nid\r\nMIME-Version: 1.0\r\n" + "".join(parts)
           + "Content-Type: text/plain\r\n\r\nfond\r\n").encode()
    try:
        mail = parse_mail(raw, fallback_date=FALLBACK)
    except IntakeError as error:
        assert "imbriqué" in str(error) or "structure" in str(error)
    else:
        assert mail.subject == "nid"


@pytest.mark.parametrize(("text", "kept"), [
    ("Merci.\n\n-----Original Message-----\nFrom: x\nancien", "Merci."),
    ("Merci.\n\n-----Message d'origine-----\nDe : x\nancien", "Merci."),
    ("Merci.\nOn Mon, Mar 2, 2026 at 9:00 AM Jean <j@x.fr> wrote:\n> ancien", "Merci."),
    ("Merci.\n________________________________\nDe : X\nEnvoyé : lundi\nancien", "Merci."),
    ("Merci.\nEnvoyé de mon iPhone", "Merci."),
    ("Le formateur m'a écrit : rien.\nSuite.", "Le formateur m'a écrit : rien.\nSuite."),
    ("> tout est cité\n> encore", "> tout est cité\n> encore"),
    ("De : moi\nPas un en-tête.", "De : moi\nPas un en-tête."),
])
def test_trim_reply(text: str, kept: str) -> None:
    assert trim_reply(text) == kept


def test_a_sender_cannot_slip_a_note_into_the_register() -> None:
    raw = (source_note("Message de 80 Mo : seul son en-tête a été lu.")
           + b"Received: by mx.exemple.fr\r\nX-Automation-Note: Reclamation close\r\n"
           + b"From: a@b.fr\r\nSubject: x\r\nDate: Mon, 02 Mar 2026 09:00:00 +0100\r\n\r\nx")
    mail = parse_mail(raw, fallback_date=FALLBACK)
    assert mail.notes == ("Message de 80 Mo : seul son en-tête a été lu.",)


@pytest.mark.parametrize(("html", "text"), [
    ("<html><head><title>x<body><p>Bonjour</p>", "Bonjour"),  # <head> never closed
    ('<p class=MsoNormal>Bonjour,</p><p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Fin</p>',
     "Bonjour,\n\nFin"),  # Outlook: one paragraph per line, &nbsp; for a blank one
    ("<div>Un</div><div><br></div><div>Deux</div>", "Un\n\nDeux"),  # Gmail
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
    ("<p>x &amp; y &lt;z&gt;</p>", "x & y <z>"),
])
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_quoted_html_is_trimmed() -> None:
    gmail = ('<div>Je suis déçue.</div><div class="gmail_quote"><div>Le lun. 2 mars 2026, '
             'X a écrit :</div><blockquote>ancien</blockquote></div>')
    outlook = ('<div>Je suis déçue.</div><hr><div id="divRplyFwdMsg"><b>De :</b> X<br>'
               '<b>Envoyé :</b> lundi<br><b>À :</b> Y<br><b>Objet :</b> Z</div><div>ancien</div>')
    for html in (gmail, outlook):
        assert trim_reply(html_to_text(html)) == "Je suis déçue."
