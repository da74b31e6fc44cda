"""The daily digest reaches a real SMTP server once per owner and per day."""

from __future__ import annotations

import email
import json
import logging
import smtplib
import socket
from collections.abc import Iterator
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from automation.clock import PARIS
from automation.deadlines.config import Deadlines
from automation.deadlines.digest import (
    DIGEST_LOG_FILE,
    DigestLog,
    compose_digest,
    digest_due,
    send_digests,
)
from automation.deadlines.due import DueItem, DueStatus, due_items

TODAY = date(2026, 11, 24)
ADDRESSES = {"Anne Martin": "anne@exemple.fr", "Responsable qualité": "qualite@exemple.fr"}
SENDER = "registres@exemple.fr"


class Sink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
            self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def smtp_sender(port: int) -> Any:
    def send(message: EmailMessage) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.send_message(message)
    return send


def register_rows(*extra: tuple[str, dict[str, object]]) -> dict[str, Any]:
    complaints = [
        ("REC-2026-0001", {"received_on": date(2026, 11, 18), "nature": "Réclamation",
                           "owner": "Anne Martin", "name": "Dupont", "subject": "Salle froide"}),
        ("REC-2026-0002", {"received_on": date(2026, 11, 20), "nature": "Réclamation",
                           "owner": "anne martin", "name": "Durand", "subject": "Support"}),
        ("REC-2026-0003", {"received_on": date(2026, 11, 18), "nature": "Difficulté",
                           "owner": "Chloé Sans Adresse", "name": "Roux", "subject": "Accès"}),
        *extra,
    ]
    dropouts = [("ABD-2026-0001", {"learner": "Léa Petit", "training": "Excel",
                                   "absence_noted_on": date(2026, 11, 19)})]
    return {"reclamations": complaints, "abandons": dropouts}


def items_on(day: date, *extra: tuple[str, dict[str, object]]) -> list[DueItem]:
    settings = Deadlines()
    return due_items(register_rows(*extra), today=day, calendar=settings.calendar(),
                     settings=settings)


def test_digest_sent_once_a_day_not_once_per_change(smtp: tuple[Sink, int],
                                                    tmp_path: Path) -> None:
    sink, port = smtp
    log = DigestLog(tmp_path / DIGEST_LOG_FILE)
    send = smtp_sender(port)

    assert send_digests(items_on(TODAY), today=TODAY, owner_addresses=ADDRESSES, send=send,
                         log=log, sender=SENDER) == 2
    assert sorted(str(m["To"]) for m in sink.messages) == ["anne@exemple.fr",
                                                          "qualite@exemple.fr"]

    # A register changes during the day: a new complaint, the watcher calls again.
    changed = items_on(TODAY, ("REC-2026-0004", {"received_on": date(2026, 11, 24),
                                                 "owner": "Anne Martin"}))
    assert send_digests(changed, today=TODAY, owner_addresses=ADDRESSES, send=send, log=log,
                        sender=SENDER) == 0
    # The watcher restarts: the log on disk still knows.
    restarted = DigestLog(tmp_path / DIGEST_LOG_FILE)
    assert send_digests(changed, today=TODAY, owner_addresses=ADDRESSES, send=send,
                        log=restarted, sender=SENDER) == 0
    assert len(sink.messages) == 2

    tomorrow = date(2026, 11, 25)
    assert send_digests(items_on(tomorrow), today=tomorrow, owner_addresses=ADDRESSES,
                        send=send, log=restarted, sender=SENDER) == 2
    assert len(sink.messages) == 4


def test_digest_subject_and_body_list_the_owner_items(smtp: tuple[Sink, int],
                                                      tmp_path: Path) -> None:
    sink, port = smtp
    send_digests(items_on(TODAY), today=TODAY, owner_addresses=ADDRESSES,
                 send=smtp_sender(port), log=DigestLog(tmp_path / DIGEST_LOG_FILE),
                 sender=SENDER)
    anne = next(m for m in sink.messages if m["To"] == "anne@exemple.fr")
    assert anne["Subject"] == "Registres qualité : 1 point(s) en retard"
    assert anne["From"] == SENDER
    assert anne["Auto-Submitted"] == "auto-generated"
    body = anne.get_content()
    assert body.startswith("Bonjour Anne Martin,")
    assert ("- REC-2026-0001 (Réclamations) : Accuser réception, échéance le 20/11/2026, "
            "2 jour(s) ouvré(s) de retard") in body
    assert "  Dupont — Salle froide" in body
    assert ("- REC-2026-0002 (Réclamations) : Accuser réception, échéance le 24/11/2026, "
            "aujourd'hui") in body
    assert body.index("En retard (1) :") < body.index("À échéance proche (1) :")
    quality = next(m for m in sink.messages if m["To"] == "qualite@exemple.fr")
    assert "ABD-2026-0001 (Abandons) : Informer le prescripteur" not in quality.get_content()
    assert "Demander les motifs d'abandon" in quality.get_content()


