"""Builders of dropped files and readers of registers and letters, shared by the spine's tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl

from automation.intake.mail import ParsedMail, message_id_of, parse_mail
from automation.registers.workbook import HEADER_ROW
from automation.sources.saved_mail import msg_to_mime, saved_mail_raw

MESSY_COMPLAINTS: list[list[Any]] = [
    ["Suivi des réclamations — export du formulaire"],
    ["Service qualité", None, None, None, "mars 2026"],
    [],
    ["  Reçu le ", "OBJET", "Nom", "E-mail", "Partie Prenante", "canal", "Nature",
     "Téléphone", "Description"],
    ["12/03/2026", "Retard du formateur", "Martin Dupont", "martin.dupont@exemple.fr",
     "apprenant", "e-mail", "reclamation", "06 12 34 56 78", "Le formateur est arrivé à 10 h."],
    ["13 mars 2026", "=HYPERLINK(\"http://x\")", "Durand & Fils <SARL>", "contact@durand.fr",
     "Entreprise", "Courrier", "Réclamation", None, "Facture « erronée » & en double"],
    [None, None, None, None, None, None, None, None, None],
    ["31/02/2026", "Date impossible", "Sophie Bernard", "pas-un-email", "Apprenant", "Email",
     "Réclamation", None, None],
    ["2026-03-15", "Salle trop froide", "Léa Petit", "lea.petit@exemple.fr", "Apprenant",
     "Oral", "Difficulté", None, None],
]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a text that looks like a formula, as typed after a quote
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def register_rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    """Data rows of a register, as header → cell."""
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[sheet]
    headers = [c.value for c in worksheet[HEADER_ROW]]
    rows = []
    for row in worksheet.iter_rows(min_row=HEADER_ROW + 1):
        if any(c.value is not None for c in row):
            rows.append(dict(zip(headers, row, strict=False)))
    return rows


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def saved_mail_bytes(path: Path) -> bytes:
    """The RFC 822 bytes of a saved mail file, as the pipeline reads them."""
    return saved_mail_raw(path.name, path.read_bytes(), path=path)


def saved_message_id(path: Path) -> str:
    return message_id_of(saved_mail_bytes(path))


def parse_saved_mail(path: Path, *, fallback_date: datetime | None = None) -> ParsedMail:
    """A saved mail parsed; a missing Date falls back to the file's modification time."""
    fallback = fallback_date or datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    return parse_mail(saved_mail_bytes(path), fallback_date=fallback, path=path,
                      convert_msg=msg_to_mime)
