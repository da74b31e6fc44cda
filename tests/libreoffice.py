"""LibreOffice as an independent reader: every sheet of a workbook as Calc computes it."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

# Calc recalculates every formula of an .xlsx on load, whatever the cached results say.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
CSV_ALL_SHEETS = ("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,"
                  "-1")


def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail("LibreOffice (soffice) is required: apt-get install libreoffice-calc")
    return found


def recalculated(path: Path, work: Path) -> dict[str, list[list[str]]]:
    """Sheet name -> rows of the text Calc shows, after a full recalculation."""
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    out = work / "csv"
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         CSV_ALL_SHEETS, "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    sheets: dict[str, list[list[str]]] = {}
    for found in out.glob(f"{path.stem}-*.csv"):
        name = found.stem[len(path.stem) + 1:]
        sheets[name] = list(csv.reader(io.StringIO(found.read_text(encoding="utf-8"))))
    return sheets


def to_pdf(path: Path, work: Path) -> Path:
    """``path`` printed to PDF by Calc (for looking at it)."""
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{work / 'lo-profile-pdf'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(work), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    return work / f"{path.stem}.pdf"
