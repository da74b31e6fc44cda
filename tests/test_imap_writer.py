"""The second IMAP connection: operations done in order, waited for whole or up to a mark.

Real parts: Dovecot on loopback; the operations are real IMAP commands on the writer's own
connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from automation.errors import MailboxError
from automation.sources.imap_writer import ImapWriter

from .dovecot import DovecotServer

pytestmark = pytest.mark.slow

WAIT = 120.0  # only reached when the test fails


@pytest.fixture
def writer(dovecot: DovecotServer) -> Iterator[tuple[ImapWriter, str]]:
    user = dovecot.new_user()

    def connect() -> IMAPClient:
        imap = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
        imap.login(user, dovecot.password)
        return imap

    writer = ImapWriter(connect, mailbox=f"imap:{user}", network_errors=(IMAPClientError, OSError))
    yield writer, user
    writer.close()


def _draft(number: int) -> bytes:
    return (f"Message-ID: <draft-{number}@organisme.fr>\r\nSubject: brouillon {number}\r\n"
            "\r\nBonjour\r\n").encode()


def _saving(number: int) -> Callable[[IMAPClient], None]:
    def save(imap: IMAPClient) -> None:
        imap.append("Drafts", _draft(number))
    return save


def _wait_for(event: threading.Event) -> None:
    event.wait(WAIT)


def test_a_mark_is_reached_while_what_came_after_it_still_waits(
        writer: tuple[ImapWriter, str], dovecot: DovecotServer) -> None:
    imap_writer, user = writer
    release = threading.Event()
    imap_writer.submit("creating Drafts", lambda imap: imap.create_folder("Drafts"))
    for number in (1, 2):
        imap_writer.submit("saving a draft", _saving(number))
    mark = imap_writer.mark()
    imap_writer.submit("waiting", lambda imap: _wait_for(release))
    imap_writer.submit("saving a draft", _saving(3))
    imap_writer.wait(mark)
    saved = dovecot.message_ids("Drafts", user=user)
    release.set()
    imap_writer.wait()
    assert saved == ["<draft-1@organisme.fr>", "<draft-2@organisme.fr>"]
    assert dovecot.message_ids("Drafts", user=user) == [f"<draft-{n}@organisme.fr>"
                                                        for n in (1, 2, 3)]


def test_a_failure_after_a_mark_is_said_by_the_next_wait(
        writer: tuple[ImapWriter, str], dovecot: DovecotServer) -> None:
    imap_writer, user = writer
    imap_writer.submit("saving a draft", lambda imap: imap.append("Nulle part", _draft(1)))
    imap_writer.submit("creating Drafts", lambda imap: imap.create_folder("Drafts"))
    with pytest.raises(MailboxError, match="saving a draft failed"):
        imap_writer.wait(imap_writer.mark())
    assert not dovecot.message_ids("Drafts", user=user)  # nothing done after the failure
    imap_writer.wait()  # reported once


def test_an_operation_that_fails_unexpectedly_is_raised_by_wait_not_left_hanging(
        writer: tuple[ImapWriter, str], dovecot: DovecotServer) -> None:
    imap_writer, user = writer
    imap_writer.submit("a broken operation", lambda imap: [][0])
    imap_writer.submit("creating Drafts", lambda imap: imap.create_folder("Drafts"))
    with pytest.raises(IndexError):
        imap_writer.wait(imap_writer.mark())
    imap_writer.submit("creating Drafts", lambda imap: imap.create_folder("Drafts"))
    imap_writer.wait()  # the writer goes on after the failure was said
    with dovecot.client(user) as imap:
        assert imap.folder_exists("Drafts")
