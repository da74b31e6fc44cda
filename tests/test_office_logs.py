"""An office's own complaints log, adopted as it is: nothing corrupted, nothing silently dropped.

The logs are built by ``tests/build_office_logs.py`` as Excel, openpyxl and LibreOffice write
them (merged titles, counters above the header, totals rows, an Excel table with a totals
row, formulas without cached values, a list on another sheet, text dates). Each is adopted
with ``automation adopt --add-columns``, rows are dropped through the journal, then every cell
of the new rows and of the totals row is checked with openpyxl, the totals are recalculated
by LibreOffice, and every other part of the package is compared byte for byte.
"""

from __future__ import annotations

import shutil
import warnings
import zipfile
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.clock import FixedClock
from automation.pipeline import store
from automation.pipeline.office import open_office
from automation.records import Record
from automation.registers.reader import read_rows
from tests.build_office_logs import (
    EXCEL_LOG,
    LIBREOFFICE_LOG,
    OPENPYXL_LOG,
    TABLE_LOG,
    build_excel_log,
    build_openpyxl_log,
    build_table_log,
)
from tests.libreoffice import recalculated

NOW = datetime(2026, 11, 23, 9, 30)
ADDED = ("Canal", "Partie prenante", "Nature", "Email", "Formation / session", "Catégorie",
         "Description", "Gravité", "Date d'accusé de réception", "Responsable",
         "Date de réponse", "Source", "Importé le")


@dataclass(frozen=True)
class Log:
    """What each office log is, and where its parts are."""

    fixture: Path
    sheet: str
    sheet_part: str
    header_row: int
    first_new: int  # the row the first new row lands on
    totals_after: int  # where the totals row is after three rows
    ids: tuple[str, str, str]
    open_status: str  # « Nouvelle » in the office's list
    totals: dict[str, Any]  # the totals row after the append: column -> value
    recalculated_totals: dict[int, str]  # column index -> what LibreOffice computes
    parts_changed: frozenset[str]  # the parts an append may change
    theirs: dict[str, Any]  # the office's own columns, blank in a new row


EXCEL = Log(EXCEL_LOG, "Réclamations 2026", "xl/worksheets/sheet1.xml", 4, 9, 12,
            ("R26-05", "R26-06", "R26-07"), "Ouverte",
            {"A": "TOTAL", "B": "=COUNTA(A5:A11)"}, {1: "7"},
            frozenset({"xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml",
                       "xl/workbook.xml"}),
            {"Traitement": None})
TABLE = Log(TABLE_LOG, "Suivi", "xl/worksheets/sheet1.xml", 3, 7, 10,
            ("2026-004", "2026-005", "2026-006"), "Nouvelle",
            {"A": "Total", "C": "=SUBTOTAL(103,Suivi[Déclarant])"}, {2: "6"},
            frozenset({"xl/worksheets/sheet1.xml", "xl/tables/table1.xml", "xl/workbook.xml"}),
            {})
OPENPYXL = Log(OPENPYXL_LOG, "Plaintes", "xl/worksheets/sheet1.xml", 3, 8, 11,
               ("PL-4", "PL-5", "PL-6"), "Ouvert",
               {"A": "TOTAL", "B": "=COUNTA(A4:A10)", "F": "=SUM(F4:F10)"},
               {1: "6", 5: "165.5"},
               frozenset({"xl/worksheets/sheet1.xml", "xl/workbook.xml"}),
               {"Montant remboursé (€)": None})
LIBREOFFICE = Log(LIBREOFFICE_LOG, "Plaintes", "xl/worksheets/sheet1.xml", 3, 8, 11,
                  ("PL-4", "PL-5", "PL-6"), "Ouvert",
                  {"A": "TOTAL", "B": "=COUNTA(A4:A10)", "F": "=SUM(F4:F10)"},
                  {1: "6", 5: "165.5"},
                  frozenset({"xl/worksheets/sheet1.xml", "xl/workbook.xml"}),
                  {"Montant remboursé (€)": None})
