"""Regenerate the ``drop-*`` sample files the intake tests read.

Run from the repository root: ``.venv/bin/python tests/data/build_intake_samples.py``.
The .xls and .ods samples are converted by LibreOffice (``soffice``) from workbooks built here;
when LibreOffice is missing the .ods is written as a minimal OpenDocument zip instead and the
committed .xls is kept. The outputs are committed, so the tests never need LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def messy_complaints(out: Path) -> None:
    """Title rows, a blank row, shuffled synonym headers, dates in several forms."""
    workbook = Workbook()
    lists = workbook.active
    lists.title = "Listes"
    for row, value in enumerate(["Canal", "Email", "Courrier", "Téléphone"], start=1):
        lists.cell(row=row, column=1, value=value)
    sheet = workbook.create_sheet("Plaintes")
    sheet["A1"] = "Suivi des réclamations — 1er trimestre 2026"
    sheet["A2"] = "Service qualité, mis à jour chaque lundi"
    headers = ["Objet", "Reçu le (jj/mm/aaaa)", "Nom", "E-mail", "Canal", "Partie prenante *",
               "Nature :", "Téléphone", "Description", "Gravité"]
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=4, column=column, value=header)
    rows: list[list[object]] = [
        # row 5: date cell, phone digits as a number (calamine reads a float)
        ["Salle trop froide", date(2026, 3, 2), "Jeanne Martin", "Jeanne.Martin@Exemple.FR",
         "Email", "Apprenant", "Réclamation", 612345678, "Chauffage en panne\nle matin", None],
        # row 6: French date text, aliases, a formula-looking text
        ["=1+1", "12/03/2026", "Paul Durand", "", "mail", "stagiaire", "reclamation",
         "06 98 76 54 32", "Le support affichait =1+1", "Majeure"],
        # row 7: blank data row
        [None] * 10,
        # row 8: "1er mars 2026", accents dropped
        ["Retard du formateur", "1er mars 2026", "Société Alpha", None, "telephone",
         "Entreprise", "Difficulte", None, None, None],
        # row 9: a date that does not exist and a missing name
        ["Facture erronée", "31/02/2026", None, "compta@alpha.fr", "Courrier", "Entreprise",
         "Réclamation", None, None, None],
        # row 10: a datetime cell in a date column, a two-digit year would also do
        ["Accès PMR", datetime(2026, 3, 5, 10, 15), "Luc Petit", None, "Oral", "Apprenant",
         "Aléa", None, None, "Critique"],
        # row 11: day-month-year with dots and a short year
        ["Support illisible", "15.03.26", "Léa Roux", "lea.roux@exemple.fr", "Formulaire",
         "Apprenant", "Difficulté", None, None, None],
    ]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=5 + offset, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text, as Excel does with a leading quote
                cell.quotePrefix = True
    workbook.save(out)


def web_export_with_formulas(out: Path) -> None:
    """As a web app or a script writes a workbook (openpyxl, xlsxwriter): a text typed as
    ``=Facture en double`` became a formula cell, with no cached result."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Export"
    sheet.append(["Reçu le", "Objet", "Nom", "E-mail", "Partie prenante", "Canal", "Nature",
                  "Description"])
    sheet.append(["14/03/2026", "=Facture en double", "Durand & Fils", "compta@durand.fr",
                  "Entreprise", "Formulaire", "Réclamation",
                  '=HYPERLINK("https://portail.exemple.fr/dossiers/42","dossier 42")'])
    sheet.append(["15/03/2026", "Salle trop petite", "Léa Petit", "lea.petit@exemple.fr",
                  "Apprenant", "Formulaire", "Difficulté", "=A2&\" (relance)\""])
    workbook.save(out)


def excel_csv_40_rows(out: Path) -> None:
    """What French Excel writes for « CSV (séparateur : point-virgule) »: Windows-1252, CRLF."""
    lines = ["Reçu le;Objet;Nom;E-mail;Partie prenante;Canal;Nature"]
    for number in range(1, 41):
        day = (number - 1) % 28 + 1
        lines.append(f"{day:02d}/03/2026;Réclamation n° {number} : café froid à l'accueil;"
                     f"Stagiaire Numéro {number} Hélène;stagiaire{number}@exemple.fr;"
                     "Apprenant;Email;Réclamation")
    out.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def write_csv(out: Path, text: str, *, encoding: str) -> None:
    out.write_bytes(text.replace("\n", "\r\n").encode(encoding))


