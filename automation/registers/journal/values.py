"""Cell values as the journal stores them: JSON, with dates and datetimes kept as such.

A date is stored as ``{"$d": "2026-03-04"}``, a datetime as ``{"$dt": "…"}``; every other
value as JSON has it. The encoder and decoder are made once: the JSON module's own C code
does the work, calling back here only for a date (20,000 rows are one transaction).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from automation.errors import RegisterError
from automation.records import CellValue

Values = dict[str, CellValue]

_PLAIN: Final = (str, int, float, date)


def _date_as_json(value: object) -> dict[str, str]:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _date_of_json(found: dict[str, Any]) -> Any:
    """A date's object back as the date; any other object as it is (checked by the caller)."""
    if len(found) == 1:
        if "$dt" in found:
            return datetime.fromisoformat(found["$dt"])
        if "$d" in found:
            return date.fromisoformat(found["$d"])
    return found


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, default=_date_as_json)
_DECODER: Final = json.JSONDecoder(object_hook=_date_of_json)


def dump_values(values: Mapping[str, CellValue]) -> str:
    return _ENCODER.encode(values if type(values) is dict else dict(values))


def load_values(text: str) -> Values:
    found = _DECODER.decode(text)
    if not isinstance(found, dict):
        raise RegisterError(f"journal holds unexpected values: {found!r}")
    for value in found.values():
        if value is not None and not isinstance(value, _PLAIN):
            raise RegisterError(f"journal holds an unexpected value: {value!r}")
    return found


def dump_value(value: CellValue) -> str:
    return _ENCODER.encode(value)


def load_value(text: str) -> CellValue:
    found = _DECODER.decode(text)
    if found is not None and not isinstance(found, _PLAIN):
        raise RegisterError(f"journal holds an unexpected value: {found!r}")
    return found
