"""Many rows appended at once: every cell as meant, however often its text or date repeats.

The cell writer renders a text or a date once and reuses it down the rows; the read-back of
an append moves its rows up under the header by replacing their numbers. These tests append
thousands of rows (more distinct texts than the writer keeps at once) to an office register
with a Journal sheet and check every cell against what was meant, with openpyxl, with the
register reader and with LibreOffice; and rows whose own text names their row number are
read back as a whole read of the workbook reads them.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from automation.records import StoredRow
from automation.registers.reader import read_rows
from automation.registers.xlsx.appender import XmlAppender
from automation.registers.xlsx.cells import _MADE_KEPT
from automation.registers.xlsx.replace import file_stamp
from tests.libreoffice import recalculated

from .test_streamed_append import binding_for, next_number, notes_for, rows_for, twins

MANY = _MADE_KEPT + 904  # more distinct subjects than the writer keeps rendered
TEXTS = ("=SOMME(A1:A3)", "Salle froide", "+33 6 12 34 56 78", "@formateur", "_x0041_ brut",
         " espace devant", "Retard & <absence>")


def subject(n: int) -> str:
    """Repeated texts (some formula-like), and one of its own every third row."""
    return f"Objet n° {n}" if n % 3 == 0 else TEXTS[n % len(TEXTS)]


def many_rows(path: Path) -> list[StoredRow]:
    binding = binding_for(path)
    rows = rows_for(binding, next_number(path), MANY * 3 // 2)
    for n, row in enumerate(rows):
        row.values["subject"] = subject(n)
        row.values["received_on"] = date(2026, 11, 1 + n % 20)
    return rows


def workbook_cells(path: Path) -> dict[str, tuple[object, bool]]:
    """The register's subjects by id: (value, quote prefix)."""
    with warnings.catch_warnings():  # openpyxl warns of the extensions it does not read
        warnings.simplefilter("ignore", UserWarning)
        book = openpyxl.load_workbook(path)
    sheet = book["Registre"]
    header = next(r for r in sheet.iter_rows() if any(c.value == "Objet" for c in r))
    id_col = next(c.column for c in header if str(c.value).startswith("N°"))
    subject_col = next(c.column for c in header if c.value == "Objet")
    found: dict[str, tuple[object, bool]] = {}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        rid, cell = row[id_col - 1].value, row[subject_col - 1]
        if isinstance(rid, str) and rid:
            found[rid] = (cell.value, bool(cell.quotePrefix))
    return found


def test_thousands_of_rows_hold_each_text_and_date_as_meant(tmp_path: Path) -> None:
    path, _ = twins("reg-office-reclamations.xlsx", tmp_path)
    rows = many_rows(path)
    result = XmlAppender(binding_for(path), backup_dir=tmp_path / ".b").append(
        rows, notes_for(rows))
    assert len(result.written) == len(rows)
    cells = workbook_cells(path)
    for n, row in enumerate(rows):
        text = subject(n)
        if "_x" in text:  # openpyxl leaves Excel's escape as it is: read below as Excel does
            continue
        assert cells[row.record_id] == (text, text.startswith(("=", "+", "-", "@"))), n
    read = read_rows(binding_for(path)).by_id()
    assert [read[r.record_id]["subject"] for r in rows] == [subject(n) for n in range(len(rows))]
    assert [read[r.record_id]["received_on"] for r in rows] == [
        date(2026, 11, 1 + n % 20) for n in range(len(rows))]
    fresh = result.fresh_rows()  # the read-back gives what a whole read gives
    assert fresh is not None
    assert {rid: dict(v) for rid, v in fresh.items()} == {
        r.record_id: read[r.record_id] for r in rows}


@pytest.mark.slow
def test_libreoffice_reads_every_repeated_text_of_a_large_append(tmp_path: Path) -> None:
    path, _ = twins("reg-office-reclamations.xlsx", tmp_path)
    rows = many_rows(path)
    XmlAppender(binding_for(path), backup_dir=tmp_path / ".b").append(rows, notes_for(rows))
    sheets = recalculated(path, tmp_path)
    shown = sheets["Registre"]
    by_id = {line[0]: line for line in shown if line and line[0]}
    header = next(line for line in shown if "Objet" in line)
    column = header.index("Objet")
    for n, row in enumerate(rows):
        assert by_id[row.record_id][column] == subject(n), n
    assert sum(1 for line in sheets["Journal"] if "Ajout" in line) >= len(rows)


def test_rows_whose_text_names_their_own_row_number_read_back_as_a_whole_read(
        tmp_path: Path) -> None:
    path, _ = twins("reg-office-reclamations.xlsx", tmp_path)
    binding = binding_for(path)
    rows = rows_for(binding, next_number(path), 40)
    quoted = " ".join(f'{n}"' for n in range(1, 120))  # every row's own number, then a quote
    assert XmlAppender(binding, backup_dir=tmp_path / ".b").highest_id(2026) < 60
    for row in rows:
        row.values["description"] = f'Écran de {quoted} cassé'
    result = XmlAppender(binding, backup_dir=tmp_path / ".b").append(rows, notes_for(rows))
    fresh = result.fresh_rows()
    assert fresh is not None and len(result.written) == 40
    whole = read_rows(binding).by_id()
    assert {rid: dict(values) for rid, values in fresh.items()} == {
        rid: whole[rid] for rid in result.written}
    assert all(str(whole[rid]["description"]).endswith("119\" cassé") for rid in result.written)
    assert result.written_as == file_stamp(path)