LOGS = {"excel": EXCEL, "table": TABLE, "openpyxl": OPENPYXL, "libreoffice": LIBREOFFICE}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def adopt(office_dir: Path, workbook: Path, *options: str) -> Any:
    return CliRunner().invoke(main, ["--dir", str(office_dir), "adopt", str(workbook), "--as",
                                     "reclamations", *options], env={"COLUMNS": "220"})


def complaint(n: int, **values: object) -> Record:
    base: dict[str, object] = {
        "received_on": date(2026, 11, 10 + n), "channel": "Email", "stakeholder": "Apprenant",
        "name": f"Camille Martin {n}", "email": f"camille{n}@exemple.fr",
        "nature": "Réclamation", "subject": f"Salle trop froide {n}",
        "description": f"Chauffage en panne {n}", "status": "Nouvelle",
        "severity": "À qualifier"}
    base.update(values)
    return Record("reclamations", base, f"fp-{n}", f"plaintes.csv, ligne {n + 1}")  # type: ignore[arg-type]


def in_office(office_dir: Path, log: Log) -> Path:
    target = office_dir / "registers" / "Registre réclamations.xlsx"
    shutil.copyfile(log.fixture, target)
    return target


def adopted(office_dir: Path, log: Log) -> Path:
    target = in_office(office_dir, log)
    result = adopt(office_dir, target, "--add-columns")
    assert result.exit_code == 0, result.output
    return target


def drop_three(office_dir: Path, clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock) as office:
        stored = store.record(office, [complaint(1), complaint(2, training="Excel avancé"),
                                       complaint(3, subject='=HYPERLINK("http://x.test")')],
                              origin="file:plaintes.csv")
        assert len(stored.stored) == 3
        flushed = store.flush(office)
        assert flushed.written == {"reclamations": 3}, flushed


def looks(cell: Any) -> tuple[Any, ...]:
    """What a cell looks like: font, fill, border, number format (copies of openpyxl's proxies)."""
    return copy(cell.font), copy(cell.fill), copy(cell.border), cell.number_format


def header_cells(sheet: Any, row: int) -> list[str]:
    return [c.value for c in sheet[row]]


def as_dict(sheet: Any, header_row: int, row: int) -> dict[str, Any]:
    return dict(zip(header_cells(sheet, header_row), (c.value for c in sheet[row]), strict=True))


# -- the logs are what the script builds -----------------------------------------------------


def test_office_logs_are_what_the_script_builds(tmp_path: Path) -> None:
    for build, fixture in ((build_excel_log, EXCEL_LOG), (build_table_log, TABLE_LOG)):
        assert members(build(tmp_path / fixture.name)) == members(fixture), \
            "run tests/build_office_logs.py"
    rebuilt = load(build_openpyxl_log(tmp_path / OPENPYXL_LOG.name))["Plaintes"]
    kept = load(OPENPYXL_LOG)["Plaintes"]
    assert [[c.value for c in r] for r in rebuilt.iter_rows()] == [
        [c.value for c in r] for r in kept.iter_rows()]
    app = members(LIBREOFFICE_LOG)["docProps/app.xml"].decode()
    assert "LibreOffice" in app  # saved by Calc itself
    assert b'aca="false"' in members(LIBREOFFICE_LOG)["xl/worksheets/sheet1.xml"]


# -- adopt says what it will do, in French, before writing ------------------------------------


def test_adopt_shows_columns_fields_without_column_lists_and_numbering_in_french(
        office_dir: Path) -> None:
    target = in_office(office_dir, EXCEL)
    before = target.read_bytes()
    result = adopt(office_dir, target, "--add-columns", "--dry-run")
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    for shown in ("feuille « Réclamations 2026 », en-têtes ligne 4", "4 ligne(s) de données",
                  "ligne de totaux 9", "N° récl.", "N° (id)", "Client / stagiaire",
                  "Nom du déclarant (name)", "Traitement", "Réponse apportée (response)",
                  "Remarques", "Autres informations (notes)", "Canal", "colonne ajoutée",
                  "Liste « Statut » de l'organisme : Ouverte, En cours, Clôturée",
                  "Numérotation : R{yy}-{nn}", "dernier n° R26-04", "prochain n° : R26-05",
                  "Simulation (--dry-run) : rien n'a été écrit."):
        assert shown in out, shown
    for english in ("missing", "recorded", "closest", "Nothing"):
        assert english not in out
    assert target.read_bytes() == before
    assert "Registre réclamations" not in (office_dir / "automation.toml").read_text("utf-8")


