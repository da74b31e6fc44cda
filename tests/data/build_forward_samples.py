"""Regenerate the ``mail-fwd-*`` / ``mail-reply-*`` sample mails and their expectations.

Run from the repository root: ``.venv/bin/python tests/data/build_forward_samples.py``.

Complaints as offices receive them second-hand, written the way each client writes a forward
or a reply (header labels, date forms, separators, quoting, the French non-breaking space
before « : » in Outlook, the forwarder's signature and disclaimer above the original, an
Exchange disclaimer appended at the very bottom): Outlook FR (desktop and older « Message
d'origine »), Outlook EN, Gmail FR and EN, Thunderbird FR, Apple Mail FR, a forward "as
attachment", reply chains. ``mail-fwd-expected.json`` lists, for each file, the declarant,
address, date, subject, session/training and the start of the description the tests expect.
The office is « Organisme Exemple » (of-exemple.fr); the watched mailbox
reclamations@of-exemple.fr. Spreadsheets attached (attendance sheet, invoice, a partner's
list of complaints, a list that fits the cancellations register) are built with openpyxl;
``winmail.dat`` is written as Outlook's TNEF.
"""

from __future__ import annotations

import base64
import io
import json
import quopri
import struct
from datetime import date, datetime
from email.header import Header
from email.utils import formataddr, getaddresses
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook

HERE: Final = Path(__file__).resolve().parent
CRLF: Final = b"\r\n"
NBSP: Final = "\xa0"
XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLLEAGUE: Final = "Julie Martin <accueil@of-exemple.fr>"
SIGNATURE: Final = (f"Julie Martin\nChargée d'accueil{NBSP}— Organisme Exemple\n"
                    "04 93 00 00 00 | www.of-exemple.fr\n\n"
                    "Ce message et toutes les pièces jointes sont confidentiels et établis à "
                    "l'intention exclusive de ses destinataires. Si vous avez reçu ce message "
                    "par erreur, merci de le détruire et d'en avertir l'expéditeur.")
COMPLAINT: Final = ("Bonjour,\n\nJe souhaite porter réclamation concernant la session CAC-2611 "
                    "de la formation « Conduite de chariots élévateurs » : la formatrice est "
                    "arrivée avec deux heures de retard le premier jour et le livret promis ne "
                    "nous a jamais été remis.\n\nJe joins la feuille d'émargement signée.\n\n"
                    "Cordialement,\nMarie Dupont\n06 11 22 33 44")


# --- MIME writing -----------------------------------------------------------------------------

def _qp(text: str, charset: str = "utf-8") -> bytes:
    return quopri.encodestring(text.replace("\n", "\r\n").encode(charset)).replace(
        b"\r\n", b"\n").replace(b"\n", CRLF)


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data).replace(b"\n", CRLF)


def _mail(headers: list[str], body: bytes) -> bytes:
    """Headers as clients send them: non-ASCII text in RFC 2047 encoded words."""
    return CRLF.join(_header(h).encode("ascii") for h in headers) + CRLF + CRLF + body


def _header(line: str) -> str:
    if line.isascii():
        return line
    name, _, value = line.partition(": ")
    if name.lower() in {"from", "to", "cc"}:
        value = ", ".join(formataddr((n, a), charset="utf-8") for n, a in getaddresses([value]))
    else:
        value = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
    return f"{name}: {value}"


def _text(text: str, *, subtype: str = "plain", charset: str = "utf-8") -> bytes:
    return (f"Content-Type: text/{subtype}; charset=\"{charset}\"".encode() + CRLF
            + b"Content-Transfer-Encoding: quoted-printable" + CRLF + CRLF + _qp(text, charset))


def _file(name: str, content_type: str, data: bytes) -> bytes:
    return (f'Content-Type: {content_type}; name="{name}"'.encode() + CRLF
            + f'Content-Disposition: attachment; filename="{name}"'.encode() + CRLF
            + b"Content-Transfer-Encoding: base64" + CRLF + CRLF + _b64(data))


def _multipart(kind: str, boundary: str, parts: list[bytes]) -> bytes:
    head = f'Content-Type: multipart/{kind};\r\n\tboundary="{boundary}"'.encode() + CRLF + CRLF
    body = b"".join(b"--" + boundary.encode() + CRLF + part + CRLF for part in parts)
    return head + body + b"--" + boundary.encode() + b"--" + CRLF


def _split(part: bytes) -> tuple[list[str], bytes]:
    """A multipart built by :func:`_multipart`: its Content-Type header and its body."""
    head, _, body = part.partition(CRLF + CRLF)
    return [head.decode()], body


