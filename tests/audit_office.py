"""The office whose year 2026 is ``tests/data/reg-audit-2026/``, replayed day by day.

Each step of ``year-2026.json`` runs through the tool's own pipeline with the clock set to its
day: a file dropped into the inbox is ingested and written; a person's edit is saved the way
Excel saves (a temporary file renamed over the register) and looked at by the register
watcher; letters a person says were sent are marked so and their dates written back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final

import openpyxl

from automation.clock import PARIS, FixedClock
from automation.pipeline import sent
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.pipeline.scaffold import init_office
from automation.pipeline.writeback import write_back
from automation.registers.risks import HEADER_ROW as RISK_HEADER
from automation.registers.risks import SHEET as RISK_SHEET
from automation.registers.workbook import HEADER_ROW

SAMPLES: Final = Path(__file__).resolve().parent / "data" / "reg-audit-2026"
# Mid-January 2027: the office prepares its audit of 2026.
AUDIT_DAY: Final = datetime(2027, 1, 15, 10, 0, tzinfo=PARIS)
AUTHOR: Final = "Claire Martin"
_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONFIG: Final = """[organisation]
name = "Formations Azur"
nda = "93 06 12345 06"
siret = "12345678900012"
address = "12 rue de France\\n06000 Nice"
city = "Nice"
signatory = "Claire Martin"
signatory_title = "Directrice"

[surveys]
invite = false
"""


def timeline() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((SAMPLES / "year-2026.json").read_text("utf-8"))
    return data


def _value(value: Any) -> Any:
    if isinstance(value, str) and _DAY.match(value):
        return datetime.fromisoformat(value)
    return value


def save_as_excel_does(path: Path, sheet_name: str, record_id: str, values: dict[str, Any],
                       *, header_row: int = HEADER_ROW, key: str = "N°") -> None:
    """Change cells of a row, save to a temporary file beside it, rename it over the register."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    columns = {cell.value: cell.column for cell in sheet[header_row]}
    line = next(row[0].row for row in sheet.iter_rows(min_row=header_row + 1)
                if row[columns[key] - 1].value == record_id)
    for header, value in values.items():
        cell = sheet.cell(row=line, column=columns[header])
        cell.value = _value(value)  # None empties the cell, as a person's Delete does
        if isinstance(cell.value, datetime):
            cell.number_format = "DD/MM/YYYY"
    workbook.properties.lastModifiedBy = AUTHOR
    temporary = path.with_name("5F3A9C1B")  # Excel's temporary save: 8 hex digits
    with temporary.open("wb") as stream:
        workbook.save(stream)
    os.replace(temporary, path)


def _step(office: Office, clock: FixedClock, step: dict[str, Any]) -> None:
    day = date.fromisoformat(step["day"])
    clock.when = datetime(day.year, day.month, day.day, 10, 0, tzinfo=PARIS)
    config = office.config
    if "drop" in step:
        target = config.inbox_dir / step["drop"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / step["drop"], target)
        report = ingest_file(office, target)
        assert report.accepted, (step, report)
    elif "edit" in step:
        binding = config.binding(step["edit"])
        save_as_excel_does(binding.path, binding.sheet_name, step["id"], step["values"])
        found = look_at_register(office, binding)
        assert found is not None and step["id"] in found.changed, (step, found)
    elif "sent" in step:
        result = sent.declare_sent(office, step["sent"], on=day)
        assert result.marked and not result.problems, (step, result)
        write_back(office)
    elif "risks" in step:
        path = config.binding("actions").path
        for ref, (likelihood, impact, reviewed, actions) in step["risks"].items():
            save_as_excel_does(path, RISK_SHEET, ref, {
                "Probabilité (1 à 4)": likelihood, "Impact (1 à 4)": impact,
                "Revue le": reviewed, "Actions liées (ACT-)": actions or None},
                header_row=RISK_HEADER)
        look_at_register(office, config.binding("actions"))
    catch_up(office)


def year_2026(root: Path) -> tuple[Path, FixedClock]:
    """An office made by ``init`` that lived 2026 as ``year-2026.json`` says; the clock is
    left on the audit day."""
    clock = FixedClock(datetime(2025, 12, 1, 9, 0, tzinfo=PARIS))
    init_office(root, clock=clock)
    (root / "automation.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copyfile(SAMPLES / "sessions.xlsx", root / "registers" / "sessions.xlsx")
    with open_office(root, clock=clock) as office:
        for binding in office.config.bindings():  # the watcher's first look at start-up
            look_at_register(office, binding)
        for step in timeline():
            _step(office, clock, step)
    clock.when = AUDIT_DAY
    return root, clock
