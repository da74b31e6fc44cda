"""Regenerate the ``mail-*`` sample mails the mail tests read.

Run from the repository root: ``.venv/bin/python tests/data/build_mail_samples.py``.
The mails are written byte by byte (charsets, encodings and MIME structure exactly as real
mail clients produce them, including their mistakes); the .xlsx attachment is built with
openpyxl. Large attachments are not committed: the tests generate them.
"""

from __future__ import annotations

import base64
import io
import quopri
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
CRLF = b"\r\n"


def _mail(headers: list[str], body: bytes, *, header_bytes: bytes = b"") -> bytes:
    head = CRLF.join(h.encode("ascii") for h in headers)
    return head + CRLF + header_bytes + CRLF + body


def _qp(text: str, charset: str) -> bytes:
    return quopri.encodestring(text.encode(charset)).replace(b"\n", CRLF)


def _b64(data: bytes) -> bytes:
    encoded = base64.encodebytes(data)
    return encoded.replace(b"\n", CRLF)


def iso8859_euro() -> bytes:
    """Labelled ISO-8859-1 but written in Windows-1252: a euro sign (0x80) and ’ (0x92)."""
    body = ("Bonjour,\n\nJe souhaite déposer une réclamation : la facture de 1 250 € reçue "
            "pour la formation « Excel avancé » (session S26-014) ne correspond pas au devis "
            "de 980 €.\nJ’attends votre réponse.\n\nCordialement,\nHélène Lefèvre\n")
    return _mail([
        "Message-ID: <iso8859-euro-0001@exemple-apprenant.fr>",
        "Date: Mon, 02 Mar 2026 09:14:00 +0100",
        "From: =?ISO-8859-1?Q?H=E9l=E8ne_Lef=E8vre?= <helene.lefevre@exemple-apprenant.fr>",
        "To: contact@organisme-exemple.fr",
        "Subject: =?ISO-8859-1?Q?R=E9clamation_:_facture_de_1_250_=80?=",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=ISO-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
    ], _qp(body, "cp1252"))


def cp1252_cancellation() -> bytes:
    """Windows-1252, 8bit body, typographic quotes, raw 8-bit From and Subject headers."""
    body = ("Madame, Monsieur,\n\nSuite à un empêchement, je dois annuler ma participation à "
            "la formation « Gestion de projet » prévue le 12 mars — session S26-021.\n"
            "Merci de m’indiquer s’il est possible de la reporter.\n\nBien à vous,\n"
            "François Dupré\n")
    return _mail([
        "Message-ID: <cp1252-annulation-0002@exemple-apprenant.fr>",
        "Date: Tue, 03 Mar 2026 18:40:12 +0100",
        "To: contact@organisme-exemple.fr",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=windows-1252",
        "Content-Transfer-Encoding: 8bit",
    ], body.replace("\n", "\r\n").encode("cp1252"),
        header_bytes=("From: \"Dupré, François\" <f.dupre@exemple-apprenant.fr>\r\n"
                      "Subject: Annulation de ma participation – « Gestion de projet »\r\n"
                      ).encode("cp1252"))


def html_only() -> bytes:
    """HTML only (no text part), UTF-8 in base64, with style, entities and a hidden block."""
    html = """<html><head><style>p { color: red; }</style><title>Mail</title></head>
<body><p>Bonjour,</p><p>Je suis tr&egrave;s <b>m&eacute;content</b> de l'accueil&nbsp;:
la salle &eacute;tait ferm&eacute;e &agrave; 9&nbsp;h.<br>Nous avons attendu 40 minutes.</p>
<div style="display:none">pixel de suivi</div>
<ul><li>Formation : Premiers secours</li><li>Date : 5 mars 2026</li></ul>
<p>Cordialement,<br>Karim Benali</p><script>alert(1)</script></body></html>"""
    return _mail([
        "Message-ID: <html-only-0003@exemple-entreprise.fr>",
        "Date: Thu, 05 Mar 2026 11:02:33 +0100",
        "From: Karim Benali <k.benali@exemple-entreprise.fr>",
        "To: qualite@organisme-exemple.fr",
        "Subject: =?UTF-8?B?QWNjdWVpbCBpbmFkbWlzc2libGU=?=",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
    ], _b64(html.encode("utf-8")))


