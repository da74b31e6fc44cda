"""``[logs]``: where the log file is kept and how much of it (a leaf module, like every section)."""

from __future__ import annotations

from dataclasses import dataclass

from automation.settings import setting


@dataclass(frozen=True)
class Logs:
    dir: str = setting(
        "registers/.logs", "Folder of the log file automation.log (relative to the office "
        "folder): French lines per file and mail, technical detail below.")
    max_kb: int = setting(1024, "The log file is rotated once it reaches this size (KiB).")
    keep: int = setting(10, "How many rotated log files are kept (automation.1.log, …).")
    verbose: bool = setting(False, "Also log debugging details (as watch --verbose does).")