CSV_SAMPLES: dict[str, tuple[str, str]] = {
    "drop-reclamations-minimal.csv": ("utf-8", (
        "Date de réception,Canal,Partie prenante,Nom du déclarant,Nature,Objet\n"
        "02/03/2026,Email,Apprenant,Jeanne Martin,Réclamation,Salle trop froide\n")),
    "drop-annulations-minimal.csv": ("utf-8", (
        "Date de la demande,Formation,Début de la session,À l'initiative de,Type\n"
        "10/03/2026 09:15,Excel avancé,16/03/2026 14h00,Apprenant,Annulation\n")),
    "drop-abandons-minimal.csv": ("utf-8", (
        "Apprenant,Formation,Absence constatée le\n"
        "Marc Blanc,Comptabilité,2026-03-09\n")),
    "drop-satisfaction-minimal.csv": ("utf-8", (
        "Date de réponse,Enquête,Formation,Note globale\n"
        "20/03/2026,à chaud,Excel avancé,4\n")),
    "drop-satisfaction-cp1252-semicolon.csv": ("cp1252", (
        "Horodateur;Type d'enquête;Formation;Note globale (1-5);Recommandation;Commentaire\n"
        "20/03/2026 17:05;À chaud;Bureautique;4/5;9;\"Très bien, merci.\n"
        "Prix : 450 € — un peu cher\"\n"
        "21/03/2026 08:30;a froid;Bureautique;5;10;Élevé\n")),
    "drop-annulations-utf8-bom.csv": ("utf-8-sig", (
        "Demandé le;Formation;Date de la session;Initiative;Type;Motif;Durée (h)\n"
        "10/03/2026 09:15;Excel avancé;16/03/2026 14:00;Apprenant;Annulation;Absence;3,5\n"
        "11/03/2026;Word;18/03/2026;Organisme;Report;Formateur indisponible;7\n")),
    "drop-unroutable.csv": ("utf-8", (
        "Date,Nom,Objet\n"
        "02/03/2026,Jeanne Martin,Salle trop froide\n")),
}


def abandons_workbook(out: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Abandons"
    sheet.append(["Stagiaire", "Formation", "Date de début", "Heures prévues",
                  "Heures réalisées", "Absence constatée le", "Motif"])
    sheet.append(["Marc Blanc", "Comptabilité", date(2026, 1, 12), 35, 10.5, date(2026, 3, 9),
                  "Manque de temps"])
    sheet.append(["Nina Vidal", "Paie", date(2026, 2, 2), 21, 3, "16/03/2026", "Autre"])
    workbook.save(out)


SATISFACTION_ROWS: list[list[object]] = [
    ["Date de réponse", "Enquête", "Formation", "Note globale", "Accueil", "Commentaire"],
    [date(2026, 3, 20), "À chaud", "Excel avancé", 5, 4, "Parfait"],
    [date(2026, 3, 21), "À froid", "Excel avancé", 3, 6, "Accueil à revoir"],
]


def satisfaction_workbook(out: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Réponses"
    for row in SATISFACTION_ROWS:
        sheet.append(row)
    workbook.save(out)


def minimal_ods(out: Path) -> None:
    """An OpenDocument spreadsheet written by hand, for machines without LibreOffice."""
    cells = []
    for row in SATISFACTION_ROWS:
        parts = []
        for value in row:
            if isinstance(value, date):
                parts.append(f'<table:table-cell office:value-type="date" '
                             f'office:date-value="{value.isoformat()}"/>')
            elif isinstance(value, int):
                parts.append(f'<table:table-cell office:value-type="float" '
                             f'office:value="{value}"/>')
            else:
                parts.append(f'<table:table-cell office:value-type="string">'
                             f"<text:p>{escape(str(value))}</text:p></table:table-cell>")
        cells.append("<table:table-row>" + "".join(parts) + "</table:table-row>")
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               '<table:table table:name="Réponses">' + "".join(cells) +
               "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"),
                         "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)


def convert(source: Path, fmt: str, out: Path) -> bool:
    """Convert with LibreOffice into ``out``; False when LibreOffice is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work, "profile").as_uri()
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                        "--convert-to", fmt, "--outdir", work, str(source)],
                       check=True, capture_output=True, timeout=120)
        shutil.move(Path(work, source.stem + "." + fmt), out)
    return True


def main() -> None:
    messy_complaints(HERE / "drop-reclamations-messy.xlsx")
    web_export_with_formulas(HERE / "drop-reclamations-web-formulas.xlsx")
    excel_csv_40_rows(HERE / "drop-reclamations-excel-40.csv")
    for name, (encoding, text) in CSV_SAMPLES.items():
        write_csv(HERE / name, text, encoding=encoding)
    with tempfile.TemporaryDirectory() as work:
        abandons = Path(work, "drop-abandons.xlsx")
        abandons_workbook(abandons)
        if not convert(abandons, "xls", HERE / "drop-abandons.xls"):
            print("soffice not found: drop-abandons.xls kept as committed")
        satisfaction = Path(work, "drop-satisfaction.xlsx")
        satisfaction_workbook(satisfaction)
        if not convert(satisfaction, "ods", HERE / "drop-satisfaction.ods"):
            minimal_ods(HERE / "drop-satisfaction.ods")


if __name__ == "__main__":
    main()
