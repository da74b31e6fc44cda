"""Save a workbook with a password, as a person does in LibreOffice (« Enregistrer avec mot de
passe »): ``/usr/bin/python3 encrypt_with_libreoffice.py SOURCE.xlsx OUT_DIR``.

Runs with the system Python that has LibreOffice's UNO bridge (Debian: ``python3-uno``);
writes ``encrypted.xlsx`` (Office agile encryption in an OLE file), ``encrypted.xls`` (BIFF8
with a FILEPASS record) and ``encrypted.ods`` (ODF encryption), all with the password
``secret``. Called by ``build_hostile.py``; the outputs are committed.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

FILTERS = {"encrypted.xlsx": "Calc MS Excel 2007 XML", "encrypted.xls": "MS Excel 97",
           "encrypted.ods": "calc8"}


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main() -> None:
    source, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    office = subprocess.Popen(["soffice", "--headless", "--norestore", "--invisible",
                               f"-env:UserInstallation=file://{profile}",
                               "--accept=socket,host=127.0.0.1,port=2099;urp;"])
    try:
        resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
        for _ in range(100):
            try:
                context = resolver.resolve(
                    "uno:socket,host=127.0.0.1,port=2099;urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.3)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(source.as_uri(), "_blank", 0,
                                                (prop("Hidden", True),))
        for name, filter_name in FILTERS.items():
            document.storeToURL((out / name).as_uri(),
                                (prop("FilterName", filter_name), prop("Password", "secret")))
        document.close(True)
        desktop.terminate()
    finally:
        office.wait(timeout=60)


if __name__ == "__main__":
    main()
