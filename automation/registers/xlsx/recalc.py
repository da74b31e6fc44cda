"""Asking Excel and LibreOffice to recompute a workbook's formulas when they open it.

New rows make the totals, counters and dashboards that count them stale until the workbook
is recomputed: the workbook part's ``<calcPr>`` gets ``fullCalcOnLoad="1"`` (added where the
schema puts it when the workbook has none).
"""

from __future__ import annotations

import re
from typing import Final

from automation.registers.xlsx.package import Package

_CALC_PR: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?calcPr(?=[\s/>])[^>]*?(?=/?>)")
_AFTER_CALC_PR: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|"
    rb"smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)(?=[\s/>])|"
    rb"</(?:[A-Za-z_][\w.-]*:)?workbook\s*>")


def ask_recalculation(package: Package, replaced: dict[str, bytes]) -> None:
    """Set ``fullCalcOnLoad`` so formulas over the new rows (totals, dashboards) update."""
    part = package.workbook_part
    data = replaced.get(part) or package.read(part)
    found = _CALC_PR.search(data)
    if found is not None:
        tag = found[0]
        if b"fullCalcOnLoad=" in tag:
            tag = re.sub(rb'fullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', tag)
        else:
            tag = tag.rstrip() + b' fullCalcOnLoad="1"'
        new = data[:found.start()] + tag + data[found.end():]
    else:
        after = _AFTER_CALC_PR.search(data)
        if after is None:
            return
        prefix = re.match(rb"</?([A-Za-z_][\w.-]*:)?", after[0])
        ns = (prefix[1] or b"") if prefix else b""
        tag = b"<" + ns + b'calcPr fullCalcOnLoad="1"/>'
        new = data[:after.start()] + tag + data[after.start():]
    if new != package.read(part):
        replaced[part] = new
