"""The sandboxed reader: a large sheet's records come back in frames, and a reader that grew
reading a file ends once it answered.

Real files are read by the real child process (``python -m automation.intake.sandbox_worker``)
and compared with the same read done in this process.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.intake.config import Intake
from automation.intake.reader import InProcessReader, SheetRequest
from automation.intake.sandbox import ANSWER_MORE, ANSWER_OK, CHUNK_RECORDS, SandboxReader
from automation.intake.sandbox_worker import frames
from automation.intake.tables import SpreadsheetIntake
from automation.intake.validate import HAND_OVER_EVERY
from automation.records import Record

HEADER = "Reçu le;Objet;Nom;E-mail;Partie prenante;Canal;Nature"


def excel_csv(path: Path, rows: int, *, bad_every: int = 0) -> Path:
    """A complaints list saved by French Excel as CSV: Windows-1252, semicolons, CRLF; every
    ``bad_every``-th row with a date that does not exist, and some subjects that look like
    formulas."""
    lines = [HEADER]
    for n in range(rows):
        day = "31/02/2026" if bad_every and n % bad_every == 0 else f"{1 + n % 28:02d}/03/2026"
        subject = f"=SOMME(A{n})" if n % 97 == 0 else f"Réclamation n° {n} : café à 3 €"
        lines.append(f"{day};{subject};Stagiaire {n} Hélène;stagiaire{n}@exemple.fr;"
                     "Apprenant;Email;Réclamation")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def request(path: Path) -> SheetRequest:
    return SheetRequest(path.name, path.read_bytes(), hint="reclamations", limits=Intake(),
                        source_name=path.name)


@pytest.fixture
def reader() -> Iterator[SandboxReader]:
    sandbox = SandboxReader()
    yield sandbox
    sandbox.close()


def test_a_large_sheet_read_in_the_child_gives_the_records_and_rejections_read_here(
        tmp_path: Path, reader: SandboxReader) -> None:
    path = excel_csv(tmp_path / "Réclamations mars.csv", 2 * CHUNK_RECORDS + 517, bad_every=50)
    here = InProcessReader().spreadsheet(request(path))
    there = reader.spreadsheet(request(path))
    assert len(there.records) > 2 * CHUNK_RECORDS  # several frames
    assert there == here
    assert [r.values["source"] for r in there.records][:2] == [
        "Réclamations mars.csv, ligne 3", "Réclamations mars.csv, ligne 4"]
    assert len(there.rejections) == len(range(0, 2 * CHUNK_RECORDS + 517, 50))
    formula = next(r for r in there.records if str(r.values["subject"]).startswith("=SOMME"))
    assert formula.values["subject"] == "=SOMME(A97)"  # text, written as text by the writer


def test_records_are_handed_over_as_they_are_read_and_the_intake_holds_the_rest(
        tmp_path: Path) -> None:
    path = excel_csv(tmp_path / "Réclamations mars.csv", 3 * HAND_OVER_EVERY + 100, bad_every=50)
    whole = InProcessReader().spreadsheet(request(path))
    given: list[list[Record]] = []
    rest = InProcessReader().spreadsheet(request(path), hand_over=given.append)
    assert [len(chunk) for chunk in given] == [HAND_OVER_EVERY] * 3
    assert [r for chunk in given for r in chunk] + rest.records == whole.records
    assert len(rest.records) == len(whole.records) - 3 * HAND_OVER_EVERY
    assert rest.rejections == whole.rejections and rest.header == whole.header


def _intake(count: int) -> SpreadsheetIntake:
    records = [Record("reclamations", {"subject": f"n° {n}"}, f"fp-{n}", f"f.csv, ligne {n}")
               for n in range(count)]
    return SpreadsheetIntake("reclamations", records, [], ("Objet",), False, "f")


@pytest.mark.parametrize("count", [0, 1, CHUNK_RECORDS, CHUNK_RECORDS + 1,
                                   3 * CHUNK_RECORDS + 7])
def test_frames_carry_every_record_once_in_order(count: int) -> None:
    intake = _intake(count)
    parts = list(frames((ANSWER_OK, intake)))
    *more, last = parts
    assert all(kind == ANSWER_MORE and 0 < len(chunk) <= CHUNK_RECORDS for kind, chunk in more)
    assert last[0] == ANSWER_OK and len(last[1].records) <= CHUNK_RECORDS
    joined = [r for _, chunk in more for r in chunk] + last[1].records
    assert joined == intake.records
    assert last[1].header == intake.header and last[1].register == intake.register


def test_answers_without_records_are_one_frame() -> None:
    assert list(frames(("refused", "Fichier illisible"))) == [("refused", "Fichier illisible")]


def test_small_reads_share_one_reader(tmp_path: Path, reader: SandboxReader) -> None:
    small = excel_csv(tmp_path / "petit.csv", 20)
    reader.spreadsheet(request(small))
    first = reader.child_pid
    reader.spreadsheet(request(small))
    assert first is not None and reader.child_pid == first


def test_a_reader_that_grew_reading_a_file_ends_and_the_next_read_starts_another(
        tmp_path: Path, reader: SandboxReader) -> None:
    small = excel_csv(tmp_path / "petit.csv", 20)
    big = excel_csv(tmp_path / "Réclamations 2026.csv", 20_000)
    assert len(reader.spreadsheet(request(small)).records) == 20
    assert reader.child_pid is not None
    assert len(reader.spreadsheet(request(big)).records) == 20_000
    assert reader.child_pid is None  # its memory is given back before the rows are written
    assert len(reader.spreadsheet(request(small)).records) == 20
    assert reader.child_pid is not None


def test_the_child_runs_the_package_the_watcher_runs_whatever_folder_it_is_started_from(
        tmp_path: Path, reader: SandboxReader, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder named ``automation`` where the command is run (a copy of another version,
    anything a person left there) is never what the reader runs."""
    stray = tmp_path / "here" / "automation" / "intake"
    stray.mkdir(parents=True)
    marker = tmp_path / "stray-code-ran"
    for package in (stray.parent, stray):
        (package / "__init__.py").write_text("", encoding="utf-8")
    (stray / "sandbox_worker.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n", encoding="utf-8")
    path = excel_csv(tmp_path / "plaintes.csv", 3)
    monkeypatch.chdir(tmp_path / "here")
    there = reader.spreadsheet(request(path))
    assert len(there.records) == 3
    assert not marker.exists()
