"""The journal keeps cell values as JSON in one shape, read back as they were written.

A journal written by an earlier version (dates as ``{"$d": …}``, datetimes as ``{"$dt": …}``,
the JSON module's default separators, accents as they are) must read the same, and a value
written now must be the same text as then: the journal's texts are compared and searched
(the RGPD erasure rewrites them).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.errors import RegisterError
from automation.records import CellValue
from automation.registers.journal.values import dump_value, dump_values, load_value, load_values

cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(),
    st.datetimes(), st.datetimes(timezones=st.just(timezone(timedelta(hours=1)))))
rows = st.dictionaries(st.text(min_size=1).filter(lambda k: not k.startswith("$")), cell_values)


def tagged(value: CellValue) -> Any:
    """The stored shape of one value, written out by hand."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return value


@given(rows)
def test_values_read_back_as_they_were_written(values: dict[str, CellValue]) -> None:
    assert load_values(dump_values(values)) == values
    assert [type(v) for v in load_values(dump_values(values)).values()] == [
        type(v) for v in values.values()]


@given(rows)
def test_values_are_stored_in_the_shape_earlier_journals_hold(
        values: dict[str, CellValue]) -> None:
    stored = json.dumps({k: tagged(v) for k, v in values.items()}, ensure_ascii=False)
    assert dump_values(values) == stored
    assert load_values(stored) == values


@given(cell_values)
def test_one_value_reads_back_as_it_was_written(value: CellValue) -> None:
    assert dump_value(value) == json.dumps(tagged(value), ensure_ascii=False)
    assert load_value(dump_value(value)) == value


@pytest.mark.parametrize("text", ['{"a": [1, 2]}', '{"a": {"b": 1}}', '[1, 2]', '{"a": {}}'])
def test_a_journal_value_of_another_shape_is_refused(text: str) -> None:
    with pytest.raises(RegisterError):
        load_values(text)


def test_a_value_that_is_no_cell_value_is_not_stored() -> None:
    with pytest.raises(TypeError):
        dump_values({"a": object()})  # type: ignore[dict-item]
