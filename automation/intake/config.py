"""``[intake]``: how large a dropped file may be, and what its reader may spend on it (a leaf
module, like every section: the sandboxed reader's child unpickles it with each request)."""

from __future__ import annotations

from dataclasses import dataclass

from automation.settings import setting


@dataclass(frozen=True)
class Intake:
    max_file_mb: float = setting(50.0, "A dropped file larger than this is rejected unopened.")
    max_uncompressed_mb: float = setting(
        300.0, "A workbook whose parts expand beyond this is rejected (zip bomb guard).")
    max_compression_ratio: float = setting(
        200.0, "A workbook part compressed more than this ratio is rejected (zip bomb guard).")
    max_rows: int = setting(100_000, "A sheet with more rows than this is rejected.")
    max_cells: int = setting(
        10_000_000, "A sheet whose range (rows × columns, as its XML declares it or as its "
        "farthest cell reaches) is larger than this is rejected before it is read.")
    reader_memory_mb: float = setting(
        2048.0, "Memory the reader of one dropped file or mail may use (it reads in a child "
        "process: past this, the file is refused and the watcher goes on).")
    reader_seconds: float = setting(
        120.0, "CPU time the reader may spend on one dropped file or mail before it is "
        "refused.")
