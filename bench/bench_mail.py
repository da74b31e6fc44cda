"""First sync of a mailbox holding 2,000 mails, against a private Dovecot on loopback.

Prints mails per second end to end (fetch, parse, classify, journal, register write,
acknowledgment letter, draft answer, move to « Traité »), and the share of the time spent
outside the server round-trips. The round-trips are measured in the same run by a bare
IMAPClient loop doing the same server work on a copy of the mailbox: fetch every mail in
batches, move each one, append one draft per complaint.

    .venv/bin/python bench/bench_mail.py [--mails 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from automation.clock import PARIS, FixedClock
from automation.pipeline.mailbox import open_source, poll_once
from automation.pipeline.office import open_office
from automation.pipeline.scaffold import init_office
from tests.dovecot import DovecotServer, start_dovecot

BATCH = 20


def mail(n: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Personne {n} <personne{n}@exemple.fr>"
    message["To"] = "reclamations@organisme.fr"
    message["Subject"] = f"Réclamation n°{n} : retard du formateur"
    message["Date"] = "Mon, 16 Nov 2026 10:00:00 +0100"
    message["Message-ID"] = f"<bench-{n}@exemple.fr>"
    message.set_content(f"Bonjour,\n\nJe suis mécontent : le formateur est arrivé en retard "
                        f"({n}).\n\nCordialement,\nPersonne {n}\n")
    return message.as_bytes()


def fill(server: DovecotServer, user: str, count: int) -> None:
    with server.client(user) as imap:
        for n in range(count):
            imap.append("INBOX", mail(n), flags=())


def bare_round_trips(server: DovecotServer, user: str) -> float:
    started = time.perf_counter()
    with server.client(user) as imap:
        imap.select_folder("INBOX")
        uids = imap.search("ALL")
        if not imap.folder_exists("Traité"):
            imap.create_folder("Traité")
        for start in range(0, len(uids), BATCH):
            batch = uids[start:start + BATCH]
            imap.fetch(batch, ["BODY.PEEK[]", "RFC822.SIZE"])
            for uid in batch:
                imap.append("Drafts", mail(0), flags=(b"\\Draft",))
                imap.move([uid], "Traité")
    return time.perf_counter() - started


def ours(server: DovecotServer, user: str, scratch: Path) -> tuple[float, int]:
    office = scratch / "office"
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    init_office(office, clock=clock)
    (office / "automation.toml").write_text(
        f'[mail]\nsource = "imap"\n[mail.imap]\nhost = "{server.host}"\nport = {server.port}\n'
        f'tls = "none"\nusername = "{user}"\nidle = false\n', encoding="utf-8")
    os.environ["AUTOMATION_MAIL_PASSWORD"] = server.password
    with open_office(office, clock=clock) as opened:
        source = open_source(opened.config)
        assert source is not None
        started = time.perf_counter()
        reports = poll_once(opened, source)
        elapsed = time.perf_counter() - started
        source.close()
    return elapsed, sum(1 for r in reports if r.record_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2_000)
    args = parser.parse_args()
    server = start_dovecot()
    try:
        bare_user, our_user = server.new_user(), server.new_user()
        fill(server, bare_user, args.mails)
        fill(server, our_user, args.mails)
        bare = bare_round_trips(server, bare_user)
        with tempfile.TemporaryDirectory() as temp:
            elapsed, recorded = ours(server, our_user, Path(temp))
    finally:
        server.stop()
    assert recorded == args.mails, recorded
    outside = max(0.0, (elapsed - bare) / elapsed)
    print(f"first sync of {args.mails} mails: {elapsed:.1f} s end to end, "
          f"{args.mails / elapsed:.1f} mails/s; bare IMAP round-trips {bare:.1f} s; "
          f"share of time outside the server round-trips {outside:.0%}")


if __name__ == "__main__":
    main()
