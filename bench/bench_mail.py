"""First sync of a mailbox holding 2,000 complaint mails, against a private Dovecot on loopback.

    .venv/bin/python bench/bench_mail.py [--mails 2000]

End to end, as the watcher's mailbox worker does it (``poll_once``): fetch, sandboxed
parsing, classification, the journal transaction, the register write, the acknowledgment
letter, the draft answer APPENDed to Drafts, the MOVE to « Traité ». The baseline is the
server's share, measured in the same run by a bare IMAPClient loop doing the same server work
on a copy of the mailbox: the same fetches (sizes, then bodies, by 20), one draft of the same
size APPENDed per mail, one MOVE per mail. Figures: mails per second (target ≥ 50) and the
share of the time spent outside the server round-trips, ``(ours − bare) / ours`` (target
< 50 %). Each repetition gets two fresh mailboxes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

from common import exit_status, figures, note, quick, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from automation.clock import PARIS, FixedClock  # noqa: E402 - after the path
from automation.config import Organisation  # noqa: E402
from automation.letters import LetterKind, produce_letter  # noqa: E402
from automation.letters.smtp import reply_message  # noqa: E402
from automation.pipeline.mailbox import open_source, poll_once  # noqa: E402
from automation.pipeline.office import open_office  # noqa: E402
from automation.pipeline.scaffold import init_office  # noqa: E402
from automation.records import StoredRow  # noqa: E402
from tests.dovecot import DovecotServer, start_dovecot  # noqa: E402

BATCH = 20  # the IMAP source fetches by 20


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


def draft_like_ours(scratch: Path) -> bytes:
    """A draft answer as the tool writes one: its body, the acknowledgment attached."""
    row = StoredRow("reclamations", "REC-2026-0001", {
        "received_on": date(2026, 11, 16), "channel": "Email", "stakeholder": "Apprenant",
        "name": "Personne 1", "nature": "Réclamation",
        "subject": "Réclamation n°1 : retard du formateur"}, source="bench")
    letter = produce_letter(kind=LetterKind.ACKNOWLEDGMENT, org=Organisation(name="Organisme"),
                            templates_dir=ROOT / "templates", outbox_dir=scratch, row=row,
                            today=date(2026, 11, 23), person="Personne 1")
    message = reply_message(
        from_address="bench@organisme.fr", to="Personne 1 <personne1@exemple.fr>",
        subject="RE: Réclamation n°1 : retard du formateur",
        body="Madame, Monsieur,\n\nNous avons bien reçu votre message du 16 novembre 2026 et "
             "l'avons enregistré sous la référence REC-2026-0001. Vous trouverez ci-joint "
             "notre accusé de réception.\n\nNous restons à votre disposition.\n\nLa direction"
             "\nOrganisme\n", attachment=letter, in_reply_to="<bench-1@exemple.fr>")
    return message.as_bytes()


def bare_round_trips(server: DovecotServer, user: str, draft: bytes) -> float:
    started = time.perf_counter()
    with server.client(user) as imap:
        imap.select_folder("INBOX")
        uids = sorted(imap.search(["UID", "1:*"]))
        if not imap.folder_exists("Traité"):
            imap.create_folder("Traité")
        if not imap.folder_exists("Drafts"):
            imap.create_folder("Drafts")
        for start in range(0, len(uids), BATCH):
            batch = uids[start:start + BATCH]
            imap.fetch(batch, ["RFC822.SIZE"])
            imap.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                imap.append("Drafts", draft, flags=(b"\\Draft", b"\\Seen"))
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
    return elapsed, sum(1 for r in reports if r.record_id and r.answered == "draft")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=100 if quick() else 2_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    server = start_dovecot()
    mine: list[float] = []
    bare: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-mail-") as temp:
            draft = draft_like_ours(Path(temp))
            for number in range(args.repeat):
                bare_user, our_user = server.new_user(), server.new_user()
                fill(server, bare_user, args.mails)
                fill(server, our_user, args.mails)
                bare.append(bare_round_trips(server, bare_user, draft))
                scratch = Path(temp) / f"run-{number}"
                scratch.mkdir()
                elapsed, answered = ours(server, our_user, scratch)
                if answered != args.mails:
                    raise SystemExit(f"{answered} of {args.mails} mails recorded and answered")
                mine.append(elapsed)
    finally:
        server.stop()
    count = args.mails
    rates = figures([count / s for s in mine], "mails/s")
    report(f"first sync of {count} mails, end to end", rates, limit=50, higher_is_better=True)
    report(f"first sync of {count} mails, time", figures(mine), figures(bare),
           baseline_name="bare IMAP round-trips")
    outside = figures([max(0.0, (m - b) / m) * 100 for m, b in zip(mine, bare, strict=True)],
                      "%")
    report("share of the time outside the server round-trips", outside, limit=50)
    note(f"draft answer APPENDed per mail: {len(draft) / 1024:.0f} KB (the letter attached)")
    return exit_status()


if __name__ == "__main__":
    sys.exit(main())
