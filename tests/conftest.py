"""Shared fixtures: an office folder made by ``init``, opened with a clock tests can set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from automation.clock import PARIS, FixedClock
from automation.pipeline.office import open_office
from automation.pipeline.scaffold import init_office

if TYPE_CHECKING:
    from automation.pipeline.office import Office

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 30, tzinfo=PARIS))


@pytest.fixture
def office_dir(tmp_path: Path, clock: FixedClock) -> Path:
    root = tmp_path / "office"
    init_office(root, clock=clock)
    return root


@pytest.fixture
def office(office_dir: Path, clock: FixedClock) -> Iterator[Office]:
    with open_office(office_dir, clock=clock) as opened:
        yield opened
