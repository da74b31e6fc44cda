"""How a setting is declared: its default and its help line (a leaf module, imported by every
section of the configuration wherever it lives)."""

from __future__ import annotations

from dataclasses import field
from typing import Any


def setting(default: Any, help: str) -> Any:
    """Declare a setting: its default and the help line shown in the README."""
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})
