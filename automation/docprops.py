"""Read one property of an Office file's ``docProps/core.xml`` (who saved it, an identifier)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Final

CORE_PART: Final = "docProps/core.xml"
DC_IDENTIFIER: Final = "{http://purl.org/dc/elements/1.1/}identifier"
LAST_MODIFIED_BY: Final = (
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy")


def core_property(path: Path, tag: str) -> str:
    """The text of property ``tag`` (a Clark name); ``""`` when absent or unreadable."""
    from lxml import etree  # loaded when a letter's file is first looked at

    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(CORE_PART)
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return ""
    found = root.find(tag)
    return (found.text or "").strip() if found is not None else ""
