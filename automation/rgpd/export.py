"""The right-of-access archive: everything the office's tool holds about one person, zipped.

``README.txt`` (French) says what is inside and where it comes from; ``registres.xlsx`` (each
row as « Colonne | Valeur » lines, to read or print) and ``registres/<registre>.csv`` (one
line per row, to reuse) hold the person's rows (and their lines in the office's
planning); ``courriers/`` their letters and drafts; ``mails/`` the mails they sent, as saved;
``pieces-jointes/<N°>/`` the files attached to them; ``journal.csv`` the tool's journal
entries about them. Text is written as text: nothing in it becomes a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from automation.letters.dates import french_long_date
from automation.letters.naming import safe_stem
from automation.pipeline.office import Office
from automation.records import CellValue
from automation.registers.journal import JournalText
from automation.registers.journal.values import load_value, load_values
from automation.registers.schema import REGISTERS_BY_KEY
from automation.rgpd.plan import PersonTarget
from automation.rgpd.scope import Scope, rewritten_journal_text
from automation.text import clean_text, looks_like_formula

EXPORT_FOLDER: Final = "rgpd"  # under the office folder
_CHARS_PER_LINE: Final = 90  # in the value column, 80 characters wide
_LINE_HEIGHT: Final = 13.0  # points
_TABLES: Final = {"rows": "ligne enregistrée", "snapshots": "ligne vue dans le classeur",
                  "changes": "modification", "writebacks": "date à reporter",
                  "letters": "courrier", "mails": "mail", "sources": "fichier déposé",
                  "waits": "attente", "state": "état"}
_COLUMNS: Final = {"source": "Source", "origin": "Origine", "values_json": "Valeurs",
                   "note": "Remarque", "old_json": "Ancienne valeur",
                   "new_json": "Nouvelle valeur", "author": "Auteur", "value_json": "Valeur",
                   "path": "Fichier", "error": "Erreur", "place": "Emplacement",
                   "sender": "Expéditeur", "subject": "Objet", "reason": "Motif",
                   "name": "Nom du fichier", "detail": "Détail", "value": "Valeur"}
_REGISTER_TITLES: Final = {key: schema.title for key, schema in REGISTERS_BY_KEY.items()}


def default_path(office: Office, person_shown: str) -> Path:
    today = office.clock.now().date()
    name = safe_stem(f"acces {person_shown} {today:%Y-%m-%d}", limit=100)
    return office.config.root / EXPORT_FOLDER / f"{name}.zip"


def write_export(office: Office, scope: Scope, target: PersonTarget, out: Path) -> Path:
    """Write the archive of ``scope`` (surveyed for ``target``) to ``out``."""
    rows_by_register: dict[str, list[dict[str, CellValue]]] = {}
    for row in scope.rows:
        if row.about:
            rows_by_register.setdefault(row.register, []).append(
                {"id": row.record_id, **row.values})
    tables = {key: _table(office, key, rows) for key, rows in rows_by_register.items()}
    if scope.planning:
        tables["planning"] = (["Réf. session", "Formation", "Début", "Nom", "Email", "Rôle"],
                              [[p.session_ref, p.training, p.start, p.name, p.email, p.role]
                               for p in scope.planning])
    journal = _journal_rows(office, target, scope)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".~{out.name}.tmp")
    files: list[str] = []
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, (headers, rows) in tables.items():
            name = f"registres/{key}.csv"
            archive.writestr(name, _csv(headers, rows))
            files.append(name)
        if tables:
            archive.writestr("registres.xlsx", _xlsx(tables))
        for path in scope.outbox:
            files.extend(_add(archive, path, _outbox_folder(path)))
        for mail in scope.mails:
            if mail.own:
                files.extend(_add(archive, mail.path, "mails"))
        archive.writestr("journal.csv", _csv(
            ["Type", "Registre", "N°", "Champ", "Colonne", "Contenu"], journal))
        archive.writestr("README.txt", _readme(office, target, scope, tables, journal, files))
    temporary.replace(out)
    return out


def _table(office: Office, key: str,
           rows: Sequence[dict[str, CellValue]]) -> tuple[list[str], list[list[Any]]]:
    if key not in REGISTERS_BY_KEY:
        keys = sorted({k for row in rows for k in row})
        return keys, [[row.get(k) for k in keys] for row in rows]
    binding = office.config.binding(key)
    fields = [f.key for f in binding.schema.fields]
    return ([binding.header_of(k) for k in fields],
            [[row.get(k) for k in fields] for row in rows])


def _outbox_folder(path: Path) -> str:
    if path.is_dir():
        return f"pieces-jointes/{path.name.split(' ', 1)[0]}"
    return "courriers"


def _add(archive: zipfile.ZipFile, path: Path, folder: str) -> list[str]:
    added: list[str] = []
    paths = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for item in paths:
        name = f"{folder}/{item.relative_to(path) if path.is_dir() else item.name}"
        archive.write(item, name)
        added.append(name)
    return added


def _journal_rows(office: Office, target: PersonTarget, scope: Scope) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for cell in office.journal.journal_texts():
        mine = (cell.register, cell.record_id) in scope.about
        if mine or rewritten_journal_text(target, cell) != cell.text:
            rows.append([_TABLES.get(cell.table, cell.table), cell.register, cell.record_id,
                         _header(cell.register, cell.field), _COLUMNS.get(cell.column,
                                                                           cell.column),
                         _shown(cell)])
    return rows


def _header(register: str, key: str) -> str:
    schema = REGISTERS_BY_KEY.get(register)
    return schema.field(key).header if schema is not None and key and schema.has(key) else key


def _shown(cell: JournalText) -> str:
    """An entry as a person reads it: a row as « Colonne : valeur » lines, a value as text."""
    if not cell.is_json:
        return cell.text
    if cell.column == "values_json":
        values = load_values(cell.text)
        return "\n".join(f"{_header(cell.register, k)} : {_text(v)}"
                         for k, v in values.items() if v is not None and v != "")
    return _text(load_value(cell.text))


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return clean_text(str(value))


def _csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM and semicolons, as French Excel opens it; no cell is a formula."""
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        texts = [_text(v) for v in row]
        writer.writerow(["'" + t if looks_like_formula(t) else t for t in texts])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def _xlsx(tables: dict[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    """One sheet per register, each row as « Colonne | Valeur » lines: readable on paper."""
    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    for key, (headers, rows) in tables.items():
        sheet = workbook.create_sheet(key[:31])
        sheet.column_dimensions["A"].width = 32
        sheet.column_dimensions["B"].width = 80
        sheet.page_setup.orientation = "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        for row in rows:
            for header, value in zip(headers, row, strict=True):
                if value is None or value == "":
                    continue
                sheet.append([header, _cell_value(value)])
                label, cell = sheet[sheet.max_row]
                label.font = bold if header == headers[0] else Font()
                label.alignment = cell.alignment = wrap
                if header == headers[0]:
                    cell.font = bold
                _as_text_or_date(cell)
                if isinstance(cell.value, str):  # room for every line: no height is computed
                    lines = sum(1 + len(line) // _CHARS_PER_LINE
                                for line in cell.value.split("\n"))
                    if lines > 1:
                        sheet.row_dimensions[sheet.max_row].height = _LINE_HEIGHT * lines
            sheet.append([])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _as_text_or_date(cell: Any) -> None:
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"  # openpyxl would otherwise write "=…" as a formula
        cell.quotePrefix = True
    elif isinstance(cell.value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM"
    elif isinstance(cell.value, date):
        cell.number_format = "DD/MM/YYYY"


def _cell_value(value: CellValue) -> CellValue:
    return clean_text(value) if isinstance(value, str) else value


def _readme(office: Office, target: PersonTarget, scope: Scope,
            tables: dict[str, tuple[list[str], list[list[Any]]]], journal: list[list[Any]],
            files: list[str]) -> str:
    org = office.config.organisation
    today = office.clock.now().date()
    person = target.person
    lines = [
        f"Données personnelles détenues par {org.name}",
        "",
        f"Extraction du {french_long_date(today)}, faite pour répondre à une demande d'accès "
        "(article 15 du RGPD).",
        f"Personne concernée : {', '.join(person.names) or '—'}",
        f"Adresse(s) électronique(s) : {', '.join(person.emails) or '—'}",
        "",
        "Contenu de cette archive",
        "",
    ]
    for key, (_headers, rows) in tables.items():
        title = _REGISTER_TITLES.get(key, key) if key != "planning" else "Planning des sessions"
        lines.append(f"- registres/{key}.csv (et la feuille « {key} » de registres.xlsx) : "
                     f"{len(rows)} ligne(s) du « {title} ».")
    if not tables:
        lines.append("- Aucune ligne des registres ne nomme cette personne.")
    letters = [f for f in files if f.startswith("courriers/")]
    mails = [f for f in files if f.startswith("mails/")]
    attached = [f for f in files if f.startswith("pieces-jointes/")]
    lines += [
        f"- courriers/ : {len(letters)} courrier(s) et brouillon(s) adressés à la personne.",
        f"- mails/ : {len(mails)} message(s) reçu(s) de la personne, tels qu'enregistrés.",
        f"- pieces-jointes/ : {len(attached)} fichier(s) joint(s) à ses messages.",
        f"- journal.csv : {len(journal)} entrée(s) du journal technique de l'outil qui la "
        "concernent (lignes enregistrées, modifications, courriers, messages).",
        "",
        "Les fichiers CSV s'ouvrent dans Excel (séparateur point-virgule, UTF-8). Les dates "
        "sont au format jour/mois/année.",
        "",
        "Durée de conservation : les données d'une ligne sont anonymisées "
        f"{office.config.rgpd.retention_years} an(s) après l'année de la formation.",
        "Pour toute demande de rectification ou d'effacement, adressez-vous à "
        f"{org.signatory}, {org.name}"
        + (f" ({org.email})" if org.email else "") + ".",
        "",
        "Cette archive contient des données personnelles : transmettez-la à la personne par un "
        "moyen sûr, puis supprimez-la.",
    ]
    return "\r\n".join(lines) + "\r\n"