def _outlook_headers(message_id: str, date_header: str, subject: str, to: str) -> list[str]:
    return [
        f"From: {COLLEAGUE}", f"To: {to}", f"Subject: {subject}",
        f"Thread-Topic: {subject.split(':', 1)[-1].strip()}",
        "Thread-Index: AdrBvX1kq9mZ3Y0sQ8y3kQ2e0f9gHw==", f"Date: {date_header}",
        f"Message-ID: {message_id}", "Accept-Language: fr-FR, en-US",
        "Content-Language: fr-FR", "X-MS-Has-Attach: yes", "X-MS-TNEF-Correlator:",
        "MIME-Version: 1.0",
    ]


def _outlook_html_block(pairs: list[tuple[str, str]]) -> str:
    lines = "<br>\n".join(f"<b>{k}{NBSP}:</b> {v.replace('<', '&lt;').replace('>', '&gt;')}"
                          for k, v in pairs)
    return ("<div style=\"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm "
            f"0cm\"><p class=\"MsoNormal\">{lines}</p></div>")


def _html_paragraphs(text: str) -> str:
    return "".join(f"<p class=\"MsoNormal\">{p.replace(chr(10), '<br>')}</p>"
                   for p in text.split("\n\n"))


# --- spreadsheets -----------------------------------------------------------------------------

def _xlsx(rows: list[list[Any]], *, title: str = "Feuil1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.properties.created = workbook.properties.modified = datetime(2026, 11, 1)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def attendance_sheet() -> bytes:
    days = [date(2026, 11, d) for d in (23, 24, 25, 26, 27)]
    return _xlsx([["Feuille d'émargement — session CAC-2611"], [],
                  ["Date", "Nom", "Prénom", "Formation", "Matin", "Après-midi"],
                  *[[d, "Dupont", "Marie", "Conduite de chariots élévateurs", "signé", "signé"]
                    for d in days]], title="Émargement")


def invoice() -> bytes:
    return _xlsx([["Facture n° F2026-118"], ["Organisme Exemple", None, None, "Nice"], [],
                  ["Désignation", "Quantité", "Prix unitaire HT", "Montant HT"],
                  ["Formation CACES R489 — 5 jours", 1, 1250.0, 1250.0],
                  ["Livret stagiaire", 1, 35.0, 35.0]], title="Facture")


def partner_complaints() -> bytes:
    return _xlsx([
        ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email", "Nature",
         "Objet", "Description"],
        [date(2026, 11, 3), "Téléphone", "Apprenant", "Karim Benali", "k.benali@free.fr",
         "Réclamation", "Salle trop froide", "Chauffage en panne deux jours"],
        [date(2026, 11, 12), "Email", "Apprenant", "Lina Moreau", "lina.moreau@orange.fr",
         "Réclamation", "Attestation non reçue", "Attestation de fin de formation attendue"],
        [date(2026, 11, 19), "Courrier", "Entreprise", "SARL Bâtir", None, "Difficulté",
         "Facture erronée", "Montant différent du devis"],
    ], title="Réclamations")


def absences_list() -> bytes:
    """A list whose headers fit the cancellations register, sent by a complaining customer."""
    return _xlsx([
        ["Date", "Nom", "Formation", "Début de la session", "Type", "À l'initiative de"],
        [date(2026, 11, 9), "Dupont Léo", "Anglais professionnel", datetime(2026, 11, 9, 9, 0),
         "Annulation", "Organisme"],
        [date(2026, 11, 16), "Dupont Léo", "Anglais professionnel",
         datetime(2026, 11, 16, 9, 0), "Annulation", "Organisme"],
        [date(2026, 11, 23), "Dupont Léo", "Anglais professionnel",
         datetime(2026, 11, 23, 9, 0), "Report", "Organisme"],
    ], title="Séances annulées")


