"""Where a register lives and how the office's workbook names its columns, values and ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from automation.records import CellValue
from automation.registers.choices import ValueMap
from automation.registers.ids import IdScheme
from automation.registers.schema import RegisterSchema


@dataclass(frozen=True)
class RegisterBinding:
    """A register schema bound to a workbook.

    ``columns`` maps field keys to the header the office uses, when it differs from the
    default header (an adopted register); in an adopted register, fields absent from
    ``columns`` are not in the workbook. ``values`` maps, per field, our dropdown values to
    the office's (« Nouvelle » → « Ouverte »); ``ids`` is the office's id scheme
    (``R{yy}-{nn}``, empty for ours); ``added`` lists the columns ``adopt --add-columns``
    added. ``sheet`` is ``None`` for the schema's default sheet name.
    """

    schema: RegisterSchema
    path: Path
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    adopted: bool = False  # the office's own workbook: never restyled, only appended to
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    ids: str = ""
    added: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.schema.key

    @property
    def sheet_name(self) -> str:
        return self.sheet or self.schema.sheet

    def header_of(self, key: str) -> str:
        return self.columns.get(key, self.schema.field(key).header)

    @cached_property
    def id_scheme(self) -> IdScheme:
        return IdScheme(self.ids) if self.ids else IdScheme.default(self.schema.prefix)

    @property
    def sequence(self) -> str:
        """The name under which the journal counts this register's ids."""
        return self.id_scheme.sequence(self.key, self.schema.prefix)

    @property
    def expected_fields(self) -> tuple[str, ...]:
        """Fields whose column the workbook is known to have (a missing one is a renamed or
        deleted header): the adopted mapping, or every field of a register we created."""
        if self.adopted:
            return tuple(f.key for f in self.schema.fields if f.key in self.columns)
        return tuple(f.key for f in self.schema.fields)

    @cached_property
    def _value_maps(self) -> dict[str, ValueMap]:
        return {key: ValueMap(self.schema.field(key).choices, mapping)
                for key, mapping in self.values.items() if mapping and self.schema.has(key)}

    def value_map(self, key: str) -> ValueMap | None:
        return self._value_maps.get(key)

    def office_value(self, key: str, value: CellValue) -> CellValue:
        """``value`` as the office's list spells it."""
        found = self.value_map(key) if isinstance(value, str) else None
        return found.office(value) if found is not None and isinstance(value, str) else value
