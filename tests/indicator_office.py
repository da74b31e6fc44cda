"""The office whose registers hold the known year of ``tests/data/reg-indicators-2026/``."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from automation.clock import PARIS, FixedClock
from automation.pipeline.scaffold import init_office

SAMPLES = Path(__file__).resolve().parent / "data" / "reg-indicators-2026"
# Mid-January 2027: every 2026 deadline is over, as when an office reviews its year.
NOW = datetime(2027, 1, 15, 10, 0, tzinfo=PARIS)


def year_office(root: Path) -> Path:
    """An office made by ``init``, its registers and planning replaced by the known year."""
    init_office(root, clock=FixedClock(NOW))
    for workbook in SAMPLES.glob("*.xlsx"):
        shutil.copyfile(workbook, root / "registers" / workbook.name)
    return root