PDF: Final = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids"
              b"[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
              b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def tnef(files: list[tuple[str, bytes]]) -> bytes:
    """Outlook's winmail.dat: TNEF attributes (level, id, type, length, data, checksum)."""
    def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
        return (struct.pack("<BHHI", level, name, kind, len(data)) + data
                + struct.pack("<H", sum(data) & 0xFFFF))

    def mapi_long_filename(name: str) -> bytes:
        value = name.encode("utf-16-le") + b"\x00\x00"
        padded = value + b"\x00" * (-len(value) % 4)
        return struct.pack("<IHHII", 1, 0x001F, 0x3707, 1, len(value)) + padded

    out = struct.pack("<IH", 0x223E9F78, 0x0102)
    out += attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attribute(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += attribute(1, 0x8008, 0x0007, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    out += attribute(1, 0x800C, 0x0002, "Bonjour, voici les pièces.".encode("cp1252"))
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, struct.pack("<HIIIH", 1, 0xFFFFFFFF, 0, 0, 0))
        out += attribute(2, 0x8010, 0x0001, name.encode("cp1252", "replace")[:8] + b"\x00")
        out += attribute(2, 0x800F, 0x0006, data)
        out += attribute(2, 0x9005, 0x0006, mapi_long_filename(name))
    return out


# --- the mails ---------------------------------------------------------------------------------

def outlook_fr() -> bytes:
    """Outlook desktop in French: TR:, the colleague's note, signature and disclaimer above the
    rule and « De : / Envoyé : / À : / Objet : » (non-breaking spaces), text and HTML, a PDF
    and the signed attendance sheet attached."""
    note = "Bonjour,\n\nRéclamation reçue à l'accueil ce matin, pour traitement.\n\n"
    header = [("De", "Marie Dupont <marie.dupont@gmail.com>"),
              ("Envoyé", "lundi 23 novembre 2026 09:14"), ("À", "accueil@of-exemple.fr"),
              ("Objet", "Réclamation session CAC-2611")]
    text = (note + SIGNATURE + "\n\n________________________________\n"
            + "\n".join(f"{k}{NBSP}: {v}" for k, v in header) + "\n\n" + COMPLAINT + "\n")
    html = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            "<style>p.MsoNormal{margin:0cm;font-family:Calibri}</style></head><body lang=FR>"
            f"<div class=WordSection1>{_html_paragraphs(note + SIGNATURE)}"
            f"<p class=MsoNormal>&nbsp;</p>{_outlook_html_block(header)}"
            f"<p class=MsoNormal>&nbsp;</p>{_html_paragraphs(COMPLAINT)}</div></body></html>")
    alternative = _multipart("alternative", "_000_PR1P264MB0001_", [
        _text(text), _text(html, subtype="html")])
    headers, body = _split(alternative)
    mixed = _multipart("mixed", "_004_PR1P264MB0001_", [
        headers[0].encode() + CRLF + CRLF + body,
        _file("Réclamation Dupont.pdf", "application/pdf", PDF),
        _file("Emargement CAC-2611.xlsx", XLSX, attendance_sheet())])
    headers, body = _split(mixed)
    return _mail(_outlook_headers("<PR1P264MB0001A@PR1P264MB0001.FRAP264.PROD.OUTLOOK.COM>",
                                  "Tue, 24 Nov 2026 10:02:11 +0000",
                                  "TR: Réclamation session CAC-2611", "reclamations@of-exemple.fr")
                 + headers, body)


def outlook_fr_original_message() -> bytes:
    """Older Outlook in French: « -----Message d'origine----- », « [mailto:…] », TR : RE:, a
    chain (the customer replying to us), Windows-1252, and the disclaimer an Exchange transport
    rule appends at the very bottom."""
    text = ("Pour suite à donner.\nJulie\n\n-----Message d'origine-----\n"
            "De : Pierre Lambert [mailto:p.lambert@batir-sarl.fr]\n"
            "Envoyé : mardi 1 décembre 2026 17:48\nÀ : Accueil\n"
            "Cc : 'Direction Bâtir' <direction@batir-sarl.fr>\n"
            "Objet : RE: Convocation formation « Prévention des risques » session PRAP-2612\n\n"
            "Bonjour,\n\nC'est la deuxième fois que la session PRAP-2612 est déplacée sans "
            "préavis : nos trois salariés s'étaient organisés pour rien. C'est inacceptable.\n"
            "Nous attendons un geste commercial.\n\nPierre Lambert\nGérant, Bâtir SARL\n\n"
            "-----Message d'origine-----\nDe : Accueil\nEnvoyé : vendredi 27 novembre 2026 "
            "11:02\nÀ : Pierre Lambert\nObjet : Convocation formation « Prévention des risques "
            "» session PRAP-2612\n\nBonjour Monsieur Lambert,\nVeuillez trouver la convocation."
            "\n\n\nAVERTISSEMENT : ce courriel et ses pièces jointes sont confidentiels et "
            "destinés exclusivement à leurs destinataires. Toute diffusion non autorisée est "
            "interdite. Si vous avez reçu ce message par erreur, merci de le supprimer.\n")
    return _mail([
        f"From: {COLLEAGUE}", "To: reclamations@of-exemple.fr",
        "Subject: =?windows-1252?Q?TR_:_RE:_Convocation_formation_=AB_Pr=E9vention_des_risq?="
        "\r\n =?windows-1252?Q?ues_=BB_session_PRAP-2612?=",
        "Date: Wed, 2 Dec 2026 08:31:40 +0100",
        "Message-ID: <000301d9aa12$4f5e6d70$ee2b4850$@of-exemple.fr>",
        "X-Mailer: Microsoft Outlook 14.0", "Thread-Index: AdmqEk9eHq9mZ3Y0sQ8y3kQ2e0f9gA==",
        "Content-Language: fr", "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=\"windows-1252\"",
        "Content-Transfer-Encoding: quoted-printable"], _qp(text, "cp1252"))


