"""How settings are declared and read: a leaf module every configuration section imports.

A section is a frozen dataclass whose fields are declared with :func:`setting`;
:func:`build_section` fills one from a TOML table and the environment
(``AUTOMATION_<SECTION>_<KEY>``, which wins), checking every value's type and naming any bad
or unknown setting in its :class:`~automation.errors.ConfigError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, fields, is_dataclass, replace
from functools import cache
from typing import Any, Final, TypeVar, get_args, get_origin, get_type_hints

from automation.errors import ConfigError

ENV_PREFIX: Final = "AUTOMATION_"
_TRUE: Final = frozenset({"1", "true", "yes", "oui"})
_FALSE: Final = frozenset({"0", "false", "no", "non"})

T = TypeVar("T")


def setting(default: Any, help: str) -> Any:
    """Declare a setting: its default and the help line shown in the README."""
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


def env_name(section: str, key: str) -> str:
    """``mail.imap`` + ``host`` → ``AUTOMATION_MAIL_IMAP_HOST``."""
    return f"{ENV_PREFIX}{section.replace('.', '_')}_{key}".upper()


def build_section(section: str, cls: type[T], table: Mapping[str, Any],
                  environ: Mapping[str, str], *, where: str = "") -> T:
    """The section ``cls`` from ``table``, with the environment's values winning."""
    assert is_dataclass(cls)
    hints = _hints(cls)
    known = [f.name for f in fields(cls)]
    unknown = sorted(set(table) - set(known))
    if unknown:
        names = ", ".join(f"{section}.{key}" for key in unknown)
        raise ConfigError(f"{where + ': ' if where else ''}unknown setting(s) {names}")
    values: dict[str, Any] = {}
    for key in known:
        variable = env_name(section, key)
        if variable in environ:
            values[key] = _from_env(variable, environ[variable], hints[key])
        elif key in table:
            values[key] = _checked(f"{section}.{key}", table[key], hints[key])
    return replace(cls(), **values)


@cache
def _hints(cls: type) -> dict[str, Any]:
    """A section's field types, evaluated once per process (its annotations are text)."""
    return get_type_hints(cls)


def type_name(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is None:
        return getattr(hint, "__name__", str(hint))
    return f"{origin.__name__}[{', '.join(type_name(a) for a in get_args(hint))}]"


def _checked(name: str, value: Any, hint: Any) -> Any:
    expected = get_origin(hint) or hint
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, expected) or (expected in (int, float) and isinstance(value, bool)):
        raise ConfigError(f"setting {name} = {value!r}: expected {type_name(hint)}")
    args = get_args(hint)
    if expected is list and args and not all(isinstance(item, args[0]) for item in value):
        raise ConfigError(f"setting {name} = {value!r}: expected {type_name(hint)}")
    if expected is dict and args and not all(isinstance(v, args[1]) for v in value.values()):
        raise ConfigError(f"setting {name} = {value!r}: expected {type_name(hint)}")
    return value


def _from_env(name: str, raw: str, hint: Any) -> Any:
    text = raw.strip()
    try:
        if hint is bool:
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError(raw)
            return text.lower() in _TRUE
        if hint is int:
            return int(text)
        if hint is float:
            return float(text)
    except ValueError as exc:
        raise ConfigError(
            f"environment variable {name}={raw!r}: expected {type_name(hint)}") from exc
    if get_origin(hint) is list:
        items = [part.strip() for part in raw.split(",") if part.strip()]
        if get_args(hint) == (int,):
            try:
                return [int(item) for item in items]
            except ValueError as exc:
                raise ConfigError(f"environment variable {name}={raw!r}: expected "
                                  f"{type_name(hint)}") from exc
        return items
    if get_origin(hint) is dict:
        raise ConfigError(f"environment variable {name}: a table is set in automation.toml only")
    return raw
