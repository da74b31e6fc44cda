"""Invitations and reminders end to end: a planning, a real SMTP server (aiosmtpd), answers.

The planning (tests/survey_office.py) has a session that ended yesterday and one that ended
three months ago. The clock is moved forward day by day; answers arrive as real exports; every
mail the SMTP server received is read back.
"""

from __future__ import annotations

import email
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.clock import PARIS, FixedClock
from automation.pipeline.deadlines import due_now
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office, open_office
from automation.pipeline.scaffold import init_office
from automation.pipeline.watch import run_watcher
from automation.surveys.rates import by_training, office_rates
from automation.surveys.schedule import add_months
from automation.surveys.tick import tick

from .conftest import SmtpSink
from .spine import write_xlsx
from .survey_office import COLD_REF, HOT_REF, clock, drop, write_planning

HOT_LINK = "https://forms.gle/chaud?session={session}"
SURVEYS = (f'[surveys]\nhot_form_url = "{HOT_LINK}"\ncold_form_url = '
           '"https://forms.gle/froid"\nfunders_month = 0\n')
ORGANISATION = ('[organisation]\nname = "Formations Azur"\nemail = "qualite@formations-azur.fr"\n'
                'signatory = "Claire Martin"\n')


def _office_dir(tmp_path: Path, toml: str) -> Path:
    root = tmp_path / "office"
    init_office(root, clock=clock())
    write_planning(root)
    (root / "automation.toml").write_text(ORGANISATION + toml, encoding="utf-8")
    return root


@pytest.fixture
def smtp_office(tmp_path: Path, smtp_sink: tuple[SmtpSink, int],
                ) -> Iterator[tuple[Office, SmtpSink, FixedClock]]:
    sink, port = smtp_sink
    root = _office_dir(tmp_path, SURVEYS + f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\n'
                                           'tls = "none"\nfrom_address = '
                                           '"enquetes@formations-azur.fr"\n')
    fixed = clock()
    with open_office(root, clock=fixed) as office:
        yield office, sink, fixed


def received(sink: SmtpSink, start: int = 0) -> list[EmailMessage]:
    return [email.message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
            for raw in sink.messages[start:]]


def addressed(messages: list[EmailMessage]) -> set[tuple[str, str]]:
    """(address, « chaud » / « froid ») of each mail."""
    found = set()
    for message in messages:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        kind = "chaud" if "forms.gle/chaud" in text else "froid"
        found.add((str(message["To"].addresses[0].addr_spec), kind))
    return found


def answer(office: Office, who: str, address: str, day: str) -> None:
    """A Google Forms export holding one answer to the à chaud form of Excel avancé."""
    export = office.config.inbox_dir / "satisfaction" / f"réponse {who}.csv"
    export.write_text(
        '"Horodateur","Adresse e-mail","Nom et prénom","Quelle formation avez-vous suivie ?",'
        '"Globalement, quel est votre niveau de satisfaction ?"\r\n'
        f'"{day} 10:00:00 UTC+2","{address}","{who}","Excel avancé","4"\r\n', encoding="utf-8")
    assert ingest_file(office, export).accepted == 1


def test_invitations_and_reminders_reach_the_right_people_once(smtp_office) -> None:
    office, sink, fixed = smtp_office
    first = tick(office)
    assert {(m.address, m.survey) for m in first.blocked} == {("", "À chaud")}  # Paul
    mails = received(sink)
    assert addressed(mails) == {
        ("marie.dupont@exemple.fr", "chaud"), ("jean.petit@exemple.fr", "chaud"),
        ("awa.diallo@exemple.fr", "chaud"), ("luc.martin@exemple.fr", "froid"),
        ("sophie.bernard@exemple.fr", "froid"), ("marie.dupont@exemple.fr", "froid")}
    assert len(mails) == 6
    marie_hot = next(m for m in mails if "marie" in str(m["To"]) and "chaud" in m.as_string())
    assert marie_hot["Subject"] == "Votre avis sur la formation « Excel avancé »"
    assert marie_hot["From"] == "enquetes@formations-azur.fr"
    assert marie_hot["Auto-Submitted"] == "auto-generated"
    text = marie_hot.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert f"https://forms.gle/chaud?session={HOT_REF}" in text
    assert "du 12/06/2026 au 14/06/2026" in text and "Claire Martin" in text
    luc = next(m for m in mails if "luc.martin" in str(m["To"]))
    luc_text = luc.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    # the session's own link from the planning, with its placeholders filled
    assert ("https://forms.office.com/r/froid-S-2026-021?email=luc.martin%40exemple.fr"
            in luc_text)

    assert tick(office).sent == [] and len(sink.messages) == 6  # once

    drop(office, "typeform-en")  # Awa answers the à chaud survey (15 June)
    drop(office, "limesurvey-fr")  # Luc answers the à froid survey (16 June)
    fixed.advance(days=3)
    tick(office)
    reminders = received(sink, 6)
    assert addressed(reminders) == {
        ("marie.dupont@exemple.fr", "chaud"), ("jean.petit@exemple.fr", "chaud"),
        ("sophie.bernard@exemple.fr", "froid"), ("marie.dupont@exemple.fr", "froid")}
    assert all(m["Subject"].startswith("Rappel : votre avis") for m in reminders)
    assert tick(office).sent == []

    answer(office, "Jean Petit", "jean.petit@exemple.fr", "2026/06/19")
    fixed.advance(days=4)  # 7 days after the invitations
    tick(office)
    assert addressed(received(sink, 10)) == {
        ("marie.dupont@exemple.fr", "chaud"), ("sophie.bernard@exemple.fr", "froid"),
        ("marie.dupont@exemple.fr", "froid")}
    fixed.advance(days=20)
    assert tick(office).sent == [] and len(sink.messages) == 13  # no third reminder


