"""``automation --help`` and ``automation status`` load no heavy library.

Offices run ``status`` from a scheduler, and every command starts with the same imports: a
library imported at start is paid by every run. Each command is run here in a fresh Python
process, as the scheduler runs it, and the modules it left in ``sys.modules`` are listed — a
proof that does not depend on how fast the machine is (the times are in
``bench/bench_startup.py``).
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from automation import cli
from automation.cli import COMMANDS, main
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office

from .spine import write_xlsx
from .test_register_watch import COMPLAINT

# Libraries only the commands that write workbooks and letters, draw charts or reach a
# mailbox need, each from 30 ms (jinja2) to 0.5 s (exchangelib) to import; and ``holidays``,
# whose French days of the years in use are shipped as a table.
HEAVY: Final = ("openpyxl", "docxtpl", "docx", "jinja2", "matplotlib", "numpy", "PIL",
                "exchangelib", "msal", "imapclient", "watchdog", "keyring", "requests",
                "aiosmtpd", "extract_msg", "oxmsg", "holidays")
# What reading a register needs, so ``status`` may load them (to count what is late) but
# ``--help`` never does.
READERS: Final = ("python_calamine", "lxml")

PROBE: Final = """
import json, sys
{preamble}
from automation.cli import main
out, argv = sys.argv[1], sys.argv[2:]
sys.argv = ["automation", *argv]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
tops = sorted({{name.partition(".")[0] for name in sys.modules}})
ours = sorted(name for name in sys.modules if name.startswith("automation."))
with open(out, "w", encoding="utf-8") as handle:
    json.dump({{"code": code, "modules": tops, "ours": ours}}, handle)
"""


@dataclass(frozen=True)
class Run:
    code: object
    output: str
    modules: frozenset[str]  # top-level names
    ours: frozenset[str]  # the package's own modules, by their whole name


def run_cli(tmp_path: Path, *args: str, preamble: str = "") -> Run:
    """``automation ARGS`` in a new interpreter; its exit status, output, top-level modules."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(preamble=preamble), str(out), *args],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert out.exists(), done.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    return Run(found["code"], done.stdout + done.stderr, frozenset(found["modules"]),
               frozenset(found["ours"]))


def test_help_loads_no_heavy_library_nor_a_register_reader(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--help")
    assert run.code == 0
    assert "status" in run.output and "watch" in run.output and "rgpd" in run.output
    assert sorted(run.modules & {*HEAVY, *READERS}) == []


def test_a_command_help_loads_no_heavy_library(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "ingest", "--help")
    assert run.code == 0
    assert "--register" in run.output
    assert sorted(run.modules & {*HEAVY, *READERS}) == []
    assert "automation.intake.sandbox" not in run.ours  # no reader started for a help text


def test_status_of_a_small_office_loads_no_heavy_library(office: Office,
                                                         tmp_path: Path) -> None:
    # a complaint in its register, and its acknowledgment prepared, not sent
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "plainte.xlsx", COMPLAINT)
    assert ingest_file(office, dropped).accepted == 1
    run = run_cli(tmp_path, "--dir", str(office.config.root), "status")
    assert run.code == 0, run.output
    assert "reclamations │ 1" in run.output
    assert "Courriers préparés, non envoyés : 1" in run.output
    assert re.search(r"Points en retard : \d+ ", run.output), run.output
    assert sorted(run.modules & set(HEAVY)) == []


def test_a_mistyped_command_is_named_with_the_command_meant(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "statu")
    assert run.code == 2
    assert "No such command 'statu'. Did you mean 'status'?" in run.output


def test_the_probe_sees_a_heavy_library_when_one_is_loaded(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--help", preamble="import openpyxl")
    assert run.code == 0
    assert "openpyxl" in run.modules


def test_every_command_is_found_in_the_module_the_table_names() -> None:
    """The lazy table of commands is the whole CLI: each of them, in the module named."""
    modules = {f"automation.cli.{module}" for module in COMMANDS.values()}
    for name in (path.stem for path in Path(cli.__file__).parent.glob("*.py")):
        importlib.import_module(f"automation.cli.{name}")  # every module adds its commands
    assert set(main.commands) == set(COMMANDS)
    for name, command in main.commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"automation.cli.{COMMANDS[name]}", name
    assert {c.callback.__module__ for c in main.commands.values() if c.callback} == modules


def test_an_ingest_that_writes_no_letter_and_refuses_no_row_loads_neither_openpyxl_nor_docxtpl(
        tmp_path: Path) -> None:
    root = tmp_path / "office"
    assert run_cli(tmp_path, "--dir", str(root), "init").code in (0, None)
    config = root / "automation.toml"
    text = config.read_text(encoding="utf-8")
    assert "# acknowledgment = true" in text
    config.write_text(text.replace("# acknowledgment = true", "acknowledgment = false", 1),
                      encoding="utf-8")
    dropped = write_xlsx(root / "inbox" / "reclamations" / "plainte.xlsx", COMPLAINT)
    run = run_cli(tmp_path, "--dir", str(root), "ingest", str(dropped))
    assert run.code in (0, None), run.output
    assert "processed" in run.output
    assert sorted(run.modules & {"openpyxl", "numpy", "docxtpl", "docx", "jinja2"}) == []


def test_an_ingest_of_a_spreadsheet_loads_no_mailbox_mail_parser_sender_or_watcher(
        tmp_path: Path) -> None:
    """What only mailboxes, mails, sending, watching and the indicators need stays unloaded
    when an ``ingest`` from a scheduler takes in a dropped workbook."""
    root = tmp_path / "office"
    assert run_cli(tmp_path, "--dir", str(root), "init").code in (0, None)
    dropped = write_xlsx(root / "inbox" / "reclamations" / "plainte.xlsx", COMPLAINT)
    run = run_cli(tmp_path, "--dir", str(root), "ingest", str(dropped))
    assert run.code in (0, None), run.output
    assert "processed" in run.output
    assert sorted(run.modules & {"exchangelib", "msal", "imapclient", "email", "smtplib",
                                 "watchdog", "tnefparse", "oxmsg"}) == []
    unwanted = ("automation.intake.mail", "automation.intake.forms",
                "automation.intake.spreadsheet", "automation.pipeline.mail_steps",
                "automation.pipeline.watch", "automation.pipeline.reminders",
                "automation.indicators.compute", "automation.letters.smtp")
    assert sorted(run.ours & set(unwanted)) == []
    assert "automation.pipeline.runner" in run.ours  # the probe saw the pipeline run
