"""Freed memory handed back to the system between the stages of a large job.

A 20,000-row drop builds its rows several times over (read, recorded, written, read back),
each stage letting go of the last one's. CPython frees those objects, but the C allocator
keeps most of the pages they lay in: a dict's table lies beside a survivor, and the heap
cannot shrink past it. The process then stays as large as its largest stage plus the free
space before it, and the next stage, whose objects do not fit that space as it is
fragmented, grows it further. :func:`give_back` asks glibc to return every whole free page
(``malloc_trim``): the next stage costs what it holds, and a watcher that took in a large
file gives most of what it grew by back (what stays is the interpreter's own small-object
arenas, each held by a few survivors). Elsewhere (Windows, macOS, musl) it does nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable


def give_back() -> None:
    """Return the allocator's free pages to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # with the first large write, not at every start-up

    try:
        found: Callable[[int], int] | None = getattr(ctypes.CDLL(None), "malloc_trim", None)
    except (OSError, TypeError):  # no C library to load by that name here
        return None
    return found
