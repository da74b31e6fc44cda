"""Zip bomb and size guards: a dropped workbook is refused before it is expanded."""

from __future__ import annotations

import struct
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from automation.errors import IntakeError
from automation.intake import read_spreadsheet
from automation.intake.config import Intake
from automation.intake.safety import check_zip

SPACES_MB = 50


def bomb(path: Path) -> Path:
    """A real workbook whose sheet part is padded with 50 MB of spaces (~50 KB compressed)."""
    source = path.with_name("base.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["Apprenant", "Formation", "Absence constatée le"])
    book.save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * SPACES_MB * 2**20)
            out.writestr(item.filename, data)
    return path


def read(path: Path, limits: Intake) -> None:
    read_spreadsheet(path.name, path.read_bytes(), hint=None, limits=limits,
                     source_name=path.name)


def test_zip_bomb_is_refused_by_its_declared_size_without_expanding_it(tmp_path: Path) -> None:
    dropped = bomb(tmp_path / "bombe.xlsx")
    assert dropped.stat().st_size < 1_000_000
    started = time.perf_counter()
    with pytest.raises(IntakeError, match="limite de sécurité de 10 Mo"):
        read(dropped, Intake(max_uncompressed_mb=10, max_compression_ratio=10_000))
    assert time.perf_counter() - started < 0.5


def test_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    dropped = bomb(tmp_path / "bombe.xlsx")
    with pytest.raises(IntakeError, match="compressée plus de 200 fois"):
        read(dropped, Intake())


def test_zip_whose_headers_lie_about_sizes_is_refused(tmp_path: Path) -> None:
    dropped = bomb(tmp_path / "menteur.xlsx")
    data = bytearray(dropped.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # Claim 1,000 bytes uncompressed in both the local header and the central directory.
    # (signature, offset of the uncompressed size, of the name length, of the name)
    for signature, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                    (b"PK\x01\x02", 24, 28, 46)):
        start = data.find(signature)
        while start != -1:
            (name_len,) = struct.unpack_from("<H", data, start + name_len_at)
            if data[start + name_at:start + name_at + name_len] == name:
                struct.pack_into("<I", data, start + size_at, 1000)
            start = data.find(signature, start + 4)
    dropped.write_bytes(bytes(data))
    with pytest.raises(IntakeError, match="n'a pas pu être lu : il est endommagé"):
        check_zip(dropped.read_bytes(), Intake(), name=dropped.name)


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    dropped = tmp_path / "parties.xlsx"
    with zipfile.ZipFile(dropped, "w") as archive:
        for number in range(10_001):
            archive.writestr(f"x/{number}.xml", b"")
    with pytest.raises(IntakeError, match="plus de 10000 parties"):
        check_zip(dropped.read_bytes(), Intake(), name=dropped.name)


def test_ordinary_workbook_passes_the_guards(tmp_path: Path) -> None:
    dropped = tmp_path / "ordinaire.xlsx"
    book = openpyxl.Workbook()
    for number in range(2000):
        book.active.append(["Apprenant", number, "texte répété " * 5])
    book.save(dropped)
    check_zip(dropped.read_bytes(), Intake(), name=dropped.name)
