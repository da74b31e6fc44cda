from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from automation.config import load_config
from automation.registers.schema import DEFAULT_REGISTERS, Kind
from automation.registers.workbook import HEADER_ROW, JOURNAL_SHEET, create_register
from automation.text import fold


@pytest.mark.parametrize("schema", DEFAULT_REGISTERS, ids=lambda s: s.key)
def test_default_register_is_a_controlled_comfortable_workbook(tmp_path: Path, schema) -> None:
    binding = load_config(tmp_path, environ={}).binding(schema.key)
    create_register(binding, today=date(2026, 11, 22))
    workbook = openpyxl.load_workbook(binding.path)
    sheet = workbook[schema.sheet]
    assert schema.reference in str(sheet["A2"].value)
    assert "Révision 1" in str(sheet["A2"].value)
    assert [c.value for c in sheet[HEADER_ROW]] == [f.header for f in schema.fields]
    assert sheet.freeze_panes == f"B{HEADER_ROW + 1}"
    validated = {str(ref).split(":")[0][:-1].rstrip("0123456789")
                 for dv in sheet.data_validations.dataValidation for ref in dv.sqref.ranges}
    enum_columns = {openpyxl.utils.get_column_letter(i) for i, f in
                    enumerate(schema.fields, start=1) if f.kind in (Kind.ENUM, Kind.SCORE)}
    assert enum_columns <= {v.rstrip("0123456789") for v in validated} | validated
    assert [c.value for c in workbook[JOURNAL_SHEET][1]][:4] == ["Horodatage", "Action",
                                                                  "Source", "N°"]


def test_creating_a_register_never_overwrites_one(tmp_path: Path) -> None:
    binding = load_config(tmp_path, environ={}).binding("reclamations")
    binding.path.parent.mkdir(parents=True)
    binding.path.write_bytes(b"the office's own file")
    create_register(binding, today=date(2026, 11, 22))
    assert binding.path.read_bytes() == b"the office's own file"


@pytest.mark.parametrize("schema", DEFAULT_REGISTERS, ids=lambda s: s.key)
def test_no_header_name_designates_two_fields_of_one_register(schema) -> None:
    owners: dict[str, str] = {}
    for field in schema.fields:
        for name in field.names:
            key = fold(name)
            assert owners.setdefault(key, field.key) == field.key, (name, field.key, owners[key])