def test_owner_without_address_is_skipped_with_one_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sent: list[EmailMessage] = []
    log = DigestLog(tmp_path / DIGEST_LOG_FILE)
    with caplog.at_level(logging.WARNING, logger="automation.deadlines.digest"):
        for _ in range(3):
            send_digests(items_on(TODAY), today=TODAY, owner_addresses=ADDRESSES,
                         send=sent.append, log=log)
    assert len(sent) == 2
    assert [r.getMessage() for r in caplog.records] == [
        "no address for 'Chloé Sans Adresse' in [deadlines.owners]: digest not sent"]


def test_failed_send_is_retried_and_does_not_stop_the_others(tmp_path: Path) -> None:
    sent: list[EmailMessage] = []

    def flaky(message: EmailMessage) -> None:
        if message["To"] == "anne@exemple.fr":
            raise smtplib.SMTPServerDisconnected("connection lost")
        sent.append(message)

    log = DigestLog(tmp_path / DIGEST_LOG_FILE)
    assert send_digests(items_on(TODAY), today=TODAY, owner_addresses=ADDRESSES, send=flaky,
                        log=log) == 1
    assert send_digests(items_on(TODAY), today=TODAY, owner_addresses=ADDRESSES,
                        send=sent.append, log=log) == 1
    assert sorted(str(m["To"]) for m in sent) == ["anne@exemple.fr", "qualite@exemple.fr"]


def test_nothing_due_sends_nothing(tmp_path: Path) -> None:
    sent: list[EmailMessage] = []
    later = DueItem("reclamations", "REC-2026-0009", "answer", "Répondre au déclarant",
                    date(2026, 12, 11), "Anne Martin", DueStatus.LATER, days_left=13)
    assert send_digests([later], today=TODAY, owner_addresses=ADDRESSES, send=sent.append,
                        log=DigestLog(tmp_path / DIGEST_LOG_FILE)) == 0
    assert sent == []
    assert not (tmp_path / DIGEST_LOG_FILE).exists()


def test_digest_log_file_is_small_json_pruned_after_sixty_days(tmp_path: Path) -> None:
    path = tmp_path / DIGEST_LOG_FILE
    log = DigestLog(path)
    log.mark_sent("Anne Martin", date(2026, 9, 1))
    log.mark_sent("Anne Martin", TODAY)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "sent": {"2026-11-24": ["anne martin"]}}
    assert DigestLog(path).was_sent("ANNE MARTIN", TODAY)
    assert [p.name for p in tmp_path.iterdir()] == [DIGEST_LOG_FILE]


def test_unreadable_digest_log_starts_afresh(tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / DIGEST_LOG_FILE
    path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="automation.deadlines.digest"):
        log = DigestLog(path)
    assert not log.was_sent("Anne Martin", TODAY)
    assert "unreadable" in caplog.text


def test_subject_when_nothing_is_late_yet() -> None:
    soon = DueItem("reclamations", "REC-2026-0009", "acknowledge", "Accuser réception",
                   TODAY, "Anne Martin", DueStatus.SOON)
    message = compose_digest("Anne Martin", [soon], today=TODAY, to="anne@exemple.fr")
    assert message["Subject"] == "Registres qualité : 1 point(s) à échéance proche"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(datetime(2026, 11, 24, 7, 59, tzinfo=PARIS), False, id="before-the-hour"),
        pytest.param(datetime(2026, 11, 24, 8, 0, tzinfo=PARIS), True, id="at-the-hour"),
        pytest.param(datetime(2026, 11, 24, 17, 0, tzinfo=PARIS), True, id="later-that-day"),
        pytest.param(datetime(2026, 11, 28, 9, 0, tzinfo=PARIS), False, id="saturday"),
        pytest.param(datetime(2026, 11, 11, 9, 0, tzinfo=PARIS), False, id="armistice-day"),
        pytest.param(datetime(2026, 11, 24, 7, 30), False, id="naive-time-is-paris-time"),
    ],
)
def test_digest_waits_for_the_hour_on_working_days(now: datetime, expected: bool) -> None:
    assert digest_due(now, hour=8, calendar=Deadlines().calendar()) is expected


def test_owner_spelled_two_ways_gets_one_digest_with_both_items(tmp_path: Path) -> None:
    # Regression: "Anne Martin" and "anne martin" were two groups, and the second was taken
    # for already sent, so its items never reached anyone.
    sent: list[EmailMessage] = []
    send_digests(items_on(TODAY), today=TODAY, owner_addresses=ADDRESSES, send=sent.append,
                 log=DigestLog(tmp_path / DIGEST_LOG_FILE))
    anne = [m for m in sent if m["To"] == "anne@exemple.fr"]
    assert len(anne) == 1
    assert "REC-2026-0001" in anne[0].get_content() and "REC-2026-0002" in anne[0].get_content()