def outlook_en() -> bytes:
    """Outlook in English: FW:, « From: / Sent: / To: / Subject: », a 12-hour time."""
    text = ("Hi team, please log this one.\n\nJulie\n\n________________________________\n"
            "From: John Smith <john.smith@client-company.com>\n"
            "Sent: Monday, November 23, 2026 4:45 PM\n"
            "To: Accueil <accueil@of-exemple.fr>\n"
            "Subject: Complaint - session SST-2611\n\n"
            "Hello,\n\nI attended the formation « Sauveteur secouriste du travail » (session "
            "SST-2611) and I am not satisfied: the practical part was cancelled.\n\n"
            "Best regards,\nJohn Smith\n")
    return _mail([
        f"From: {COLLEAGUE}", "To: reclamations@of-exemple.fr",
        "Subject: FW: Complaint - session SST-2611", "Date: Tue, 24 Nov 2026 08:05:00 +0100",
        "Message-ID: <AM0PR01MB1234EN@AM0PR01MB1234.eurprd01.prod.outlook.com>",
        "Content-Language: en-US", "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=\"utf-8\"",
        "Content-Transfer-Encoding: quoted-printable"], _qp(text, "utf-8"))


def gmail_fr() -> bytes:
    """French Gmail: the separator stays English, labels are mixed (« De : », « Date: »)."""
    original = ("Bonjour,\n\nJe suis très mécontente de la formation « Excel avancé » : les "
                "ordinateurs ne fonctionnaient pas.\n\nSophie Bernard")
    text = ("Pour le registre.\n\n---------- Forwarded message ---------\n"
            "De : Sophie Bernard <sophie.bernard@orange.fr>\n"
            "Date: lun. 23 nov. 2026 à 18:20\nSubject: Plainte formation Excel\n"
            "To: <formation@of-exemple.fr>\n\n\n" + original + "\n")
    html = ("<div dir=\"ltr\">Pour le registre.<br><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
            "class=\"gmail_attr\">---------- Forwarded message ---------<br>De&nbsp;: <strong "
            "class=\"gmail_sendername\" dir=\"auto\">Sophie Bernard</strong> <span dir=\"auto\">"
            "&lt;<a href=\"mailto:sophie.bernard@orange.fr\">sophie.bernard@orange.fr</a>&gt;"
            "</span><br>Date: lun. 23 nov. 2026 à 18:20<br>Subject: Plainte formation Excel<br>"
            "To: &lt;<a href=\"mailto:formation@of-exemple.fr\">formation@of-exemple.fr</a>&gt;"
            "<br></div><br><br>" + original.replace("\n", "<br>") + "</div></div>")
    headers, body = _split(_multipart("alternative", "000000000000abc1", [
        _text(text), _text(html, subtype="html")]))
    return _mail([
        "MIME-Version: 1.0", "Date: Tue, 24 Nov 2026 09:00:03 +0100",
        "Message-ID: <CAGmailFr0001+abc@mail.gmail.com>",
        "Subject: Fwd: Plainte formation Excel", "From: Paul Formation <formation@of-exemple.fr>",
        "To: reclamations@of-exemple.fr", *headers], body)


