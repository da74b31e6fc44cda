"""The register extract of the period: a few rows in the document, all of them in the .zip.

In the document, each register of a section shows its most recent rows of the period
(``[audit] rows_shown``) in four columns a page can hold — the id, the day, who or what, what
followed — and says how many rows the period has and where the full extract is. The full
extract is a workbook of the period's rows with the register's own columns
(:func:`write_extract`), text kept as text (a value beginning with « = » is never a formula).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from automation.audit.gather import AuditData, RegisterData, Values
from automation.deadlines.rules import as_date
from automation.files import replace_file, temporary_beside
from automation.records import CellValue
from automation.registers.schema import Kind
from automation.text import clean_text, looks_like_formula, one_line

SHORT: Final = 160  # characters of a text shown in the document's tables


@dataclass(frozen=True)
class ExtractRow:
    record_id: str
    day: str
    about: str
    follow_up: str


@dataclass(frozen=True)
class Extract:
    key: str
    title: str
    headers: tuple[str, str, str, str]
    rows: tuple[ExtractRow, ...]  # the rows shown in the document
    summary: str  # French: how many rows, which are shown, where the rest is
    file: str  # the full extract's name in the .zip, "" when there is none


def _day(values: Values, key: str) -> str:
    day = as_date(values.get(key))
    return f"{day:%d/%m/%Y}" if day else ""


def _text(values: Values, *keys: str, sep: str = " — ") -> str:
    parts = [one_line(str(values[k])) for k in keys if values.get(k) not in (None, "")]
    text = sep.join(parts)
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


def _when(values: Values, key: str, label: str) -> str:
    day = _day(values, key)
    return f"{label} {day}" if day else ""


def _join(*parts: str) -> str:
    return " ; ".join(p for p in parts if p)


def _complaint(values: Values) -> tuple[str, str]:
    return (_text(values, "nature", "name", "subject"),
            _join(_text(values, "status"), _when(values, "acknowledged_on", "accusé le"),
                  _when(values, "responded_on", "réponse le"),
                  _when(values, "closed_on", "close le"),
                  _text(values, "improvement_ref")))


def _cancellation(values: Values) -> tuple[str, str]:
    return (_text(values, "kind", "training", "person"),
            _join(_text(values, "motive"), _text(values, "status"),
                  _when(values, "participants_informed_on", "informés le")))


def _dropout(values: Values) -> tuple[str, str]:
    return (_text(values, "learner", "training"),
            _join(_text(values, "decision"), _text(values, "reason"),
                  _when(values, "attestation_sent_on", "attestation envoyée le")))


def _answer(values: Values) -> tuple[str, str]:
    overall = values.get("overall")
    nps = values.get("nps")
    return (_text(values, "survey", "training", "session_ref"),
            _join(f"note {overall}/5" if overall not in (None, "") else "",
                  f"recommandation {nps}/10" if nps not in (None, "") else "",
                  _text(values, "comment")))


def _action(values: Values) -> tuple[str, str]:
    return (_text(values, "origin", "origin_ids", "action"),
            _join(_text(values, "status"), _when(values, "due_on", "échéance"),
                  _when(values, "done_on", "réalisée le"),
                  _when(values, "check_on", "vérifiée le"), _text(values, "check_result")))


_SHAPES: Final[dict[str, tuple[str, str, str, Callable[[Values], tuple[str, str]]]]] = {
    "reclamations": ("received_on", "Reçue le", "Nature — déclarant — objet", _complaint),
    "annulations": ("requested_on", "Demandée le", "Type — formation — personne",
                    _cancellation),
    "abandons": ("absence_noted_on", "Absence constatée le", "Apprenant — formation",
                 _dropout),
    "satisfaction": ("answered_on", "Réponse le", "Enquête — formation — session", _answer),
    "actions": ("opened_on", "Ouverte le", "Origine — références — action", _action),
}


def extract_name(key: str, data: AuditData) -> str:
    return f"extraits/{key}-{data.period.key}.xlsx"


def extract(data: AuditData, key: str) -> Extract:
    """The register ``key`` as a section of the document shows it."""
    register = data.register(key)
    day_field, day_header, about_header, follow = _SHAPES[key]
    shown_count = data.office.config.audit.rows_shown
    rows = register.in_period
    shown = rows[-shown_count:] if shown_count else ()
    lines = tuple(ExtractRow(rid, _day(values, day_field), *follow(values))
                  for rid, values in shown)
    headers = ("N°", day_header, about_header, "Suite donnée")
    name = extract_name(key, data) if register.exists and rows else ""
    if not register.exists:
        summary = f"Le registre {register.binding.path.name} n'existe pas : aucune preuve."
    elif not rows:
        summary = (f"Aucune ligne sur la période ({data.period.label}) dans "
                   f"{register.binding.path.name} ({len(register.rows)} ligne(s) en tout).")
    elif len(lines) < len(rows):
        summary = (f"{len(rows)} ligne(s) sur la période ({len(register.rows)} au registre) ; "
                   f"les {len(lines)} plus récentes ci-dessous, toutes dans {name}.")
    else:
        summary = (f"{len(rows)} ligne(s) sur la période ({len(register.rows)} au registre), "
                   f"toutes ci-dessous et dans {name}.")
    return Extract(key, register.title, headers, lines, summary, name)


def write_extract(register: RegisterData, target: Path) -> Path:
    """The period's rows of ``register`` as a workbook with the register's columns."""
    schema = register.binding.schema
    fields = [f for f in schema.fields
              if f.key in register.columns or not register.columns]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(schema.sheet[:31])
    sheet.append([register.binding.header_of(f.key) for f in fields])
    for _, values in register.in_period:
        sheet.append([_cell(sheet, values.get(f.key), f.kind) for f in fields])
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(target)
    try:
        workbook.save(temporary)
        replace_file(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _cell(sheet: object, value: CellValue, kind: Kind) -> object:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY HH:MM"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell
    if isinstance(value, str):
        text = clean_text(value)
        if looks_like_formula(text):
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return text
    return value


def extracts_of(data: AuditData, keys: Sequence[str]) -> list[Extract]:
    return [extract(data, key) for key in keys if key in data.registers]


def period_counts(data: AuditData) -> Mapping[str, int]:
    return {key: len(reg.in_period) for key, reg in data.registers.items()}
