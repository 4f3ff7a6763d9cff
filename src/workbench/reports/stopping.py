"""Stopping a batch without orphans: SIGTERM unwinds like Ctrl-C, and workers never outlive it.

Two halves:

* In the batch process, :func:`sigterm_unwinds` turns SIGTERM into :class:`Terminated` (a
  ``KeyboardInterrupt``), so the ``finally`` blocks of the batch run exactly as after Ctrl-C:
  the pool terminates its workers, kills their kernels and the cache folder is removed. Python's
  default for SIGTERM is to die at once, which left the workers and kernels running.
* In a worker process, :func:`watch_parent` notices when the batch process is gone (also after
  SIGKILL, where no handler runs) and then calls the worker's own exit, which kills its kernel.
  A worker is a child of the fork server, not of the batch, so it cannot simply ask for its
  parent; it watches the batch's process id through a pidfd (Linux), else by polling.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator

__all__ = ["Terminated", "sigterm_unwinds", "watch_parent"]

#: Exit code of a command stopped by SIGTERM (128 + 15), as a shell reports it.
EXIT_TERMINATED = 128 + signal.SIGTERM
#: How often the fallback watcher looks for the batch process (seconds).
POLL_SECONDS = 0.25


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived; raised in the main thread so the batch cleans up like after Ctrl-C."""


def _raise_terminated(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup
    raise Terminated()


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (main thread only, and only when no
    one else handles SIGTERM); the previous handler is restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def open_pidfd(pid: int) -> int | None:
    """A pidfd of process ``pid`` (Linux 5.3 and later), readable once the process has ended;
    None when there is none (the process is gone, an old kernel, another OS)."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def watch_parent(pid: int, on_gone: Callable[[], None]) -> threading.Thread | None:
    """Call ``on_gone()`` (in a daemon thread) once process ``pid`` has ended; None when
    ``pid`` is already gone (``on_gone`` has then run) or is this process."""
    if pid == os.getpid():
        return None
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        on_gone()
        return None
    except (AttributeError, OSError):  # no pidfd (old kernel, other OS): poll the pid
        fd = -1

    def wait_pidfd() -> None:
        with contextlib.suppress(OSError):
            select.select([fd], [], [])  # readable when the process has exited
        on_gone()

    def poll() -> None:
        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:  # exists (pid reuse by another user is not ours to judge)
                pass
            time.sleep(POLL_SECONDS)
        on_gone()

    thread = threading.Thread(target=wait_pidfd if fd >= 0 else poll, daemon=True,
                              name="werkbench-batch-watch")
    thread.start()
    return thread