def reply_chain() -> bytes:
    """A French reply: new text on top, a "Le … a écrit :" line, quoted lines, an Outlook
    header block and a signature."""
    body = """Bonjour,

Je confirme : j'arrête la formation à compter de lundi, pour raisons professionnelles.

--\u0020
Julie Moreau
06 12 34 56 78

Le lun. 9 mars 2026 à 10:15, Organisme Exemple <contact@organisme-exemple.fr> a
écrit :
> Bonjour Julie,
> Nous avons constaté votre absence depuis le 2 mars. Souhaitez-vous poursuivre ?

De : Organisme Exemple <contact@organisme-exemple.fr>
Envoyé : lundi 2 mars 2026 08:00
À : Julie Moreau <julie.moreau@exemple-apprenant.fr>
Objet : Convocation
"""
    return _mail([
        "Message-ID: <reply-chain-0004@exemple-apprenant.fr>",
        "In-Reply-To: <relance-0001@organisme-exemple.fr>",
        "References: <convocation-0001@organisme-exemple.fr> <relance-0001@organisme-exemple.fr>",
        "Date: Tue, 10 Mar 2026 07:55:00 +0100",
        "From: Julie Moreau <julie.moreau@exemple-apprenant.fr>",
        "To: contact@organisme-exemple.fr",
        "Subject: =?UTF-8?Q?Re=C2=A0:_Votre_absence_=E2=80=93_formation_Anglais?=",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: quoted-printable",
    ], _qp(body, "utf-8"))


def complaints_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Réclamations"
    sheet.append(["Date de réception", "Canal", "Partie prenante", "Nom du déclarant",
                  "Nature", "Objet"])
    sheet.append([date(2026, 3, 2), "Téléphone", "Apprenant", "Paul Girard", "Réclamation",
                  "Support de cours illisible"])
    sheet.append([date(2026, 3, 4), "Courrier", "Entreprise", "SARL Exemple", "Difficulté",
                  "Facture en double"])
    workbook.properties.created = workbook.properties.modified = datetime(2026, 3, 1)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _multipart(headers: list[str], boundary: str, parts: list[bytes]) -> bytes:
    body = b"".join(b"--" + boundary.encode() + CRLF + part + CRLF for part in parts)
    return _mail([*headers, "MIME-Version: 1.0",
                  f'Content-Type: multipart/mixed; boundary="{boundary}"'],
                 b"This is a multi-part message in MIME format." + CRLF + body
                 + b"--" + boundary.encode() + b"--" + CRLF)


def _text_part(text: str) -> bytes:
    return (b"Content-Type: text/plain; charset=UTF-8" + CRLF
            + b"Content-Transfer-Encoding: quoted-printable" + CRLF + CRLF + _qp(text, "utf-8"))


def _file_part(name_header: str, content_type: str, data: bytes) -> bytes:
    return (f"Content-Type: {content_type}".encode() + CRLF
            + name_header.encode() + CRLF
            + b"Content-Transfer-Encoding: base64" + CRLF + CRLF + _b64(data))


def xlsx_attachment() -> bytes:
    return _multipart([
        "Message-ID: <xlsx-attachment-0005@organisme-exemple.fr>",
        "Date: Fri, 06 Mar 2026 16:20:00 +0100",
        "From: Accueil Organisme <accueil@organisme-exemple.fr>",
        "To: qualite@organisme-exemple.fr",
        "Subject: =?UTF-8?Q?R=C3=A9clamations_re=C3=A7ues_par_t=C3=A9l=C3=A9phone?=",
    ], "=_xlsx_0005", [
        _text_part("Bonjour,\n\nCi-joint les réclamations reçues cette semaine.\n"),
        _file_part('Content-Disposition: attachment; filename="=?UTF-8?Q?r=C3=A9clamations-mars'
                   '.xlsx?="',
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   complaints_workbook()),
    ])


