"""Atomic file writes: a temp file in the target folder, fsync, then rename.

While a write is under way its temp file (``.<name>.<random>.tmp``) is locked (``flock``). A
process killed mid-write leaves the temp file behind, but the lock dies with the process: such an
*orphan* is unlocked. :func:`orphan_temp_files` finds them (``workbench validate`` reports them)
and the next write of the same file removes them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

#: ``.<target name>.<8 random characters from mkstemp>.tmp``
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp$")
#: An unlocked temp file younger than this may belong to a writer that has not locked it yet.
ORPHAN_MIN_AGE_SECONDS = 5.0


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` so readers see the old or the new file, never a partial one.

    Orphaned temp files of earlier, killed writes of the same file are removed first. With
    ``durable=False`` (caches that check what they read and can compute it again) the data is
    not forced to disk before the rename: still atomic for every reader, but after a power
    failure the file may be empty or missing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_orphans(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if this process dies
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            if path.exists():
                with contextlib.suppress(OSError):
                    os.chmod(tmp, path.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o644)
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def is_temp_name(name: str) -> bool:
    """True for the name of one of our temp files (``.ist.bpmn.k3j2h1g0.tmp``)."""
    return _TEMP_NAME.match(name) is not None


def orphan_temp_files(folder: Path, *, recursive: bool = True) -> list[Path]:
    """Temp files of killed writes under ``folder`` (not locked by a live writer), sorted."""
    folder = Path(folder)
    found = folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp")
    return sorted(p for p in found if is_temp_name(p.name) and _is_orphan(p))


def remove_orphans(path: Path) -> list[Path]:
    """Remove the orphaned temp files of ``path`` (earlier writes of it that were killed)."""
    removed = []
    for orphan in _candidates(Path(path)):
        if _is_orphan(orphan):
            with contextlib.suppress(OSError):
                orphan.unlink()
                removed.append(orphan)
    return removed


def _candidates(path: Path) -> Iterable[Path]:
    try:
        return [p for p in path.parent.glob(f".{glob_escape(path.name)}.*.tmp")
                if (m := _TEMP_NAME.match(p.name)) and m["target"] == path.name]
    except OSError:
        return []


def glob_escape(name: str) -> str:
    """``name`` with glob wildcards escaped."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _is_orphan(path: Path) -> bool:
    """Unlocked, a regular file (no symlink), and not brand new."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return False
        if time.time() - info.st_mtime < ORPHAN_MIN_AGE_SECONDS:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live writer holds it
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)