def gmail_html_only() -> bytes:
    """Gmail « Message transféré » in HTML only: the forwarded part arrives quoted."""
    html = ("<div dir=\"ltr\"><div class=\"gmail_quote\"><div class=\"gmail_attr\">"
            "---------- Message transféré ---------<br>De&nbsp;: Nadia Haddad &lt;"
            "nadia.haddad@laposte.net&gt;<br>Date: mer. 25 nov. 2026 à 07:58<br>"
            "Subject: Annulation de dernière minute<br>To: &lt;contact@of-exemple.fr&gt;<br></div>"
            "<br>Bonjour,<br><br>La session ANG-2611 a été annulée la veille au soir, c'est "
            "inadmissible. Je demande le remboursement.<br><br>Nadia Haddad</div></div>")
    return _mail([
        "MIME-Version: 1.0", "Date: Wed, 25 Nov 2026 10:12:00 +0100",
        "Message-ID: <CAGmailFr0002@mail.gmail.com>",
        "Subject: Fwd: Annulation de dernière minute",
        "From: Accueil <accueil@of-exemple.fr>", "To: reclamations@of-exemple.fr",
        "Content-Type: text/html; charset=\"UTF-8\"",
        "Content-Transfer-Encoding: quoted-printable"],
        _qp(html))


def gmail_en() -> bytes:
    text = ("FYI\n\n---------- Forwarded message ---------\n"
            "From: Anna Weber <anna.weber@gmx.de>\nDate: Mon, Nov 23, 2026 at 9:14 AM\n"
            "Subject: Reclamation: certificate missing\nTo: <contact@of-exemple.fr>\n\n\n"
            "Hello,\nI still have not received the certificate for the session DE-2610.\n"
            "Anna Weber\n")
    return _mail([
        "MIME-Version: 1.0", "Date: Mon, 23 Nov 2026 11:30:00 +0100",
        "Message-ID: <CAGmailEn0003@mail.gmail.com>",
        "Subject: Fwd: Reclamation: certificate missing",
        "From: Accueil <accueil@of-exemple.fr>", "To: reclamations@of-exemple.fr",
        "Content-Type: text/plain; charset=\"UTF-8\"",
        "Content-Transfer-Encoding: quoted-printable"],
        _qp(text))


def thunderbird_fr() -> bytes:
    """Thunderbird in French: « -------- Message transféré -------- », tab-aligned labels,
    the original's Date header printed as it was."""
    text = ("\n\n\n-------- Message transféré --------\nSujet : \tRéclamation — formation "
            "« Gestion de paie »\nDate : \tMon, 23 Nov 2026 20:41:07 +0100\n"
            "De : \tLuc Petit <luc.petit@free.fr>\nPour : \tcontact@of-exemple.fr\n\n\n\n"
            "Bonsoir,\n\nJe conteste la facture reçue pour la formation « Gestion de paie » : "
            "deux jours sur trois ont été annulés.\n\nLuc Petit\n\n")
    return _mail([
        "Message-ID: <7c1e0b2a-9a41-4a1e-8f4e-0d1c2b3a4f5e@of-exemple.fr>",
        "Date: Tue, 24 Nov 2026 08:47:12 +0100", "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird", "Content-Language: fr",
        "Subject: Fwd: Réclamation — formation « Gestion de paie »",
        "To: reclamations@of-exemple.fr", "From: Secrétariat <secretariat@of-exemple.fr>",
        "Content-Type: text/plain; charset=UTF-8; format=flowed",
        "Content-Transfer-Encoding: quoted-printable"], _qp(text))


def apple_mail_fr() -> bytes:
    """Apple Mail in French: « Début du message réexpédié : », the original quoted with « > »,
    a date with seconds and « UTC+1 »."""
    text = ("Envoyé de mon iPhone\n\nDébut du message réexpédié :\n\n"
            "> De: Emma Roux <emma.roux@icloud.com>\n> Objet: Réclamation accessibilité\n"
            "> Date: 22 novembre 2026 à 21:03:44 UTC+1\n> À: contact@of-exemple.fr\n>\n"
            "> Bonjour,\n>\n> La salle de la formation « Management d'équipe » n'était pas "
            "accessible en fauteuil, malgré ma demande.\n>\n> Emma Roux\n")
    return _mail([
        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable",
        "Mime-Version: 1.0 (1.0)", "Subject: Fwd: Réclamation accessibilité",
        "From: Directrice <direction@of-exemple.fr>", "Date: Mon, 23 Nov 2026 07:12:30 +0100",
        "Message-Id: <5B2C1D0E-AA11-4F3B-9C7D-1E2F3A4B5C6D@of-exemple.fr>",
        "To: reclamations@of-exemple.fr", "X-Mailer: iPhone Mail (21A350)"], _qp(text))