def test_an_answer_waiting_for_an_open_register_stops_the_reminder(smtp_office) -> None:
    office, sink, fixed = smtp_office
    tick(office)
    register = office.config.binding("satisfaction").path
    owner = register.with_name(f"~${register.name}")
    owner.write_text("Claire Martin", encoding="utf-8")  # the register is open in Excel
    answer(office, "Jean Petit", "jean.petit@exemple.fr", "2026/06/16")
    assert office.journal.pending_counts().get("satisfaction") == 1
    fixed.advance(days=3)
    tick(office)
    assert ("jean.petit@exemple.fr", "chaud") not in addressed(received(sink, 6))


def test_without_smtp_the_mails_are_drafts_in_outbox_listed_in_due(tmp_path: Path) -> None:
    root = _office_dir(tmp_path, SURVEYS)
    with open_office(root, clock=clock()) as office:
        report = tick(office)
        assert report.sent == [] and len(report.drafted) == 6
        drafts = sorted((root / "outbox").glob("*.eml"))
        assert len(drafts) == 6
        draft = email.message_from_bytes(drafts[0].read_bytes(), policy=policy.default)
        assert draft["X-Unsent"] == "1" and draft["To"]
        assert tick(office).drafted == []  # each draft once
        tasks = {(i.record_id, i.task, i.about.split(" <")[0]) for i in due_now(office)
                 if i.register == "satisfaction"}
        assert (HOT_REF, "Envoyer l'invitation à l'enquête à chaud à Awa Diallo (brouillon "
                "dans outbox/)", "Awa Diallo") in tasks
        assert (COLD_REF, "Envoyer l'invitation à l'enquête à froid à Sophie Bernard "
                "(brouillon dans outbox/)", "Sophie Bernard") in tasks
        assert any(t.startswith("Envoyer l'invitation à l'enquête à chaud à Paul Sansadresse "
                                ": pas d'adresse") for _, t, _ in tasks)
        drop(office, "typeform-en")  # Awa answers: her draft is no longer to send
        assert "Awa Diallo" not in {i.about.split(" <")[0] for i in due_now(office)}


def test_a_missing_form_link_is_listed_for_a_person_and_nothing_leaves(
        tmp_path: Path) -> None:
    root = _office_dir(tmp_path, "[surveys]\nfunders_month = 0\n")
    with open_office(root, clock=clock()) as office:
        report = tick(office)
        problems = {m.problem for m in report.blocked}
        assert any("hot_form_url" in p for p in problems)
        assert {m.session_ref for m in report.blocked} == {HOT_REF}
        # the cold survey of S-2026-021 has its own link in the planning: it leaves
        assert {m.session_ref for m, _ in report.drafted} == {COLD_REF}


def test_funders_are_solicited_once_a_year_and_companies_listed(tmp_path: Path) -> None:
    root = _office_dir(tmp_path, '[surveys]\nhot_form_url = "https://forms.gle/c"\n'
                                 'funders_form_url = "https://forms.gle/financeurs"\n'
                                 'funders_month = 6\n')
    with open_office(root, clock=clock()) as office:
        report = tick(office)
        funders = {m.address for m, _ in report.drafted if m.survey != "À chaud"
                   and m.survey != "À froid"}
        assert funders == {"conseil@opco-atlas.fr", "agence@francetravail-exemple.fr"}
        items = [i for i in due_now(office) if i.step == "survey-companies"]
        assert [i.about for i in items] == ["ACME, Beta SARL, Gamma"]
        office.clock.advance(days=10)  # type: ignore[attr-defined]
        assert not [m for m, _ in tick(office).drafted if m.survey not in ("À chaud",
                                                                             "À froid")]


