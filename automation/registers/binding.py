"""Where a register lives and how its columns are named in the office's workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from automation.registers.schema import RegisterSchema


@dataclass(frozen=True)
class RegisterBinding:
    """A register schema bound to a workbook.

    ``columns`` maps field keys to the header the office uses, when it differs from the
    default header (an adopted register); fields absent from the workbook are simply not
    written. ``sheet`` is ``None`` for the schema's default sheet name.
    """

    schema: RegisterSchema
    path: Path
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    adopted: bool = False  # the office's own workbook: never restyled, only appended to

    @property
    def key(self) -> str:
        return self.schema.key

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.schema.sheet

    def header_of(self, key: str) -> str:
        return self.columns.get(key, self.schema.field(key).header)