def winmail() -> bytes:
    tnef = b"\x78\x9f\x3e\x22" + bytes(range(64))  # the TNEF signature, then noise
    return _multipart([
        "Message-ID: <winmail-0006@exemple-entreprise.fr>",
        "Date: Mon, 09 Mar 2026 08:30:00 +0100",
        "From: Service RH <rh@exemple-entreprise.fr>",
        "To: contact@organisme-exemple.fr",
        "Subject: Absence de notre salarie",
    ], "=_winmail_0006", [
        _text_part("Bonjour,\n\nNotre salarié sera absent demain, voir pièce jointe.\n"),
        _file_part('Content-Disposition: attachment; filename="winmail.dat"',
                   "application/ms-tnef", tnef),
    ])


def path_traversal() -> bytes:
    return _multipart([
        "Message-ID: <traversal-0007@exemple.invalid>",
        "Date: Mon, 09 Mar 2026 09:00:00 +0100",
        "From: Quelqu'un <someone@exemple.invalid>",
        "To: contact@organisme-exemple.fr",
        "Subject: Liste des participants",
    ], "=_traversal_0007", [
        _text_part("Voici les fichiers.\n"),
        _file_part('Content-Disposition: attachment; filename="../../x.xlsx"',
                   "application/octet-stream", b"PK\x03\x04 not really a workbook"),
        _file_part("Content-Disposition: attachment; "
                   "filename*=UTF-8''..%5C..%5Cwindows%5Cevil.xlsx",
                   "application/octet-stream", b"PK\x03\x04 neither"),
        _file_part('Content-Disposition: attachment; filename="CON.xlsx"',
                   "application/octet-stream", b"PK\x03\x04 reserved name"),
    ])


def satisfaction() -> bytes:
    body = ("Bonjour,\n\nVoici mon retour au questionnaire de satisfaction : formation "
            "« Comptabilité » très claire, formatrice à l’écoute. Je recommande !\n\n"
            "Sophie Martin\n")
    return _mail([
        "Message-ID: <satisfaction-0008@exemple-apprenant.fr>",
        "Date: Wed, 11 Mar 2026 20:05:00 +0100",
        "From: Sophie Martin <sophie.martin@exemple-apprenant.fr>",
        "To: contact@organisme-exemple.fr",
        "Subject: =?UTF-8?Q?Mon_avis_sur_la_formation?=",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
    ], body.replace("\n", "\r\n").encode("utf-8"))


def auto_reply() -> bytes:
    return _mail([
        "Message-ID: <auto-reply-0009@exemple-entreprise.fr>",
        "Date: Wed, 11 Mar 2026 08:00:00 +0100",
        "From: Marc Petit <marc.petit@exemple-entreprise.fr>",
        "To: contact@organisme-exemple.fr",
        "Subject: =?UTF-8?Q?R=C3=A9ponse_automatique=C2=A0:_Absent_du_bureau?=",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
    ], b"Je suis absent jusqu'au 20 mars. En cas d'urgence, contactez l'accueil.\r\n")


SAMPLES = {
    "mail-iso8859-euro-reclamation.eml": iso8859_euro,
    "mail-cp1252-annulation.eml": cp1252_cancellation,
    "mail-html-only-reclamation.eml": html_only,
    "mail-reply-chain-abandon.eml": reply_chain,
    "mail-xlsx-attachment.eml": xlsx_attachment,
    "mail-winmail-dat.eml": winmail,
    "mail-path-traversal.eml": path_traversal,
    "mail-satisfaction.eml": satisfaction,
    "mail-auto-reply.eml": auto_reply,
}


def main() -> None:
    for name, build in SAMPLES.items():
        (HERE / name).write_bytes(build())


if __name__ == "__main__":
    main()