def test_response_rates_divide_answers_by_invitations_else_participants(
        tmp_path: Path) -> None:
    root = _office_dir(tmp_path, SURVEYS)
    with open_office(root, clock=clock()) as office:
        drop(office, "google-forms-fr")  # Marie, Jean, Awa answer before any invitation
        found = {(r.session_ref, r.survey): r for r in office_rates(office)}
        hot = found[(HOT_REF, "À chaud")]
        assert (hot.answers, hot.denominator, hot.basis.value) == (
            3, 4, "participants du planning")
        tick(office)  # nobody left to invite à chaud but Paul (no address); 3 invited à froid
        cold = {(r.session_ref, r.survey): r for r in office_rates(office)}[
            (COLD_REF, "À froid")]
        assert (cold.answers, cold.invited, cold.basis.value, cold.rate) == (
            0, 3, "invitations", 0.0)
        drop(office, "limesurvey-fr")  # Luc, and an anonymous answer about the same session
        rates = office_rates(office)
        cold = {(r.session_ref, r.survey): r for r in rates}[(COLD_REF, "À froid")]
        assert (cold.answers, cold.rate) == (2, 2 / 3)
        totals = {(r.training, r.survey): r for r in by_training(rates)}
        assert totals[("Excel avancé", "À chaud")].rate == 3 / 4


def test_the_watcher_sends_the_invitations_by_itself(smtp_office) -> None:
    office, sink, _ = smtp_office
    stop = threading.Event()
    thread = threading.Thread(target=run_watcher, args=(office,),
                              kwargs={"stop": stop, "dashboard_every": 0.2}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120  # a safety net, not a speed requirement
        while len(sink.messages) < 6:
            assert time.monotonic() < deadline, "the watcher sent no invitation"
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert len(sink.messages) == 6


def test_the_invite_command_drafts_for_a_session_that_ended_yesterday(
        tmp_path: Path) -> None:
    """The command runs on the real clock: the planning is built around today."""
    root = tmp_path / "office"
    today = datetime.now(PARIS).replace(tzinfo=None, microsecond=0)
    init_office(root, clock=clock())
    (root / "automation.toml").write_text(SURVEYS, encoding="utf-8")
    yesterday = today - timedelta(days=1)
    long_ago = add_months(today.date(), -3)
    write_xlsx(root / "registers" / "sessions.xlsx", [
        ["Réf. session", "Formation", "Début", "Fin", "Apprenant", "Email"],
        ["S-1", "Excel", yesterday.replace(hour=9), yesterday.replace(hour=17), "Marie Dupont",
         "marie@exemple.fr"],
        ["S-2", "Word", datetime.combine(long_ago, datetime.min.time()).replace(hour=9),
         datetime.combine(long_ago, datetime.min.time()).replace(hour=17), "Luc Martin",
         "luc@exemple.fr"],
    ])
    result = CliRunner().invoke(main, ["--dir", str(root), "surveys", "invite"])
    assert result.exit_code == 0, result.output
    drafts = sorted(p.name for p in (root / "outbox").glob("*.eml"))
    assert drafts == ["S-1 enquete a chaud invitation - Marie Dupont.eml",
                      "S-2 enquete a froid invitation - Luc Martin.eml"]
    assert "brouillon" in result.output
    again = CliRunner().invoke(main, ["--dir", str(root), "surveys", "invite"])
    assert again.exit_code == 0 and len(list((root / "outbox").glob("*.eml"))) == 2
    due = CliRunner().invoke(main, ["--dir", str(root), "due"])
    assert due.exit_code == 0, due.output
    assert due.output.count("brouillon") == 2 and "Marie" in due.output


def test_watch_once_prepares_the_survey_invitations_that_are_due(tmp_path: Path) -> None:
    root = _office_dir(tmp_path, SURVEYS)
    with open_office(root, clock=clock()) as office:
        run_watcher(office, stop=threading.Event(), once=True)
        assert len(sorted((root / "outbox").glob("*.eml"))) == 6
        assert office.journal.survey_mails()  # each one recorded: none twice
        run_watcher(office, stop=threading.Event(), once=True)
        assert len(sorted((root / "outbox").glob("*.eml"))) == 6
