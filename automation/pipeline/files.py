"""A file — dropped into the inbox, or given to ``automation ingest`` — through the runner.

Whatever happens, a handled file leaves the inbox: its rows are in a register, or it is back
in ``rejected/`` with a French explanation, or it was seen before. A file kept elsewhere and
given to ``ingest`` is never moved: a copy is filed instead. A file that is still being
copied raises :class:`~automation.errors.FileNotReady` and stays for a later try.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from automation.arrival import Source
from automation.pipeline.office import Office
from automation.pipeline.report import Report
from automation.pipeline.runner import run
from automation.sources.files import file_arrival

MB = 1024 * 1024


def ingest_file(office: Office, path: Path, *, hint: str | None = None,
                source: Source = Source.FOLDER) -> Report:
    """Read, record, write and file ``path``. ``source`` is :attr:`Source.INGEST` for a file
    kept outside the inbox (then copied, never moved); ``hint`` names its register."""
    config = office.config
    registers = [b.key for b in config.bindings()]
    arrival = file_arrival(path, source=source, inbox=config.inbox_dir, registers=registers,
                           max_spreadsheet_bytes=int(config.intake.max_file_mb * MB),
                           max_mail_bytes=config.mail.max_mail_bytes, office=config.root)
    if hint is not None:
        arrival = replace(arrival, hint=hint)
    return run(office, arrival)
