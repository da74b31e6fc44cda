"""Names a package offers, imported from their module the first time they are used.

A package's ``__init__`` that imports every module it re-exports makes importing any one of
its modules pay for all of them (``automation.letters.catalog`` would load docxtpl, Jinja and
lxml). With :func:`lazy_exports` the package lists where each name lives and imports it on
first use (PEP 562); type checkers read the same names from an ``if TYPE_CHECKING:`` block::

    if TYPE_CHECKING:
        from automation.letters.render import render_letter
    __getattr__ = lazy_exports(__name__, {"render_letter": "automation.letters.render"})
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` giving each name of ``where`` from the module it names."""

    def __getattr__(name: str) -> object:  # noqa: N807 - the name PEP 562 looks up
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