def attached_forward() -> bytes:
    """Outlook's « Transférer en tant que pièce jointe »: the customer's mail attached whole."""
    original = _mail([
        "From: =?utf-8?Q?Ren=C3=A9e_Garnier?= <renee.garnier@wanadoo.fr>",
        "To: contact@of-exemple.fr", "Subject: Plainte : accueil de la session COMPTA-2611",
        "Date: Sun, 22 Nov 2026 14:05:00 +0100",
        "Message-ID: <original-garnier-0001@wanadoo.fr>", "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"],
        _qp("Bonjour,\n\nPersonne ne nous attendait le premier jour de la session "
            "COMPTA-2611, nous avons perdu la matinée.\n\nRenée Garnier\n"))
    mixed = _multipart("mixed", "_attached_forward_", [
        _text("Voir le message joint.\nJulie\n"),
        b"Content-Type: message/rfc822" + CRLF
        + b'Content-Disposition: attachment; filename="Plainte accueil.eml"' + CRLF + CRLF
        + original])
    headers, body = _split(mixed)
    return _mail(_outlook_headers("<PR1P264MB0002B@PR1P264MB0002.FRAP264.PROD.OUTLOOK.COM>",
                                  "Mon, 23 Nov 2026 08:00:00 +0100",
                                  "TR: Plainte : accueil de la session COMPTA-2611",
                                  "reclamations@of-exemple.fr") + headers, body)


def customer_reply() -> bytes:
    """The customer answers our acknowledgment (RE:): she is the declarant, our text is quoted."""
    text = ("Bonjour,\n\nToujours aucune nouvelle du remboursement promis. Je maintiens ma "
            "réclamation.\n\nMarie Dupont\n\n"
            "Le mer. 25 nov. 2026 à 10:00, Service qualité <qualite@of-exemple.fr> a écrit :\n"
            "> Madame,\n> Nous avons bien reçu votre réclamation REC-2026-0041.\n")
    return _mail([
        "MIME-Version: 1.0", "Date: Mon, 30 Nov 2026 19:02:00 +0100",
        "Message-ID: <CAGmailReply0004@mail.gmail.com>",
        "In-Reply-To: <ack-REC-2026-0041@of-exemple.fr>",
        "References: <ack-REC-2026-0041@of-exemple.fr>",
        "Subject: Re: Accusé de réception — REC-2026-0041",
        "From: Marie Dupont <marie.dupont@gmail.com>",
        "To: Service qualité <qualite@of-exemple.fr>",
        "Content-Type: text/plain; charset=\"UTF-8\"",
        "Content-Transfer-Encoding: quoted-printable"],
        _qp(text))


def colleague_reply_chain() -> bytes:
    """A trainer (an office address) replies to a learner, copying the complaints mailbox:
    RE:, no forward, the learner's message in the quoted Outlook block."""
    text = ("Bonjour Madame,\n\nJe transmets au service qualité.\n\nThomas Leroy\nFormateur\n\n"
            "De : Inès Fabre <ines.fabre@sfr.fr>\nEnvoyé : jeudi 26 novembre 2026 13:37\n"
            "À : Thomas Leroy <t.leroy@of-exemple.fr>\nObjet : Support de cours\n\n"
            "Bonjour,\nLe support de la formation « Bureautique » est illisible, il manque la "
            "moitié des pages. Je ne suis pas satisfaite.\nInès Fabre\n")
    return _mail([
        "From: Thomas Leroy <t.leroy@of-exemple.fr>",
        "To: =?utf-8?Q?In=C3=A8s_Fabre?= <ines.fabre@sfr.fr>",
        "Cc: reclamations@of-exemple.fr", "Subject: RE: Support de cours",
        "Date: Thu, 26 Nov 2026 15:10:00 +0100",
        "Message-ID: <DB9PR01MB5678C@DB9PR01MB5678.eurprd01.prod.outlook.com>",
        "MIME-Version: 1.0", "Content-Type: text/plain; charset=\"utf-8\"",
        "Content-Transfer-Encoding: quoted-printable"], _qp(text))


def colleague_phone_note() -> bytes:
    """A colleague's own mail about a phone call: it names nobody the register can take."""
    text = ("Bonjour,\n\nUne stagiaire a appelé ce matin, mécontente de l'accueil de la session "
            "CAC-2611. Elle rappellera.\n\nJulie\n")
    return _mail([
        f"From: {COLLEAGUE}", "To: reclamations@of-exemple.fr",
        "Subject: Appel d'une stagiaire mécontente", "Date: Wed, 25 Nov 2026 09:30:00 +0100",
        "Message-ID: <PR1P264MB0003C@PR1P264MB0003.FRAP264.PROD.OUTLOOK.COM>",
        "MIME-Version: 1.0", "Content-Type: text/plain; charset=\"utf-8\"",
        "Content-Transfer-Encoding: quoted-printable"], _qp(text))


