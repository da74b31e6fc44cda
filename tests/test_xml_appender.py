"""The XML-level appender on an office's own workbook, written and read back for real.

The fixture (``tests/build_office_workbooks.py``) is built part by part as Excel writes it:
title block with merged cells and a logo, header on row 5, frozen panes, a table, an x14
cross-sheet dropdown, conditional formats, a shared formula, a calculated column, a comment,
print settings, defined names, custom XML, a Journal sheet; and an .xlsm with a VBA project.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from automation.errors import ColumnMissing, RegisterError, RegisterLocked
from automation.records import ChangeNote, StoredRow
from automation.registers.adopt import adopt_register
from automation.registers.binding import RegisterBinding
from automation.registers.schema import RECLAMATIONS
from automation.registers.xlsx import appender as xml_appender
from automation.registers.xlsx.appender import XmlAppender
from automation.registers.xlsx.formulas import RowMove, move_references, move_sqref, shift_formula
from automation.registers.xlsx.streamed import StreamedPart
from automation.text import clean_text
from tests.build_office_workbooks import (
    HEADER_ROW,
    PREFORMATTED_ROWS,
    SHEET_NAME,
    build_office_workbook,
)

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "reg-office-reclamations.xlsx"
MACRO_FIXTURE = DATA / "reg-office-reclamations-macro.xlsm"
ROWS_IN_FIXTURE = 12
LAST = HEADER_ROW + ROWS_IN_FIXTURE  # 17: the last data row
SHEET = "xl/worksheets/sheet1.xml"
TABLE = "xl/tables/table1.xml"
JOURNAL = "xl/worksheets/sheet3.xml"
WHEN = datetime(2026, 11, 23, 9, 30)
# The parts an append may change; everything else must come out byte for byte.
MAY_CHANGE = {SHEET, TABLE, JOURNAL, "xl/styles.xml", "xl/workbook.xml"}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def infos(path: Path) -> list[tuple[str, int, tuple[int, ...]]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.compress_type, i.date_time) for i in archive.infolist()]


def binding_for(path: Path, **columns: str) -> RegisterBinding:
    adoption = adopt_register(path, "reclamations", sheet=None)
    return RegisterBinding(RECLAMATIONS, path, sheet=adoption.sheet,
                           columns={**adoption.mapping, **columns}, adopted=True)


def appender_for(path: Path, **columns: str) -> XmlAppender:
    return XmlAppender(binding_for(path, **columns), backup_dir=path.parent / ".backup",
                       backups_kept=5)


def complaint(number: int, **values: object) -> StoredRow:
    base: dict[str, object] = {
        "received_on": date(2026, 11, 20), "channel": "Email", "stakeholder": "Apprenant",
        "name": f"Camille Martin {number}", "email": f"camille{number}@exemple.fr",
        "training": "Anglais B1", "nature": "Réclamation", "subject": f"Salle trop froide {number}",
        "description": "Chauffage en panne\nle matin", "status": "Nouvelle",
        "responded_on": date(2026, 11, 25), "source": "mail-0042.eml"}
    base.update(values)
    return StoredRow("reclamations", f"REC-2026-{number:04d}", base, "mail-0042.eml")  # type: ignore[arg-type]


def note(row: StoredRow) -> ChangeNote:
    return ChangeNote(WHEN, "Ajout", row.source, row.record_id, "Réclamation enregistrée")


@pytest.fixture
def register(tmp_path: Path) -> Path:
    folder = tmp_path / "registers"
    folder.mkdir()
    return Path(shutil.copy(FIXTURE, folder / "Registre réclamations.xlsx"))


@pytest.fixture
def appended(register: Path) -> tuple[Path, dict[str, bytes]]:
    """The register after one append of three complaints (one with formula-like text)."""
    before = members(register)
    rows = [complaint(13), complaint(14, name='=HYPERLINK("http://x.test","clic")',
                                         responded_on=None), complaint(15)]
    result = appender_for(register).append(rows, [note(r) for r in rows])
    assert result.written == ("REC-2026-0013", "REC-2026-0014", "REC-2026-0015")
    return register, before


def load_openpyxl(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Data Validation extension is not supported"
        return openpyxl.load_workbook(path)


# -- the package stays the office's --------------------------------------------------------


def test_fixtures_are_what_the_script_builds(tmp_path: Path) -> None:
    for fixture, macro in ((FIXTURE, False), (MACRO_FIXTURE, True)):
        built = build_office_workbook(tmp_path / fixture.name, macro=macro)
        assert members(built) == members(fixture), "run tests/build_office_workbooks.py"


def test_append_leaves_every_other_part_byte_for_byte(
        appended: tuple[Path, dict[str, bytes]]) -> None:
    register, before = appended
    after = members(register)
    assert list(after) == list(before)  # same members, same order
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= MAY_CHANGE
    assert {SHEET, TABLE, JOURNAL} <= changed
    for untouched in ("xl/drawings/drawing1.xml", "xl/media/image1.png", "xl/comments1.xml",
                      "xl/drawings/vmlDrawing1.vml", "xl/printerSettings/printerSettings1.bin",
                      "customXml/item1.xml", "xl/sharedStrings.xml", "[Content_Types].xml",
                      "xl/worksheets/sheet2.xml", "xl/worksheets/_rels/sheet1.xml.rels"):
        assert after[untouched] == before[untouched], untouched


def test_members_keep_their_dates_and_compression(register: Path) -> None:
    before = infos(register)
    appender_for(register).append([complaint(13)], [])
    assert infos(register) == before


def test_workbook_part_only_asks_for_a_recalculation(
        appended: tuple[Path, dict[str, bytes]]) -> None:
    register, before = appended
    after = members(register)["xl/workbook.xml"]
    assert after.replace(b' fullCalcOnLoad="1"', b"") == before["xl/workbook.xml"]


def test_styles_only_gain_a_quote_prefix_variant(
        appended: tuple[Path, dict[str, bytes]]) -> None:
    register, before = appended
    old, new = before["xl/styles.xml"].decode(), members(register)["xl/styles.xml"].decode()
    added = re.search(r'(<xf [^>]*quotePrefix="1"[^>]*>.*?</xf>)</cellXfs>', new)
    assert added is not None
    assert new.replace(added[1], "").replace('cellXfs count="8"', 'cellXfs count="7"') == old


def test_sheet_differs_only_by_new_rows_and_grown_references(
        appended: tuple[Path, dict[str, bytes]]) -> None:
    register, before = appended
    old, new = before[SHEET].decode(), members(register)[SHEET].decode()
    first_new = old.index(f'<row r="{LAST + 1}"')
    dimension = re.compile(r'<dimension ref="[^"]*"/>')
    assert dimension.sub("", new[:first_new]) == dimension.sub("", old[:first_new])
    assert '<dimension ref="A1:P20"/>' in new  # 3 rows reused, the pre-formatted block kept
    old_tail, new_tail = old[old.index("</sheetData>"):], new[new.index("</sheetData>"):]
    end = LAST + 3
    grown = (old_tail.replace(f"A6:P{LAST}", f"A6:P{end}").replace(f"K6:K{LAST}", f"K6:K{end}")
             .replace(f"M6:M{LAST}", f"M6:M{end}").replace(f"C6:C{LAST}", f"C6:C{end}"))
    assert new_tail == grown
    numbers = [int(n) for n in re.findall(r'<row r="(\d+)"', new)]
    assert numbers == sorted(set(numbers))


def test_openpyxl_load_and_save_loses_what_the_appender_keeps(tmp_path: Path) -> None:
    ours = Path(shutil.copy(MACRO_FIXTURE, tmp_path / "ours.xlsm"))
    theirs = Path(shutil.copy(MACRO_FIXTURE, tmp_path / "theirs.xlsm"))
    appender_for(ours).append([complaint(13)], [])
    workbook = load_openpyxl(theirs)
    workbook["Registre"].append(["REC-2026-0013"])
    workbook.save(theirs)

    kept, lost, original = members(ours), members(theirs), members(MACRO_FIXTURE)
    for part in ("xl/vbaProject.bin", "xl/drawings/drawing1.xml", "xl/media/image1.png",
                 "xl/printerSettings/printerSettings1.bin", "customXml/item1.xml"):
        assert kept[part] == original[part]
    # openpyxl drops these; the drawing it rewrites (its shapes and text boxes gone). The
    # image it keeps only because Pillow is installed (matplotlib needs it): without Pillow it
    # is dropped too, silently.
    for part in ("xl/vbaProject.bin", "xl/printerSettings/printerSettings1.bin",
                 "customXml/item1.xml"):
        assert part not in lost
    assert lost.get("xl/drawings/drawing1.xml") != original["xl/drawings/drawing1.xml"]
    for marker in (b"<x14:dataValidation ", b"<x14:dataBar "):
        assert marker in kept[SHEET]
        assert marker not in lost[SHEET]


def test_vba_project_of_an_xlsm_survives(tmp_path: Path) -> None:
    register = Path(shutil.copy(MACRO_FIXTURE, tmp_path / "registre.xlsm"))
    before = members(register)
    appender_for(register).append([complaint(13)], [])
    after = members(register)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["[Content_Types].xml"] == before["[Content_Types].xml"]


# -- the new rows -----------------------------------------------------------------------------


def test_new_rows_read_back_with_calamine(appended: tuple[Path, dict[str, bytes]]) -> None:
    register, _ = appended
    rows = CalamineWorkbook.from_path(str(register)).get_sheet_by_name(SHEET_NAME).to_python()
    header = rows[HEADER_ROW - 1]
    new = [dict(zip(header, row, strict=False)) for row in rows[LAST:LAST + 3]]
    assert [r["N°"] for r in new] == ["REC-2026-0013", "REC-2026-0014", "REC-2026-0015"]
    assert new[0]["Reçu le"] == date(2026, 11, 20)
    assert new[0]["Date de réponse"] == date(2026, 11, 25)
    assert new[0]["Nom"] == "Camille Martin 13"
    assert new[0]["Description"] == "Chauffage en panne\nle matin"
    assert new[1]["Nom"] == '=HYPERLINK("http://x.test","clic")'
    assert new[0]["Suivi qualité"] == ""  # their column: left blank


def styles_of_row(xml: str, number: int) -> dict[str, str]:
    row = re.search(rf'<row r="{number}"[^>]*>(.*?)</row>', xml, re.DOTALL)
    assert row is not None
    return dict(re.findall(r'<c r="([A-Z]+)\d+" s="(\d+)"', row[1]))


def test_new_rows_take_the_style_of_the_last_data_row(register: Path) -> None:
    rows = [complaint(13 + n) for n in range(PREFORMATTED_ROWS + 2)]  # reused rows, then new
    appender_for(register).append(rows, [])
    xml = members(register)[SHEET].decode()
    model = styles_of_row(xml, LAST)
    assert len(model) == 16
    for number in range(LAST + 1, LAST + len(rows) + 1):
        assert styles_of_row(xml, number) == model, number
    sheet = load_openpyxl(register)[SHEET_NAME]
    assert sheet[f"B{LAST + len(rows)}"].number_format == "dd/mm/yyyy;@"
    assert sheet[f"M{LAST + len(rows)}"].number_format == "0"


def test_formula_columns_are_filled_down(appended: tuple[Path, dict[str, bytes]]) -> None:
    register, _ = appended
    sheet = load_openpyxl(register)[SHEET_NAME]
    row = LAST + 2
    assert sheet[f"M{row}"].value == f'=IF(L{row}="","",L{row}-B{row})'  # shared formula, moved
    assert sheet[f"N{row}"].value == sheet["N6"].value  # structured reference, unchanged
    xml = members(register)[SHEET].decode()
    cell = re.search(rf'<c r="M{row}"[^>]*>.*?</c>', xml)
    assert cell is not None
    assert "<v>" not in cell[0]  # no stale cached value: Excel and LibreOffice compute it


def test_formula_like_text_is_stored_as_text(appended: tuple[Path, dict[str, bytes]]) -> None:
    register, _ = appended
    cell = load_openpyxl(register)[SHEET_NAME][f"E{LAST + 2}"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x.test","clic")'
    assert cell.quotePrefix


def test_table_grows_to_include_the_new_rows(appended: tuple[Path, dict[str, bytes]]) -> None:
    register, _ = appended
    table = members(register)[TABLE].decode()
    assert f'ref="A5:P{LAST + 3}"' in table
    assert f'<autoFilter ref="A5:P{LAST + 3}"' in table


def test_dropdowns_and_conditional_formats_cover_the_new_rows(
        appended: tuple[Path, dict[str, bytes]]) -> None:
    register, _ = appended
    xml = members(register)[SHEET].decode()
    end = LAST + 3
    assert f"<xm:sqref>C6:C{end}</xm:sqref>" in xml  # x14 dropdown fed by Listes
    assert f"<xm:sqref>M6:M{end}</xm:sqref>" in xml  # x14 data bar
    assert f'sqref="K6:K{end}"' in xml  # standard dropdown
    assert f'<conditionalFormatting sqref="A6:P{end}">' in xml
    assert 'activeCell="B7" sqref="B7"' in xml  # the selection is not a range to grow


def test_preformatted_rows_are_filled_then_new_rows_added(register: Path) -> None:
    rows = [complaint(13 + n) for n in range(PREFORMATTED_ROWS + 2)]
    appender_for(register).append(rows, [])
    xml = members(register)[SHEET].decode()
    end = LAST + len(rows)
    assert [int(n) for n in re.findall(r'<row r="(\d+)"', xml)] == list(range(1, 4)) + list(
        range(HEADER_ROW, end + 1))
    assert f'ref="A5:P{end}"' in members(register)[TABLE].decode()
    assert f'<dimension ref="A1:P{end}"/>' in xml


def test_date_in_a_column_without_date_format_gets_one(register: Path) -> None:
    appender = appender_for(register, closed_on="Suivi qualité")
    appender.append([complaint(13, closed_on=date(2026, 12, 1))], [])
    cell = load_openpyxl(register)[SHEET_NAME][f"O{LAST + 1}"]
    assert cell.is_date
    assert cell.value == datetime(2026, 12, 1)


def test_journal_sheet_gets_one_line_per_note(appended: tuple[Path, dict[str, bytes]]) -> None:
    register, _ = appended
    rows = CalamineWorkbook.from_path(str(register)).get_sheet_by_name("Journal").to_python()
    assert rows[2:] == [[WHEN, "Ajout", "mail-0042.eml", f"REC-2026-00{n}",
                         "Réclamation enregistrée"] for n in (13, 14, 15)]


def test_workbook_without_journal_sheet_gets_no_new_sheet(tmp_path: Path) -> None:
    path = tmp_path / "simple.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Réclamations"
    sheet.append(["N°", "Date de réception", "Nom du déclarant", "Objet"])
    sheet.append(["REC-2026-0001", date(2026, 1, 5), "Ancien", "Ancien objet"])
    workbook.save(path)
    appender = XmlAppender(binding_for(path), backup_dir=tmp_path / ".backup")
    row = complaint(2)
    result = appender.append([row], [note(row)])
    assert result.written == ("REC-2026-0002",)
    reread = openpyxl.load_workbook(path)
    assert reread.sheetnames == ["Réclamations"]
    assert [c.value for c in reread["Réclamations"][3]] == [
        "REC-2026-0002", datetime(2026, 11, 20), "Camille Martin 2", "Salle trop froide 2"]


def test_first_row_of_an_empty_register_takes_the_column_format(tmp_path: Path) -> None:
    path = tmp_path / "vide.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Réclamations"
    sheet.append(["N°", "Date de réception", "Nom du déclarant"])
    sheet.column_dimensions["B"].number_format = "DD/MM/YYYY"
    sheet.auto_filter.ref = "A1:C1"
    workbook.save(path)
    appender = XmlAppender(binding_for(path), backup_dir=tmp_path / ".backup")
    appender.append([complaint(1), complaint(2)], [])
    reread = openpyxl.load_workbook(path)["Réclamations"]
    assert [reread[f"A{n}"].value for n in (2, 3)] == ["REC-2026-0001", "REC-2026-0002"]
    assert reread["B2"].number_format == "DD/MM/YYYY"
    assert reread["B3"].value == datetime(2026, 11, 20)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=200))
def test_any_text_reads_back_as_written(tmp_path: Path, text: str) -> None:
    folder = tmp_path / f"h{abs(hash(text))}"
    folder.mkdir()
    register = Path(shutil.copy(FIXTURE, folder / "registre.xlsx"))
    appender_for(register).append([complaint(13, subject=text)], [])
    rows = CalamineWorkbook.from_path(str(register)).get_sheet_by_name(SHEET_NAME).to_python()
    assert rows[LAST][8] == clean_text(text)


# -- the contract: ids, retries, locks, crashes ----------------------------------------------


def test_highest_id_reads_the_id_column(register: Path) -> None:
    appender = appender_for(register)
    assert appender.highest_id(2026) == ROWS_IN_FIXTURE
    assert appender.highest_id(2027) == 0


def test_retry_of_the_same_append_writes_nothing_twice(register: Path) -> None:
    appender = appender_for(register)
    rows = [complaint(13), complaint(14)]
    appender.append(rows, [note(r) for r in rows])
    written = register.read_bytes()
    again = appender.append([*rows, complaint(15)], [note(r) for r in [*rows, complaint(15)]])
    assert again.written == ("REC-2026-0015",)
    assert again.already_present == ("REC-2026-0013", "REC-2026-0014")
    retry = appender.append(rows, [note(r) for r in rows])
    assert retry == xml_appender.AppendResult((), ("REC-2026-0013", "REC-2026-0014"))
    ids = [r[0] for r in CalamineWorkbook.from_path(str(register))
           .get_sheet_by_name(SHEET_NAME).to_python()[LAST:]]
    assert ids[:3] == ["REC-2026-0013", "REC-2026-0014", "REC-2026-0015"]
    journal = CalamineWorkbook.from_path(str(register)).get_sheet_by_name("Journal").to_python()
    assert [r[3] for r in journal[2:]] == ["REC-2026-0013", "REC-2026-0014", "REC-2026-0015"]
    assert written != register.read_bytes()


def test_nothing_to_write_leaves_the_file_untouched(register: Path) -> None:
    appender = appender_for(register)
    appender.append([complaint(13)], [])
    stamp = register.stat().st_mtime_ns
    backups = sorted((register.parent / ".backup").iterdir())
    result = appender.append([complaint(13)], [])  # the same row, already there
    assert result.already_present == ("REC-2026-0013",)
    assert register.stat().st_mtime_ns == stamp
    assert sorted((register.parent / ".backup").iterdir()) == backups


@pytest.mark.parametrize("owner", ["~${name}", ".~lock.{name}#"])
def test_register_open_in_excel_raises_register_locked(register: Path, owner: str) -> None:
    register.with_name(owner.format(name=register.name)).write_bytes(b"owner")
    before = register.read_bytes()
    with pytest.raises(RegisterLocked, match="ouvert dans Excel"):
        appender_for(register).append([complaint(13)], [])
    assert register.read_bytes() == before


def test_register_that_cannot_be_replaced_raises_register_locked(
        register: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = register.read_bytes()

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(os, "replace", refuse)  # Windows, while another program holds it
    with pytest.raises(RegisterLocked):
        appender_for(register).append([complaint(13)], [])
    assert register.read_bytes() == before
    assert [p.name for p in register.parent.iterdir() if p.suffix == ".tmp"] == []


def test_crash_in_the_middle_of_the_write_leaves_the_original_intact(
        register: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = register.read_bytes()
    real = xml_appender.write_streamed

    def crash(source: Path, target: Path, replaced: dict[str, bytes],
              streamed: dict[str, StreamedPart]) -> None:
        real(source, target, replaced, streamed)
        with target.open("r+b") as half:
            half.truncate(target.stat().st_size // 2)
        raise OSError("disk full")

    monkeypatch.setattr(xml_appender, "write_streamed", crash)
    with pytest.raises(RegisterError):
        appender_for(register).append([complaint(13)], [])
    assert register.read_bytes() == before
    assert load_openpyxl(register)[SHEET_NAME][f"A{LAST}"].value == "REC-2026-0012"
    assert [p.name for p in register.parent.iterdir() if p.suffix == ".tmp"] == []


def test_backups_are_kept_and_bounded(register: Path) -> None:
    appender = appender_for(register)
    for number in range(13, 20):
        appender.append([complaint(number)], [])
    backups = sorted((register.parent / ".backup").iterdir())
    assert len(backups) == 5
    assert all(b.name.startswith(register.stem + ".") for b in backups)


def test_update_fills_empty_cells_and_keeps_what_a_person_typed(register: Path) -> None:
    appender = appender_for(register)
    appender.append([complaint(13, responded_on=None, status=None)], [])
    result = appender.update({
        "REC-2026-0013": {"responded_on": date(2026, 11, 30), "name": "Autre nom",
                          "status": "Résolue"},
        "REC-2026-0099": {"status": "Close"}}, [])
    assert result.changed == {"REC-2026-0013": ("responded_on", "status")}
    assert result.kept == {"REC-2026-0013": ("name",)}
    assert result.missing_ids == ("REC-2026-0099",)
    sheet = load_openpyxl(register)[SHEET_NAME]
    assert sheet[f"L{LAST + 1}"].value == datetime(2026, 11, 30)
    assert sheet[f"K{LAST + 1}"].value == "Résolue"
    assert sheet[f"E{LAST + 1}"].value == "Camille Martin 13"
    overwritten = appender.update({"REC-2026-0013": {"name": "Autre nom"}}, [], overwrite=True)
    assert overwritten.changed == {"REC-2026-0013": ("name",)}
    assert load_openpyxl(register)[SHEET_NAME][f"E{LAST + 1}"].value == "Autre nom"


def test_missing_id_column_names_what_was_expected_and_found(tmp_path: Path) -> None:
    path = tmp_path / "sans-numero.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Réclamations"
    workbook.active.append(["Date de réception", "Nom du déclarant"])
    workbook.save(path)
    appender = XmlAppender(RegisterBinding(RECLAMATIONS, path), backup_dir=tmp_path / ".b")
    with pytest.raises(ColumnMissing, match=r"« N° ».*« Date de réception »"):
        appender.append([complaint(1)], [])


def test_a_renamed_sheet_is_found_again_by_its_header(register: Path) -> None:
    mapping = adopt_register(register, "reclamations", sheet=None).mapping
    binding = RegisterBinding(RECLAMATIONS, register, sheet="Plaintes", columns=mapping,
                              adopted=True)
    assert XmlAppender(binding, backup_dir=register.parent / ".b").highest_id(2026) == 12


def test_unknown_sheet_is_named_with_the_sheets_found(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Nom", "Commentaire"])
    workbook.create_sheet("Contacts").append(["Nom", "Téléphone"])
    workbook.save(path)
    binding = RegisterBinding(RECLAMATIONS, path, sheet="Plaintes")
    with pytest.raises(RegisterError, match=r"« Plaintes ».*« Notes », « Contacts »"):
        XmlAppender(binding, backup_dir=tmp_path / ".b").highest_id(2026)


def test_not_a_workbook_raises_register_error(tmp_path: Path) -> None:
    path = tmp_path / "faux.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(RegisterError, match=r"faux\.xlsx"):
        XmlAppender(RegisterBinding(RECLAMATIONS, path), backup_dir=tmp_path).highest_id(2026)


# -- LibreOffice opens the result and computes the formulas ----------------------------------


@pytest.mark.slow
def test_libreoffice_converts_the_result_and_computes_the_new_formulas(
        appended: tuple[Path, dict[str, bytes]], tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is required: apt-get install libreoffice-calc")
    register, _ = appended
    out = tmp_path / "csv"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
         "false,-1", "--outdir", str(out), str(register)],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    text = next(out.glob(f"*-{SHEET_NAME}.csv")).read_text(encoding="utf-8")
    new = list(csv.reader(io.StringIO(text)))[LAST:LAST + 3]
    assert [row[0] for row in new] == ["REC-2026-0013", "REC-2026-0014", "REC-2026-0015"]
    assert new[0][12] == "5"  # Délai (jours) = 25/11 - 20/11, computed by LibreOffice
    assert new[0][13] == "Non"  # the table's calculated column
    assert new[1][12] == ""  # no answer yet
    journal = next(out.glob("*-Journal.csv")).read_text(encoding="utf-8")
    assert "REC-2026-0015" in journal


# -- references as Excel moves them ------------------------------------------------------------


@pytest.mark.parametrize(("formula", "moved"), [
    ('IF(L6="","",L6-B6)', 'IF(L7="","",L7-B7)'),
    ("SUM(A1:A5)+$A$5+A$5+$A5", "SUM(A2:A6)+$A$5+A$5+$A6"),
    ("'Listes'!A1+Listes!$A$2+'It''s'!B3", "'Listes'!A2+Listes!$A$2+'It''s'!B4"),
    ("LOG10(A2)+ATAN2(B2,C2)", "LOG10(A3)+ATAN2(B3,C3)"),
    ("Tbl[@Date]-[@[Date de réception]]", "Tbl[@Date]-[@[Date de réception]]"),
    ('"A1"&A1', '"A1"&A2'),
    ("1E5+A1", "1E5+A2"),
    ("SUM(5:10)+SUM($5:$6)+SUM(A:A)", "SUM(6:11)+SUM($5:$6)+SUM(A:A)"),
    ("_xlfn.DAYS(T6,B6)+NETWORKDAYS(B6,TODAY())", "_xlfn.DAYS(T7,B7)+NETWORKDAYS(B7,TODAY())"),
    ("Réclamations!B6+[1]Feuil1!A1", "Réclamations!B7+[1]Feuil1!A2"),
])
def test_formulas_move_as_excel_fill_down_moves_them(formula: str, moved: str) -> None:
    assert shift_formula(formula, rows=1) == moved


def test_ranges_covering_the_last_row_grow_and_others_stay() -> None:
    grow = RowMove(anchor=17, last=20)
    assert move_sqref("C6:C17 E6 A1:B3 G1:G100", grow) == "C6:C20 E6 A1:B3 G1:G100"
    assert move_sqref("C17", RowMove(anchor=17, last=19)) == "C17:C19"


def test_what_lies_under_the_new_rows_moves_down_and_whole_columns_stay_on_the_sheet() -> None:
    move = RowMove(anchor=8, last=10, at=9, by=2)  # two rows above a TOTAL on row 9
    assert move_sqref("A5:G8 A9:G9 C5:C1048576 A1:G1", move) == "A5:G10 A11:G11 C5:C1048576 A1:G1"
    assert move_sqref("B9 A5:A8", move, grow=False) == "B11 A5:A8"  # merges never grow
    assert move_references("COUNTA(A5:A8)+B9", move, sheet="R", implicit=True, grow=True) \
        == "COUNTA(A5:A10)+B11"
    assert move_references("SUM($B$5:B8)", move, sheet="R", implicit=True, grow=False) \
        == "SUM($B$5:B8)"  # a running total in a data row keeps its range
    assert move_references("'Mon R'!B9+Listes!A9+[1]R!A9", move, sheet="Mon R",
                           implicit=False, grow=True) == "'Mon R'!B11+Listes!A9+[1]R!A9"


def test_big_register_parts_are_spliced_not_rebuilt(tmp_path: Path) -> None:
    register = build_office_workbook(tmp_path / "gros.xlsx", rows=3_000)
    before = members(register)
    appender_for(register).append([complaint(90_001)], [])
    after = members(register)
    old, new = before[SHEET], after[SHEET]
    cut = old.index(b'<row r="3006"')  # the first pre-formatted row, now filled
    assert new[:cut] == old[:cut]
    assert new.count(b"<row ") == old.count(b"<row ")
