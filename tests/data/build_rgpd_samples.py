"""Regenerate the samples of the RGPD tests: one person's traces across registers and mail.

Run from the repository root: ``.venv/bin/python tests/data/build_rgpd_samples.py``.

* ``drop-rgpd-reclamations.csv`` — a semicolon CSV as French Excel saves it (UTF-8 with a
  BOM, CRLF): Zoé Dupré's complaint with her postal address and phone in columns the
  register has no place for, a complaint of Jeanne Martin that mentions « Mme Dupré », and
  an old complaint (2019) of Paul Girard, past any retention period;
* ``drop-rgpd-satisfaction.csv`` — a Google Forms export (comma, UTF-8) with Zoé's answer
  under her address only, and Jeanne's;
* ``mail-rgpd-plainte-dupre.eml`` — Zoé's complaint as Thunderbird sends it
  (quoted-printable UTF-8 body, an encoded-word From, a PDF attached);
* ``mail-rgpd-merci.eml`` — a thank-you note from her that no rule classifies (it stays
  for a person, in ``inbox/unclassified/``), 8bit UTF-8 as Outlook on the web sends it.
"""

from __future__ import annotations

import base64
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRLF = "\r\n"

COMPLAINTS = [
    ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Email", "Nature",
     "Objet", "Description", "Adresse", "Téléphone"],
    ["02/03/2026", "Email", "Apprenant", "Zoé Dupré", "zoe.dupre@exemple.fr", "Réclamation",
     "Salle trop froide", "Mme Dupré signale 15 °C dans la salle B", "12 rue des Lilas 75011 Paris",
     "06 12 34 56 78"],
    ["03/03/2026", "Téléphone", "Apprenant", "Jeanne Martin", "jeanne.martin@exemple.fr",
     "Réclamation", "Retard du formateur", "Comme Zoé Dupré, elle a attendu 40 minutes", "", ""],
    ["14/05/2019", "Courrier", "Apprenant", "Paul Girard", "paul.girard@exemple.fr",
     "Réclamation", "Support illisible", "Photocopies trop pâles", "3 place Bellecour 69002 Lyon",
     ""],
]

SURVEY = [
    ["Horodateur", "Type d'enquête", "Adresse e-mail", "Formation", "Note globale",
     "Recommandation", "Commentaires"],
    ["2026/03/20 10:02:11", "À chaud", "zoe.dupre@exemple.fr", "Bureautique", "2", "4",
     "Salle froide, formatrice très bien"],
    ["2026/03/20 10:05:40", "À chaud", "jeanne.martin@exemple.fr", "Bureautique", "4", "8", ""],
]


def _csv(rows: list[list[str]], *, delimiter: str) -> str:
    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text
    return "".join(delimiter.join(cell(c) for c in row) + CRLF for row in rows)


def _qp_utf8(text: str) -> str:
    import quopri

    return quopri.encodestring(text.encode("utf-8")).decode("ascii").replace("\n", CRLF)


def mail() -> bytes:
    body = ("Bonjour,\n\nJe vous écris au sujet de la formation « Bureautique » (session "
            "S26-031) : la salle B était à 15 °C toute la matinée du 2 mars.\n"
            "Vous trouverez ci-joint la photo du thermomètre.\n\nCordialement,\n"
            "Zoé Dupré\n12 rue des Lilas, 75011 Paris\n")
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]"
           b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    attachment = base64.encodebytes(pdf).decode("ascii").replace("\n", CRLF)
    lines = [
        "Message-ID: <6f1c2a90-rgpd-0001@exemple.fr>",
        "Date: Wed, 4 Mar 2026 18:42:07 +0100",
        "MIME-Version: 1.0",
        "User-Agent: Mozilla Thunderbird",
        "Content-Language: fr",
        "To: qualite@organisme-exemple.fr",
        "From: =?UTF-8?Q?Zo=C3=A9_Dupr=C3=A9?= <zoe.dupre@exemple.fr>",
        "Subject: =?UTF-8?Q?R=C3=A9clamation_:_salle_trop_froide?=",
        'Content-Type: multipart/mixed; boundary="------------rgpd0001"',
        "",
        "This is a multi-part message in MIME format.",
        "--------------rgpd0001",
        "Content-Type: text/plain; charset=UTF-8; format=flowed",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _qp_utf8(body),
        "--------------rgpd0001",
        'Content-Type: application/pdf; name="thermometre.pdf"',
        'Content-Disposition: attachment; filename="thermometre.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        attachment,
        "--------------rgpd0001--",
        "",
    ]
    return CRLF.join(lines).encode("ascii")


def thanks() -> bytes:
    lines = [
        "Message-ID: <AM0PR10MB-rgpd-0002@exemple.fr>",
        "Date: Fri, 20 Mar 2026 11:05:00 +0100",
        "From: =?utf-8?B?Wm/DqSBEdXByw6k=?= <zoe.dupre@exemple.fr>",
        "To: qualite@organisme-exemple.fr",
        "Subject: Merci",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        "",
        "Bonjour,",
        "",
        "Merci pour la semaine, le chauffage a été réparé.",
        "",
        "Zoé",
        "",
    ]
    return CRLF.join(lines).encode("utf-8")


def main() -> None:
    (HERE / "drop-rgpd-reclamations.csv").write_bytes(
        b"\xef\xbb\xbf" + _csv(COMPLAINTS, delimiter=";").encode("utf-8"))
    (HERE / "drop-rgpd-satisfaction.csv").write_bytes(
        _csv(SURVEY, delimiter=",").encode("utf-8"))
    (HERE / "mail-rgpd-plainte-dupre.eml").write_bytes(mail())
    (HERE / "mail-rgpd-merci.eml").write_bytes(thanks())


if __name__ == "__main__":
    main()
