"""Shared fixtures: an office folder made by ``init``, opened with a clock tests can set."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiosmtpd.controller import Controller
from hypothesis import settings

from automation.clock import PARIS, FixedClock
from automation.pipeline.office import open_office
from automation.pipeline.scaffold import init_office

from .dovecot import DovecotServer, free_port, start_dovecot

if TYPE_CHECKING:
    from automation.pipeline.office import Office

# Property tests prove behaviour, not speed: no per-example deadline, so that a loaded machine
# (CI, a laptop indexing) never fails them at random. Timing belongs in bench/.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

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


class SmtpSink:
    """An aiosmtpd handler that keeps the raw bytes of every message it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
            self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[SmtpSink, int]]:
    """A real SMTP server (aiosmtpd) on a loopback port, and what it received."""
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(),
                            loop=asyncio.new_event_loop())
    controller.start()
    yield sink, controller.port
    controller.stop()
    controller.loop.close()


@pytest.fixture(scope="module")
def dovecot() -> Iterator[DovecotServer]:
    """A private Dovecot IMAP server on loopback, one per test module."""
    server = start_dovecot()
    yield server
    server.stop()