def test_adopt_refuses_a_log_missing_columns_with_the_list_and_the_way_out(
        office_dir: Path) -> None:
    target = in_office(office_dir, EXCEL)
    before = target.read_bytes()
    config = (office_dir / "automation.toml").read_text("utf-8")
    result = adopt(office_dir, target)
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "Rien n'est enregistré : 13 champ(s)" in out
    assert "- Canal - Partie prenante - Nature - Email" in out
    assert "--add-columns" in out
    assert "sous [registers.reclamations.columns] (exemple : channel = \"Canal\")" in out
    assert target.read_bytes() == before
    assert (office_dir / "automation.toml").read_text("utf-8") == config


def test_the_list_values_of_the_office_are_matched_and_recorded(office_dir: Path) -> None:
    target = adopted(office_dir, EXCEL)
    text = (office_dir / "automation.toml").read_text("utf-8")
    assert 'ids = "R{yy}-{nn}"' in text
    assert '"Nouvelle" = "Ouverte"' in text and '"Close" = "Clôturée"' in text
    assert '"Résolue" = "Clôturée"' in text
    assert '"Sans suite"' not in text  # nothing in their list stands for it
    assert load(target)["Réclamations 2026"]["F5"].value == "Clôturée"  # untouched


# -- added columns: at the right end, like the header row -----------------------------------


@pytest.mark.parametrize("name", ["excel", "table"])
def test_added_columns_are_headed_like_the_header_row_and_extend_what_spans_it(
        office_dir: Path, name: str) -> None:
    log = LOGS[name]
    target = in_office(office_dir, log)
    before = members(target)
    assert adopt(office_dir, target, "--add-columns").exit_code == 0
    after = members(target)
    changed = {part for part in before if before[part] != after[part]}
    assert changed <= {log.sheet_part, "xl/tables/table1.xml", "xl/workbook.xml"}
    sheet = load(target)[log.sheet]
    headers = header_cells(sheet, log.header_row)
    assert tuple(headers[-len(ADDED) - (1 if name == "table" else 0):]) in {
        ADDED, (*ADDED[:-2], "Autres informations", *ADDED[-2:])}
    last_theirs = sheet.cell(log.header_row, headers.index(ADDED[0]))
    for offset in range(len(ADDED)):
        cell = sheet.cell(log.header_row, headers.index(ADDED[0]) + 1 + offset)
        assert looks(cell) == looks(last_theirs)
    channel = sheet.cell(log.header_row, headers.index("Canal") + 1).column_letter
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any(ref.startswith(channel) and "Téléphone" in formula
               for ref, formula in lists.items())
    if name == "excel":
        assert sheet.auto_filter.ref == "A4:T8"
        assert sheet.print_area == "'Réclamations 2026'!$A$1:$T$9"
        assert [str(c.sqref) for c in sheet.conditional_formatting] == ["A5:T8"]
    else:
        table = sheet.tables["Suivi"]
        assert table.ref == "A3:T7" and table.autoFilter.ref == "A3:T6"
        assert [c.name for c in table.tableColumns][-1] == "Importé le"


# -- new rows: above the totals, every cell as it should be --------------------------------


