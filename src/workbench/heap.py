"""Give freed heap memory back to the operating system (glibc ``malloc_trim``).

A national analysis runs parts on side threads; glibc gives each thread its own heap (arena), and
what a thread freed stays mapped there, so the process keeps the resident size of the analysis
after it is done and the next large step (writing and reading the analysis as JSON) builds on
top of it. :func:`release` returns the free pages of every arena; where the C library has no
``malloc_trim`` (not glibc) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _trim() -> object | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def release() -> None:
    """Return the heap's free pages to the operating system (no-op without glibc)."""
    trim = _trim()
    if trim is not None:
        trim(0)
