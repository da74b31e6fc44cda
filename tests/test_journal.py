from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from automation.clock import PARIS
from automation.records import Record
from automation.registers.ids import IdScheme
from automation.registers.journal import Journal, SourceStatus

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)


def _record(n: int, register: str = "reclamations") -> Record:
    return Record(register, {"name": f"Personne {n}", "received_on": date(2026, 11, n)},
                  fingerprint=f"fp-{register}-{n}", source=f"test.xlsx, ligne {n}")


def _store(journal: Journal, records: list[Record], *, floor: int = 0, year: int = 2026):
    with journal.transaction():
        return journal.record(records, scheme=IdScheme.default("REC"), year=year, floor=floor,
                              now=NOW)


def test_ids_are_sequential_per_register_and_year(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        first = _store(journal, [_record(1), _record(2)])
        second = _store(journal, [_record(3)])
        next_year = _store(journal, [_record(4)], year=2027)
    assert [r.record_id for r in first.stored] == ["REC-2026-0001", "REC-2026-0002"]
    assert [r.record_id for r in second.stored] == ["REC-2026-0003"]
    assert [r.record_id for r in next_year.stored] == ["REC-2027-0001"]


def test_a_large_batch_gets_consecutive_ids_above_the_floor_and_the_next_continues(
        tmp_path: Path) -> None:
    batch = [Record("reclamations", {"name": f"Personne {n}"}, fingerprint=f"fp-{n}",
                    source=f"gros.csv, ligne {n + 2}") for n in range(2_500)]
    with Journal(tmp_path / "j.sqlite3") as journal:
        first = _store(journal, [*batch, batch[7]], floor=120)
        after = _store(journal, [_record(1)], floor=3)
        pending = journal.pending("reclamations")
    assert [r.record_id for r in first.stored] == [f"REC-2026-{n:04d}" for n in range(121, 2621)]
    assert [r.fingerprint for r in first.duplicates] == ["fp-7"]
    assert after.stored[0].record_id == "REC-2026-2621"
    assert [(r.record_id, r.values["name"], r.source) for r in pending[:2]] == [
        ("REC-2026-0121", "Personne 0", "gros.csv, ligne 2"),
        ("REC-2026-0122", "Personne 1", "gros.csv, ligne 3")]
    assert len(pending) == 2_501


def test_same_fingerprint_is_recorded_once(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        _store(journal, [_record(1)])
        again = _store(journal, [_record(1), _record(1), _record(2)])
    assert [r.record_id for r in again.stored] == ["REC-2026-0002"]
    assert len(again.duplicates) == 2


def test_ids_a_person_typed_in_the_workbook_are_never_reused(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        outcome = _store(journal, [_record(1)], floor=41)
    assert outcome.stored[0].record_id == "REC-2026-0042"


def test_a_failed_transaction_records_nothing_and_reuses_no_id(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        try:
            with journal.transaction():
                journal.record([_record(1)], scheme=IdScheme.default("REC"), year=2026, floor=0,
                               now=NOW)
                raise RuntimeError("crash")
        except RuntimeError:
            pass
        outcome = _store(journal, [_record(1)])
    assert outcome.stored[0].record_id == "REC-2026-0001"


def test_pending_rows_and_values_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as journal:
        _store(journal, [_record(1), _record(2)])
        journal.mark_written("reclamations", ["REC-2026-0001"], now=NOW)
    with Journal(path) as journal:
        pending = journal.pending("reclamations")
    assert [r.record_id for r in pending] == ["REC-2026-0002"]
    assert pending[0].values["received_on"] == date(2026, 11, 2)
    assert pending[0].values["id"] == "REC-2026-0002"


def test_source_status_and_letters_are_kept(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        journal.mark_source("abc", name="f.xlsx", status=SourceStatus.RECORDED, now=NOW)
        assert journal.source_status("abc") is SourceStatus.RECORDED
        assert journal.queue_letter("reclamations", "REC-2026-0001", "ack", now=NOW)
        assert not journal.queue_letter("reclamations", "REC-2026-0001", "ack", now=NOW)
        assert journal.source_status("unknown") is None


def test_pending_rows_hold_one_copy_of_their_keys_and_of_the_texts_they_repeat(
        tmp_path: Path) -> None:
    batch = [Record("reclamations", {"name": f"Personne {n}", "channel": "Courriel",
                                     "training": "Anglais B1 — session de mars"},
                    fingerprint=f"fp-{n}", source="gros.csv") for n in range(50)]
    with Journal(tmp_path / "j.sqlite3") as journal:
        _store(journal, batch)
        pending = journal.pending("reclamations")
    first, *others = pending
    for row in others:
        assert list(row.values) == list(first.values)
        assert all(a is b for a, b in zip(row.values, first.values, strict=True))
        assert row.values["channel"] is first.values["channel"]
        assert row.values["training"] is first.values["training"]
        assert row.values["name"] != first.values["name"]
