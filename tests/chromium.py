"""Headless Chromium (Debian's package) for the tests: load a page, screenshot it, read its DOM
as rendered, and list the network requests the page itself started (Chromium's net log).

Chromium's own services (updates, time, account checks) start requests too; their start
(``URL_REQUEST_START_JOB``) has no origin (« not an origin »). A request the page starts has
the page's origin as initiator (« null » for a page opened from a file): those are what
:func:`page_requests` returns.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")
LOCAL_SCHEMES = ("file:", "data:", "about:", "chrome:", "chrome-extension:", "blob:")


@dataclass(frozen=True)
class Loaded:
    dom: str
    screenshot: Path
    requests: tuple[str, ...]  # URLs the page asked for, beyond local ones


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is missing: scripts/install-system-deps installs Debian's chromium"
    return found


def load_page(page: Path, work: Path) -> Loaded:
    """Open ``page`` twice in a fresh profile: once for its DOM and net log, once to screenshot."""
    work.mkdir(parents=True, exist_ok=True)
    url = page.resolve().as_uri()
    net_log = work / "net-log.json"
    common = [chromium(), *FLAGS, "--window-size=1100,1600"]
    dom = subprocess.run(
        [*common, f"--user-data-dir={work / 'profile-dom'}", f"--log-net-log={net_log}",
         "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True).stdout
    shot = work / "page.png"
    subprocess.run([*common, f"--user-data-dir={work / 'profile-shot'}",
                    f"--screenshot={shot}", url], capture_output=True, timeout=120, check=True)
    return Loaded(dom, shot, page_requests(net_log))


def page_requests(net_log: Path) -> tuple[str, ...]:
    """URLs requested by the page: each request's start (its URL and its initiator), unless it
    has no origin."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    start = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in data["events"]:
        params = event.get("params", {})
        url = str(params.get("url", ""))  # the job's end is logged without its URL
        if event["type"] != start or not url or params.get("initiator") == "not an origin":
            continue
        if not url.startswith(LOCAL_SCHEMES):
            urls.append(url)
    return tuple(dict.fromkeys(urls))
