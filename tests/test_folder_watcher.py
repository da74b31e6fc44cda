"""The drop-folder watcher hands over each complete file exactly once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from automation.errors import FileNotReady
from automation.sources.folder import FolderWatcher, is_ignored


class Recorder:
    def __init__(self) -> None:
        self.handled: list[tuple[Path, int]] = []
        self.given_up: list[Path] = []

    def handle(self, path: Path) -> None:
        self.handled.append((path, path.stat().st_size))
        path.unlink()  # a handled file leaves the inbox

    def give_up(self, path: Path, _error: BaseException) -> None:
        self.given_up.append(path)
        path.unlink()


def _watcher(root: Path, recorder: Recorder, **options: float) -> FolderWatcher:
    settings = {"settle": 0.4, "rescan": 0.5, "retry": 0.2, "tick": 0.05, **options}
    return FolderWatcher(root, handle=recorder.handle, give_up=recorder.give_up,
                         skip={"processed", "rejected"}, **settings)


def _run(watcher: FolderWatcher) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def _wait_for(condition, timeout: float = 120.0) -> None:
    """Wait until ``condition()``; the bound only keeps a broken watcher from hanging CI."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("poll", [0.0, 0.2], ids=["os-events", "polling"])
def test_file_written_slowly_is_handed_over_once_and_only_when_complete(
        tmp_path: Path, poll: float) -> None:
    recorder = Recorder()
    stop, thread = _run(_watcher(tmp_path, recorder, poll=poll))
    try:
        payload = b"x" * 99 + b"\n"
        target = tmp_path / "slow.csv"
        with target.open("wb") as stream:
            for _ in range(12):  # 1.2 KB in 100-byte chunks, 0.15 s apart
                stream.write(payload)
                stream.flush()
                time.sleep(0.15)
        _wait_for(lambda: recorder.handled)
        time.sleep(1.0)
    finally:
        stop.set()
        thread.join(5)
    assert recorder.handled == [(target, 1200)]


def test_files_present_at_start_up_are_swept(tmp_path: Path) -> None:
    (tmp_path / "reclamations").mkdir()
    early = tmp_path / "reclamations" / "early.xlsx"
    early.write_bytes(b"data")
    recorder = Recorder()
    assert _watcher(tmp_path, recorder).run_once() == 1
    assert [p for p, _ in recorder.handled] == [early]


@pytest.mark.parametrize("name", ["~$registre.xlsx", ".~lock.registre.xlsx#", "copie.tmp",
                                  "Thumbs.db", "desktop.ini", "A1B2C3D4", "export.xlsx.part",
                                  "x.crdownload"])
def test_office_lock_and_temporary_files_are_ignored(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"data")
    recorder = Recorder()
    assert is_ignored(tmp_path / name)
    assert _watcher(tmp_path, recorder).run_once() == 0


def test_filed_folders_are_not_watched(tmp_path: Path) -> None:
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "done.xlsx").write_bytes(b"data")
    recorder = Recorder()
    assert _watcher(tmp_path, recorder).run_once() == 0


def test_a_busy_file_is_tried_again_not_failed(tmp_path: Path) -> None:
    attempts: list[float] = []

    def handle(path: Path) -> None:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise FileNotReady("locked")
        path.unlink()

    watcher = FolderWatcher(tmp_path, handle=handle, give_up=lambda p, e: None,
                            settle=0.0, retry=0.1, tick=0.02)
    (tmp_path / "busy.xlsx").write_bytes(b"data")
    stop, thread = _run(watcher)
    try:
        _wait_for(lambda: len(attempts) >= 3)
    finally:
        stop.set()
        thread.join(5)
    assert len(attempts) == 3
    assert not (tmp_path / "busy.xlsx").exists()


def test_a_failing_file_is_set_aside_and_the_watcher_keeps_going(tmp_path: Path) -> None:
    recorder = Recorder()
    calls: list[str] = []

    def handle(path: Path) -> None:
        calls.append(path.name)
        if path.name == "bad.xlsx":
            raise ValueError("boom")
        recorder.handle(path)

    watcher = FolderWatcher(tmp_path, handle=handle, give_up=recorder.give_up,
                            settle=0.0, retry=0.05, tick=0.02)
    (tmp_path / "bad.xlsx").write_bytes(b"data")
    (tmp_path / "good.xlsx").write_bytes(b"data")
    stop, thread = _run(watcher)
    try:
        _wait_for(lambda: recorder.given_up and recorder.handled)
    finally:
        stop.set()
        thread.join(5)
    assert calls.count("bad.xlsx") == 3
    assert recorder.given_up == [tmp_path / "bad.xlsx"]
    assert [p.name for p, _ in recorder.handled] == ["good.xlsx"]


def test_a_file_that_vanishes_is_forgotten(tmp_path: Path) -> None:
    recorder = Recorder()
    watcher = _watcher(tmp_path, recorder, settle=0.0)
    gone = tmp_path / "gone.csv"
    gone.write_bytes(b"data")
    watcher.sweep()
    gone.unlink()
    assert watcher.process_ready() == 0
    assert watcher.waiting() == []
