"""Cell values as the journal stores them: JSON, with dates and datetimes kept as such."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from automation.errors import RegisterError
from automation.records import CellValue

Values = dict[str, CellValue]


def dump_values(values: Mapping[str, CellValue]) -> str:
    return json.dumps({k: _encode(v) for k, v in values.items()}, ensure_ascii=False)


def load_values(text: str) -> Values:
    return {k: _decode(v) for k, v in json.loads(text).items()}


def dump_value(value: CellValue) -> str:
    return json.dumps(_encode(value), ensure_ascii=False)


def load_value(text: str) -> CellValue:
    return _decode(json.loads(text))


def _encode(value: CellValue) -> Any:
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return value


def _decode(value: Any) -> CellValue:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        return date.fromisoformat(value["$d"])
    if value is None or isinstance(value, str | int | float):
        return value
    raise RegisterError(f"journal holds an unexpected value: {value!r}")