@pytest.mark.parametrize("name", list(LOGS))
def test_new_rows_go_above_the_totals_with_every_cell_right(
        office_dir: Path, clock: FixedClock, name: str) -> None:
    log = LOGS[name]
    target = adopted(office_dir, log)
    before = members(target)
    last_theirs = load(target)[log.sheet]
    template = log.first_new - 1
    drop_three(office_dir, clock)
    after = members(target)
    assert list(after) == list(before)
    changed = {part for part in before if before[part] != after[part]}
    assert log.sheet_part in changed and changed <= log.parts_changed | {"xl/styles.xml"}
    for part in set(before) - changed:
        assert after[part] == before[part], part

    sheet = load(target)[log.sheet]
    expected_common = {"Canal": "Email", "Partie prenante": "Apprenant",
                       "Nature": "Réclamation", "Catégorie": None, "Gravité": "À qualifier",
                       "Date d'accusé de réception": None, "Responsable": None,
                       "Date de réponse": None, "Importé le": NOW, **log.theirs}
    for n, record_id in enumerate(log.ids, start=1):
        row = as_dict(sheet, log.header_row, log.first_new + n - 1)
        subject = '=HYPERLINK("http://x.test")' if n == 3 else f"Salle trop froide {n}"
        expected = {**expected_common, "Email": f"camille{n}@exemple.fr",
                    "Formation / session": "Excel avancé" if n == 2 else None,
                    "Description": f"Chauffage en panne {n}",
                    "Source": f"plaintes.csv, ligne {n + 1}"}
        for header, value in row.items():
            if header in {"N° récl.", "N°"}:
                assert value == record_id
            elif header in {"Date", "Reçue le"}:
                assert value == datetime(2026, 11, 10 + n)
            elif header in {"Client / stagiaire", "Nom", "Déclarant"}:
                assert value == f"Camille Martin {n}"
            elif header in {"Motif", "Objet"}:
                assert value == subject
            elif header == "Statut":
                assert value == log.open_status  # the office's list value
            elif header in {"Remarques", "Autres informations"}:
                assert value is None  # never the formula a person typed above
            elif header == "Jours ouverts":
                assert value == sheet.cell(template, 6).value  # the table's calculated column
            else:
                assert value == expected[header], (record_id, header)
    hyperlink = sheet.cell(log.first_new + 2, header_cells(sheet, log.header_row).index(
        "Motif" if name == "excel" else "Objet") + 1)
    assert hyperlink.data_type == "s" and hyperlink.quotePrefix
    totals = {c.column_letter: c.value for c in sheet[log.totals_after] if c.value is not None}
    assert totals == log.totals
    for col in range(1, 7):  # the new rows look like the office's last row
        model, new = sheet.cell(template, col), sheet.cell(log.first_new, col)
        assert looks(new) == looks(model), col
    assert last_theirs.max_column == sheet.max_column


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LOGS))
def test_libreoffice_recalculates_totals_that_count_the_new_rows(
        office_dir: Path, clock: FixedClock, tmp_path: Path, name: str) -> None:
    log = LOGS[name]
    target = adopted(office_dir, log)
    drop_three(office_dir, clock)
    sheets = recalculated(target, tmp_path)
    rows = sheets[log.sheet]
    totals = rows[log.totals_after - 1]
    for col, value in log.recalculated_totals.items():
        assert totals[col] == value, (name, totals)
    assert [r[0] for r in rows[log.first_new - 1:log.first_new + 2]] == list(log.ids)
    if name == "excel":
        assert rows[1][2] == "7" and rows[1][4] == "4"  # counters above the header
        assert sheets["Synthèse"][0][1] == "7" and sheets["Synthèse"][1][1] == "4"
        assert sheets["Synthèse"][2][1] == "Ouverte"  # a formula on another sheet, kept
    if name == "table":
        days = (date.today() - date(2026, 11, 11)).days
        assert rows[log.first_new - 1][5] == str(days)  # the calculated column, computed


def test_office_values_are_read_back_as_ours_and_text_dates_understood(
        office_dir: Path, clock: FixedClock) -> None:
    target = adopted(office_dir, EXCEL)
    drop_three(office_dir, clock)
    with open_office(office_dir, clock=clock) as office:
        read = read_rows(office.config.binding("reclamations"))
    by_id = {row.record_id: row.values for row in read.rows}
    assert [row.record_id for row in read.rows] == [
        "R26-01", "R26-02", "R26-03", "R26-04", "R26-05", "R26-06", "R26-07"]  # never TOTAL
    assert by_id["R26-01"]["status"] == "Close"  # « Clôturée »
    assert by_id["R26-03"]["status"] == "En cours"
    assert by_id["R26-05"]["status"] == "Nouvelle"  # « Ouverte »
    assert by_id["R26-03"]["received_on"] == date(2026, 3, 3)  # typed « le 3 mars »
    assert read.unreadable == ()
    assert target.exists()
