"""Per-batch cache for work shared by many reports (e.g. the Verbund SOLL maps).

The batch runner sets ``WERKBENCH_CACHE_DIR`` (``<out>/.cache/``, emptied at the start of each
batch) in every report's kernel. Template code wraps expensive, report-independent rendering::

    from workbench.reports.cache import cached_text
    svg = cached_text(f"soll-{leistung}-{digest}.svg", lambda: render_soll_map(...))

The folder is private to one batch (created fresh with mode 0700, see ``reports.batch``) and holds
data only — text, SVG, JSON —, never pickle: whatever is found there is read as bytes, so a planted
file cannot run code. Files are opened without following symbolic links.

The first worker renders and stores the value atomically (a file lock makes the others wait), all
later reports of the batch read it. Without the variable (a notebook run by hand) the function
simply renders. Keys must be file names; include a content hash when the value depends on data.

:func:`memo` keeps a Python object in the warm kernel across reports (modules survive the
namespace reset), keyed by ``WERKBENCH_INPUTS_SHA256`` — the digest of the report's input files that
the batch sets — so e.g. the loaded knowledge base is parsed once per kernel, not once per report.
The object is shared: treat it as read-only. ``WERKBENCH_MEMO=0`` switches the memo off.

Inside :func:`only_if_free`, a value that another process is producing right now raises
:class:`Busy` instead of waiting for it: a report can first produce the shared values no other
kernel is working on and come back for the others (the batch's kernels run reports that show
mostly the same maps in the same order, and waiting for the other kernel's map left a core idle).
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ..fileio import atomic_write_bytes

T = TypeVar("T")

ENV_VAR = "WERKBENCH_CACHE_DIR"
INPUTS_ENV_VAR = "WERKBENCH_INPUTS_SHA256"
#: Set by the batch for a report whose fingerprint its parent computed (``kind:kommune:sha256``,
#: see :func:`workbench.report_content.fingerprint.cover_digest`): the cover shows it instead of
#: computing it again in the kernel.
FINGERPRINT_ENV_VAR = "WERKBENCH_FINGERPRINT"
MEMO_SIZE = 4
_memo: dict[str, Any] = {}
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
_SKIP_BUSY: contextvars.ContextVar[bool] = contextvars.ContextVar("skip_busy", default=False)


class Busy(Exception):
    """Another process is producing this value now (raised only inside :func:`only_if_free`)."""


@contextlib.contextmanager
def only_if_free() -> Iterator[None]:
    """Within the block, :func:`cached_bytes` raises :class:`Busy` for a value another process
    is producing instead of waiting for it."""
    token = _SKIP_BUSY.set(True)
    try:
        yield
    finally:
        _SKIP_BUSY.reset(token)


def cache_dir() -> Path | None:
    """The batch cache folder, or None outside a batch."""
    value = os.environ.get(ENV_VAR)
    return Path(value) if value else None


@contextlib.contextmanager
def _locked(path: Path, *, wait: bool = True) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise Busy(path.name) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def cached_bytes(key: str, produce: Callable[[], bytes]) -> bytes:
    """``produce()`` once per batch; later calls with the same key read the stored bytes
    (waiting while another process produces them, or :class:`Busy` in :func:`only_if_free`)."""
    if not _KEY.match(key):
        raise ValueError(f"Ungültiger Cache-Schlüssel '{key}' (nur Buchstaben, Ziffern, . _ -).")
    folder = cache_dir()
    if folder is None:
        return produce()
    target = folder / key
    stored = _read(target)
    if stored is not None:
        return stored
    with _locked(folder / f".{key}.lock", wait=not _SKIP_BUSY.get()):
        stored = _read(target)
        if stored is not None:
            return stored
        data = produce()
        atomic_write_bytes(target, data, durable=False)  # emptied with every batch anyway
        return data


def _read(path: Path) -> bytes | None:
    """The bytes of a regular file, None when missing; never follows a symbolic link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:  # a symbolic link (ELOOP) or unreadable: not ours, produce anew
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        return handle.read()


def cached_text(key: str, produce: Callable[[], str]) -> str:
    """Like :func:`cached_bytes` for UTF-8 text."""
    return cached_bytes(key, lambda: produce().encode("utf-8")).decode("utf-8")


def memo(name: str, produce: Callable[[], T]) -> T:
    """``produce()`` once per warm kernel and set of input files (outside a batch: every time)."""
    digest = os.environ.get(INPUTS_ENV_VAR)
    if not digest or os.environ.get("WERKBENCH_MEMO", "1") == "0":
        return produce()
    key = f"{name}\0{digest}"
    if key not in _memo:
        while len(_memo) >= MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        _memo[key] = produce()
    return _memo[key]
