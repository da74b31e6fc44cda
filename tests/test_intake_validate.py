"""Rows into records and rejections: defaults, notes, every reason, stable fingerprints."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from automation.intake import read_spreadsheet
from automation.intake.config import Intake
from automation.intake.headers import route
from automation.intake.spreadsheet import make_table
from automation.intake.validate import (
    ValidationResult,
    canonical,
    column_letter,
    fingerprint,
    validate,
)
from automation.records import CellValue
from automation.registers.schema import RECLAMATIONS

DATA = Path(__file__).resolve().parent / "data"
MESSY = DATA / "drop-reclamations-messy.xlsx"
HEADERS = ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature",
           "Objet"]
ROW = ["02/03/2026", "Email", "Apprenant", "Jeanne Martin", "Réclamation", "Salle froide"]


def run(rows: Sequence[Sequence[CellValue]], name: str = "plaintes.xlsx") -> ValidationResult:
    table = make_table("Feuil1", rows)
    return validate(table, route(table, "reclamations"), source_name=name)


def write(path: Path, rows: Sequence[Sequence[CellValue]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def test_defaults_source_and_nothing_the_journal_owns() -> None:
    (record,) = run([HEADERS, ROW]).records
    assert record.values["status"] == "Nouvelle"
    assert record.values["severity"] == "À qualifier"
    assert record.values["source"] == record.source == "plaintes.xlsx, ligne 2"
    assert "id" not in record.values and "imported_at" not in record.values
    assert record.register == "reclamations"


def test_a_value_given_is_kept_over_the_default() -> None:
    (record,) = run([[*HEADERS, "Statut"], [*ROW, "en cours"]]).records
    assert record.values["status"] == "En cours"


def test_all_the_reasons_of_a_row_are_collected() -> None:
    bad = ["31/02/2026", "Fax", "", "", "Réclamation", "Objet"]
    result = run([HEADERS, ROW, bad])
    (rejection,) = result.rejections
    assert rejection.line == 3
    assert rejection.reasons == (
        "Date de réception « 31/02/2026 » n'existe pas.",
        "Canal « Fax » n'est pas une valeur possible. Valeurs possibles : Email, Courrier, "
        "Téléphone, Formulaire, Enquête de satisfaction, Oral, Autre.",
        "Partie prenante est obligatoire : la cellule est vide.",
        "Nom du déclarant est obligatoire : la cellule est vide.",
    )
    assert len(result.records) == 1


def test_blank_rows_are_skipped_and_rows_with_only_unknown_values_are_listed() -> None:
    result = run([HEADERS, ["  ", None, "\t"], [*ROW, "à part"], [None] * 6 + ["total : 1"]])
    assert len(result.records) == 1 and not result.rejections
    assert result.ignored_lines == (4,)


def test_unknown_columns_merge_into_a_mapped_notes_column() -> None:
    headers = [*HEADERS, "Téléphone", "Observations", "", "Code"]
    row = [*ROW, "06 12 34 56 78", "Rappeler", "sans en-tête", 3.0]
    (record,) = run([headers, row]).records
    assert record.values["notes"] == (
        "Rappeler\nTéléphone : 06 12 34 56 78\nColonne I : sans en-tête\nCode : 3")


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_same_file_read_twice_gives_the_same_fingerprints(tmp_path: Path) -> None:
    first = read_spreadsheet(MESSY.name, MESSY.read_bytes(), hint=None, limits=Intake(),
                             source_name="a.xlsx")
    copy = shutil.copy(DATA / "drop-reclamations-messy.xlsx", tmp_path / "autre-nom.xlsx")
    second = read_spreadsheet(Path(copy).name, Path(copy).read_bytes(), hint=None, limits=Intake(),
                              source_name="b.xlsx")
    assert [r.fingerprint for r in first.records] == [r.fingerprint for r in second.records]
    assert len({r.fingerprint for r in first.records}) == len(first.records)


def test_identical_rows_in_one_file_count_twice(tmp_path: Path) -> None:
    result = run([HEADERS, ROW, ROW, ROW])
    fingerprints = [r.fingerprint for r in result.records]
    assert len(set(fingerprints)) == 3


def test_a_re_export_with_more_rows_keeps_the_old_fingerprints(tmp_path: Path) -> None:
    other = ["03/03/2026", "Courrier", "Entreprise", "Alpha", "Aléa", "Retard"]
    old = run([HEADERS, ROW, other, ROW])
    longer = run([["Export du 04/03/2026"], HEADERS, ROW, other, ROW, ROW, other])
    assert [r.fingerprint for r in longer.records][:3] == [r.fingerprint for r in old.records]
    assert len({r.fingerprint for r in longer.records}) == 5


def test_the_same_values_typed_differently_give_the_same_fingerprint(tmp_path: Path) -> None:
    typed = write(tmp_path / "a.xlsx", [HEADERS, [date(2026, 3, 2), *ROW[1:]]])
    text = write(tmp_path / "b.xlsx", [list(reversed(HEADERS)), list(reversed(
        ["2 mars 2026", "e-mail", "apprenant", "Jeanne  Martin", "reclamation", "Salle froide"]))])
    a, b = (read_spreadsheet(p.name, p.read_bytes(), hint=None, limits=Intake(),
                             source_name=p.name).records[0]
            for p in (typed, text))
    assert a.fingerprint == b.fingerprint


def test_header_texts_are_returned_for_the_rejection_copy() -> None:
    result = run([["Titre"], [], HEADERS, ROW])
    assert result.header == tuple(HEADERS)
    assert result.register == "reclamations"


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(),
                         st.floats(allow_nan=False, allow_infinity=False))


@given(st.text(), st.lists(json_scalars), st.integers(min_value=0))
def test_a_row_is_known_by_the_sha256_of_its_register_values_and_occurrence_as_json(
        register: str, known: list[object], occurrence: int) -> None:
    """The fingerprint of every row recorded so far: the journal recognises a file dropped
    again by it, across versions."""
    payload = json.dumps([register, known, occurrence], ensure_ascii=False)
    assert fingerprint(register, known, occurrence) == hashlib.sha256(
        payload.encode("utf-8")).hexdigest()


def test_each_record_of_a_file_is_known_by_its_values_and_how_often_they_came_before() -> None:
    other: list[CellValue] = ["03/03/2026", *ROW[1:3], "Léa Petit", *ROW[4:5], "Retard"]
    rows: list[Sequence[CellValue]] = [HEADERS, ROW, ROW, other]
    result = run(rows)
    known = [canonical(RECLAMATIONS, dict(r.values)) for r in result.records]
    assert [r.fingerprint for r in result.records] == [
        fingerprint("reclamations", known[0], 0), fingerprint("reclamations", known[1], 1),
        fingerprint("reclamations", known[2], 0)]
    assert known[0] == known[1] and known[0][:1] == ["2026-03-02"]