def partner_list() -> bytes:
    """An OPCO sends the complaints it collected: the list is for the register."""
    mixed = _multipart("mixed", "_partner_list_", [
        _text("Bonjour,\n\nVeuillez trouver ci-joint les réclamations remontées par nos "
              "adhérents en novembre.\n\nCordialement,\nOPCO Exemple\n"),
        _file("Réclamations novembre.xlsx", XLSX, partner_complaints())])
    headers, body = _split(mixed)
    return _mail(["From: Suivi qualité <qualite@opco-exemple.fr>",
                  "To: reclamations@of-exemple.fr",
                  "Subject: Réclamations de vos stagiaires — novembre 2026",
                  "Date: Mon, 30 Nov 2026 16:00:00 +0100",
                  "Message-ID: <partner-list-0001@opco-exemple.fr>", "MIME-Version: 1.0",
                  *headers], body)


def complaint_with_list() -> bytes:
    """A complaint whose attached list fits the cancellations register: evidence, not rows."""
    mixed = _multipart("mixed", "_complaint_list_", [
        _text("Bonjour,\n\nTrois séances d'anglais de mon fils ont été annulées par vos "
              "soins, voir le tableau joint. C'est inacceptable, je demande un avoir.\n\n"
              "Claire Dupont\n"),
        _file("séances annulées.xlsx", XLSX, absences_list()),
        _file("facture F2026-118.xlsx", XLSX, invoice()),
        _file("winmail.dat", "application/ms-tnef",
              tnef([("Relevé des séances.pdf", PDF)]))])
    headers, body = _split(mixed)
    return _mail(["From: Claire Dupont <claire.dupont@gmail.com>",
                  "To: reclamations@of-exemple.fr",
                  "Subject: Réclamation : séances annulées",
                  "Date: Fri, 27 Nov 2026 12:00:00 +0100",
                  "Message-ID: <complaint-list-0001@gmail.com>", "MIME-Version: 1.0",
                  *headers], body)


