"""Large numpy arrays in normal (4 KiB) pages while a national analysis runs.

numpy asks Linux for transparent huge pages (``madvise``) for every array of 4 MiB and more.
Where the machine is a virtual machine whose host takes free memory back (free page reporting
of a balloon device, as on the 2-core benchmark machine), a fresh 2 MiB page must first come
back from the host: measured there, 1.9–2.2 s of system time per GiB touched for the first
time, against 0.3 s in 4 KiB pages. The national analysis writes about 1 GiB of fresh arrays
once per process (its result alone is 0.8 GiB), so it runs in normal pages
(``docs/decisions/analyse-ohne-huge-pages.md``). An explicit ``NUMPY_MADVISE_HUGEPAGE`` in the
environment is the operator's choice and is left alone.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator

_lock = threading.Lock()
_depth = 0
_saved = True


def _switch() -> Callable[[bool], bool] | None:
    """numpy's run-time switch (returns the previous setting), or None where it has none."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        from numpy.core import multiarray  # type: ignore[no-redef]
    return getattr(multiarray, "_set_madvise_hugepage", None)


@contextlib.contextmanager
def normal_pages() -> Iterator[None]:
    """Inside the block numpy does not ask for huge pages; the setting before comes back
    when the last of nested or concurrent blocks ends. Nothing changes where numpy has no
    switch or ``NUMPY_MADVISE_HUGEPAGE`` is set."""
    global _depth, _saved
    switch = None if "NUMPY_MADVISE_HUGEPAGE" in os.environ else _switch()
    if switch is None:
        yield
        return
    with _lock:
        if _depth == 0:
            _saved = bool(switch(False))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                switch(_saved)
