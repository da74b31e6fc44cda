"""Build the owner files a spreadsheet program leaves beside a workbook it has open.

Run from the repository root: ``.venv/bin/python tests/data/build_owner_files.py``.

LibreOffice (headless, with a throw-away profile whose user is « Hélène Dupré » and with
« create MSO lock files » switched on, as an office sharing files with Excel users sets it)
opens a register for editing; the two files it writes beside it are copied here:

* ``reg-owner-mso-helene-dupre.bin`` — the ``~$reclamations.xlsx`` owner file in Excel's own
  165-byte format (the name in the Windows code page, then in UTF-16), which Excel reads to
  say « ce fichier est verrouillé par Hélène Dupré »;
* ``reg-owner-lo-helene-dupre.txt`` — LibreOffice's ``.~lock.reclamations.xlsx#`` (one CSV
  line: name, system user, host, time, profile).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.UserProfile/Data">
 <prop oor:name="givenname" oor:op="fuse"><value>Hélène</value></prop></item>
<item oor:path="/org.openoffice.UserProfile/Data">
 <prop oor:name="sn" oor:op="fuse"><value>Dupré</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Filter/Microsoft/Import">
 <prop oor:name="CreateMSOLockFiles" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as work_name:
        work = Path(work_name)
        profile = work / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(REGISTRY, encoding="utf-8")
        register = work / "reclamations.xlsx"
        workbook = openpyxl.Workbook()
        workbook.active["A1"] = "Registre des réclamations"  # type: ignore[index]
        workbook.save(register)
        mso = work / "~$reclamations.xlsx"
        lo = work / ".~lock.reclamations.xlsx#"
        office = subprocess.Popen(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
             str(register)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):  # LibreOffice starts in a few seconds; a loaded machine, more
                if mso.exists() and lo.exists() and mso.stat().st_size and lo.stat().st_size:
                    break
                time.sleep(0.1)
            else:
                raise SystemExit("LibreOffice wrote no owner file")
            time.sleep(0.5)
            shutil.copyfile(mso, HERE / "reg-owner-mso-helene-dupre.bin")
            shutil.copyfile(lo, HERE / "reg-owner-lo-helene-dupre.txt")
        finally:
            office.terminate()
            office.wait(timeout=60)


if __name__ == "__main__":
    main()