SAMPLES: Final = {
    "mail-fwd-outlook-fr.eml": (outlook_fr, {
        "name": "Marie Dupont", "email": "marie.dupont@gmail.com",
        "sent": "2026-11-23T09:14:00", "subject": "Réclamation session CAC-2611",
        "session": "CAC-2611", "training": "Conduite de chariots élévateurs",
        "description": "Bonjour,\n\nJe souhaite porter réclamation concernant la session",
        "description_end": "06 11 22 33 44", "forwarded_by": "accueil@of-exemple.fr"}),
    "mail-fwd-outlook-fr-message-d-origine.eml": (outlook_fr_original_message, {
        "name": "Pierre Lambert", "email": "p.lambert@batir-sarl.fr",
        "sent": "2026-12-01T17:48:00",
        "subject": "Convocation formation « Prévention des risques » session PRAP-2612",
        "session": "PRAP-2612", "training": "Prévention des risques",
        "description": "Bonjour,\n\nC'est la deuxième fois que la session PRAP-2612",
        "description_end": "Veuillez trouver la convocation.",
        "forwarded_by": "accueil@of-exemple.fr"}),
    "mail-fwd-outlook-en.eml": (outlook_en, {
        "name": "John Smith", "email": "john.smith@client-company.com",
        "sent": "2026-11-23T16:45:00", "subject": "Complaint - session SST-2611",
        "session": "SST-2611", "training": "Sauveteur secouriste du travail",
        "description": "Hello,\n\nI attended the formation", "description_end": "John Smith",
        "forwarded_by": "accueil@of-exemple.fr"}),
    "mail-fwd-gmail-fr.eml": (gmail_fr, {
        "name": "Sophie Bernard", "email": "sophie.bernard@orange.fr",
        "sent": "2026-11-23T18:20:00", "subject": "Plainte formation Excel", "session": "",
        "training": "Excel avancé", "description": "Bonjour,\n\nJe suis très mécontente",
        "description_end": "Sophie Bernard", "forwarded_by": "formation@of-exemple.fr"}),
    "mail-fwd-gmail-html-only.eml": (gmail_html_only, {
        "name": "Nadia Haddad", "email": "nadia.haddad@laposte.net",
        "sent": "2026-11-25T07:58:00", "subject": "Annulation de dernière minute",
        "session": "ANG-2611", "training": "", "description": "Bonjour,\n\nLa session ANG-2611",
        "description_end": "Nadia Haddad", "forwarded_by": "accueil@of-exemple.fr"}),
    "mail-fwd-gmail-en.eml": (gmail_en, {
        "name": "Anna Weber", "email": "anna.weber@gmx.de", "sent": "2026-11-23T09:14:00",
        "subject": "Reclamation: certificate missing", "session": "DE-2610", "training": "",
        "description": "Hello,\nI still have not received", "description_end": "Anna Weber",
        "forwarded_by": "accueil@of-exemple.fr"}),
    "mail-fwd-thunderbird-fr.eml": (thunderbird_fr, {
        "name": "Luc Petit", "email": "luc.petit@free.fr", "sent": "2026-11-23T20:41:07",
        "subject": "Réclamation — formation « Gestion de paie »", "session": "",
        "training": "Gestion de paie", "description": "Bonsoir,\n\nJe conteste la facture",
        "description_end": "Luc Petit", "forwarded_by": "secretariat@of-exemple.fr"}),
    "mail-fwd-apple-mail-fr.eml": (apple_mail_fr, {
        "name": "Emma Roux", "email": "emma.roux@icloud.com", "sent": "2026-11-22T21:03:44",
        "subject": "Réclamation accessibilité", "session": "",
        "training": "Management d'équipe", "description": "Bonjour,\n\nLa salle de la formation",
        "description_end": "Emma Roux", "forwarded_by": "direction@of-exemple.fr"}),
    "mail-fwd-as-attachment.eml": (attached_forward, {
        "name": "Renée Garnier", "email": "renee.garnier@wanadoo.fr",
        "sent": "2026-11-22T14:05:00", "subject": "Plainte : accueil de la session COMPTA-2611",
        "session": "COMPTA-2611", "training": "",
        "description": "Bonjour,\n\nPersonne ne nous attendait",
        "description_end": "Renée Garnier", "forwarded_by": "accueil@of-exemple.fr",
        "message_id": "<original-garnier-0001@wanadoo.fr>"}),
    "mail-reply-customer-chain.eml": (customer_reply, {
        "name": "Marie Dupont", "email": "marie.dupont@gmail.com", "sent": "2026-11-30T19:02:00",
        "subject": "Accusé de réception — REC-2026-0041", "session": "", "training": "",
        "description": "Bonjour,\n\nToujours aucune nouvelle", "description_end": "Marie Dupont",
        "forwarded_by": ""}),
    "mail-reply-colleague-quotes-learner.eml": (colleague_reply_chain, {
        "name": "Inès Fabre", "email": "ines.fabre@sfr.fr", "sent": "2026-11-26T13:37:00",
        "subject": "Support de cours", "session": "", "training": "Bureautique",
        "description": "Bonjour,\nLe support de la formation", "description_end": "Inès Fabre",
        "forwarded_by": "t.leroy@of-exemple.fr"}),
    "mail-reply-colleague-phone-note.eml": (colleague_phone_note, {
        "name": "", "email": "", "sent": "2026-11-25T09:30:00",
        "subject": "Appel d'une stagiaire mécontente", "session": "CAC-2611",
        "training": "Conduite de chariots élévateurs",
        "description": "Bonjour,\n\nUne stagiaire a appelé", "description_end": "Julie",
        "forwarded_by": "accueil@of-exemple.fr"}),
    "mail-partner-complaints-list.eml": (partner_list, {
        "name": "Suivi qualité", "email": "qualite@opco-exemple.fr",
        "sent": "2026-11-30T16:00:00", "subject": "Réclamations de vos stagiaires — novembre 2026",
        "session": "", "training": "", "description": "Bonjour,\n\nVeuillez trouver ci-joint",
        "description_end": "OPCO Exemple", "forwarded_by": ""}),
    "mail-complaint-with-list.eml": (complaint_with_list, {
        "name": "Claire Dupont", "email": "claire.dupont@gmail.com",
        "sent": "2026-11-27T12:00:00", "subject": "Réclamation : séances annulées",
        "session": "", "training": "", "description": "Bonjour,\n\nTrois séances d'anglais",
        "description_end": "Claire Dupont", "forwarded_by": ""}),
}


def main() -> None:
    expected = {}
    for name, (build, expectation) in SAMPLES.items():
        (HERE / name).write_bytes(build())
        expected[name] = expectation
    (HERE / "mail-fwd-expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()
