"""Warm kernels forked from the batch's preloaded worker instead of started as a new interpreter.

A kernel started the usual way (``python -m ipykernel_launcher``) imports ipykernel, IPython,
numpy, pandas and the report modules again, about 1 CPU-s per kernel on the example. A local
batch worker is itself forked from the fork server, which has imported all of that once
(:data:`KERNEL_MODULES`, loaded by :mod:`.forkserver_warmup`). So the worker forks its kernel:
the child is the same ``IPKernelApp`` on the same connection file, started in-process from the
already imported modules.

The child is made to look like a freshly launched kernel: its own session and process group
(as ``start_new_session``), standard signal handlers, stdin from ``/dev/null`` and stdout/stderr
into the kernel log, every other inherited file descriptor closed, the requested environment
and working folder, a fresh asyncio loop, and ``parent_handle`` set to the worker, so it ends
when the worker ends (as with ``JPY_PARENT_PID``). It never returns into the worker's code: it
leaves through ``os._exit``.

Only where that is the same kernel: the kernel spec must start this very interpreter's
``ipykernel_launcher``; any other spec (another Python, another language) is launched as usual.
Only local batch workers fork (:func:`enable`); Dask workers run many threads and launch kernels
the usual way. ``WERKBENCH_KERNEL_FORK=0`` switches it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import select
import signal
import subprocess
import sys
import time
import warnings
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from .stopping import open_pidfd
from .worker import UNUSED_FORMAT_PACKAGES

#: What the fork server imports for the kernels (besides the workers' own modules): ipykernel's
#: application, kernel and shell; what every kernel imports at setup (``kernel_state._ALWAYS``);
#: and the shipped report templates' package with the parts it lists in ``__preload__``.
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
                  "ipykernel.debugger", "numpy", "pandas", "matplotlib",
                  "workbench.report_content")

#: Not imported for the kernels: ipykernel's debugger loads debugpy (0.04 CPU-s of the fork
#: server, and a ``uname -p`` subprocess) when it is installed; a report kernel is never
#: debugged, so a forked kernel has no debugger (a launched one still has).
WITHOUT_MODULES = ("debugpy",)
#: Every import the fork server blocks (``None`` in ``sys.modules``): the above and the string
#: format packages of jsonschema the workers go without.
SKIPPED_IMPORTS = (*WITHOUT_MODULES, *UNUSED_FORMAT_PACKAGES)

#: The forked kernel's process name (``ps -o comm``, ``psutil.Process.name()``); its command line
#: is the fork server's.
PROCESS_NAME = "wb-kernel"

#: The interpreter state a worker changes for itself (``worker._quiet``), as it was in the fork
#: server when this module was imported there; a forked kernel starts from it again.
_PRISTINE_WARNINGS = list(warnings.filters)
_PRISTINE_LEVELS = {name: logging.getLogger(name).level for name in ("papermill", "traitlets")}

_enabled = False
_kept: list[Any] = []  # objects of the worker the child must never finalise (their fds are gone)


def enable() -> None:
    """Let this process (a local batch worker) fork its warm kernels."""
    global _enabled
    _enabled = os.environ.get("WERKBENCH_KERNEL_FORK", "1") != "0"


def enabled() -> bool:
    """Whether this process forks its kernels (see :func:`enable`)."""
    return _enabled


def can_fork(cmd: list[str]) -> bool:
    """Whether ``cmd`` is this interpreter's ``-m ipykernel_launcher`` and forking is enabled."""
    if not _enabled or not hasattr(os, "fork") or len(cmd) < 3:
        return False
    if cmd[1:3] != ["-m", "ipykernel_launcher"] or "ipykernel.kernelapp" not in sys.modules:
        return False
    with contextlib.suppress(OSError):
        return os.path.samefile(os.path.expanduser(cmd[0]), sys.executable)
    return False


class ForkingProvisioner(LocalProvisioner):  # type: ignore[misc]
    """``LocalProvisioner`` that forks the kernel when :func:`can_fork` allows it."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        if not can_fork(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel.start(cmd[3:], env=kwargs.get("env"), cwd=kwargs.get("cwd"),
                                          stdout=kwargs.get("stdout"))
        self.pid = self.pgid = self.process.pid
        self.cwd = kwargs.get("cwd") or os.getcwd()
        return self.connection_info


class ForkedKernel:
    """The part of :class:`subprocess.Popen` the provisioner uses, for a forked kernel."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    @classmethod
    def start(cls, argv: list[str], *, env: dict[str, str] | None, cwd: str | None,
              stdout: Any) -> ForkedKernel:
        """Fork; the child runs ``IPKernelApp`` with ``argv`` and never returns."""
        sink = stdout.fileno() if stdout is not None and hasattr(stdout, "fileno") else None
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is its behaviour, tested end to end
            _child(argv, env, cwd, sink, parent)
        return cls(pid)

    def poll(self) -> int | None:
        if self.returncode is None:
            with contextlib.suppress(ChildProcessError):
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid == 0:
                    return None
                self.returncode = os.waitstatus_to_exitcode(status)
            if self.returncode is None:  # reaped elsewhere
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit code; with ``timeout`` (seconds) ``subprocess.TimeoutExpired`` if the
        kernel still runs by then (woken by its pidfd when it ends; without pidfds checked every
        millisecond or so, as ``Popen.wait`` does)."""
        if timeout is None:
            if self.returncode is None:
                try:
                    _, status = os.waitpid(self.pid, 0)
                    self.returncode = os.waitstatus_to_exitcode(status)
                except ChildProcessError:
                    self.returncode = 0
            return self.returncode
        deadline, delay = time.monotonic() + timeout, 0.0005
        ended = open_pidfd(self.pid)
        watch = select.poll()
        if ended is not None:
            watch.register(ended, select.POLLIN)
        try:
            while (code := self.poll()) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise subprocess.TimeoutExpired(["kernel"], timeout)
                if ended is not None:  # readable the moment the kernel has ended
                    watch.poll(max(1, int(left * 1000)))
                else:
                    time.sleep(min(delay, left))
                    delay = min(delay * 2, 0.02)
            return code
        finally:
            if ended is not None:
                os.close(ended)

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _child(argv: list[str], env: dict[str, str] | None, cwd: str | None, sink: int | None,
           parent: int) -> None:  # pragma: no cover - runs in the forked kernel
    code = 1
    try:
        # nothing inherited is ever collected here: a finaliser (an unclosed zmq context or
        # socket of the worker's, an event loop) would act on descriptors closed below
        gc.freeze()
        os.setsid()
        _name_process(PROCESS_NAME)
        for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        out = sink if sink is not None else null
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, _fd_limit())
        # the worker's event loop (its selector's descriptor is closed now) must be neither used
        # nor finalised here: kept referenced, and a fresh loop for the kernel
        with contextlib.suppress(Exception):
            _kept.append(asyncio.get_event_loop_policy().get_event_loop())
        asyncio.set_event_loop(asyncio.new_event_loop())
        _fresh_process_state()
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd:
            os.chdir(cwd)
        sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != os.getcwd()]
        sys.argv = [sys.executable, *argv]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.parent_handle = parent  # end with the worker, as JPY_PARENT_PID would
        app.initialize(argv)
        _matplotlib_backend_from_environment()
        app.start()
        code = 0
    except BaseException:  # into the kernel log (fd 2), whatever sys.stderr is in the worker
        with contextlib.suppress(Exception):
            import traceback

            os.write(2, traceback.format_exc().encode("utf-8", "replace"))
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _fresh_process_state() -> None:  # pragma: no cover - runs in the forked kernel
    """Undo what the fork server and the worker set for themselves: the imports the server went
    without (:data:`SKIPPED_IMPORTS`), their warning filters and log levels, and
    multiprocessing's view of it (a daemonic worker process, the batch's start method, fork server
    and resource tracker). The kernel is a main process of its own, as a launched one would be."""
    for name in SKIPPED_IMPORTS:
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]  # the fork server went without it: importable again here
    warnings.filters[:] = _PRISTINE_WARNINGS
    warnings._filters_mutated()  # type: ignore[attr-defined]
    for name, level in _PRISTINE_LEVELS.items():
        logging.getLogger(name).setLevel(level)
    import multiprocessing
    import multiprocessing.process as mp_process
    import multiprocessing.util as mp_util

    mp_process._current_process = _main_process()  # type: ignore[attr-defined]
    mp_process._parent_process = None  # type: ignore[attr-defined]
    mp_process._children = set()  # type: ignore[attr-defined]
    mp_util._run_after_forkers()  # type: ignore[attr-defined]
    mp_util._finalizer_registry.clear()  # type: ignore[attr-defined]
    multiprocessing.set_start_method(None, force=True)  # the worker inherited "forkserver"
    for module, holder in (("multiprocessing.forkserver", "_forkserver"),
                           ("multiprocessing.resource_tracker", "_resource_tracker")):
        instance = getattr(sys.modules.get(module), holder, None)
        if instance is not None:
            instance.__init__()  # forget the batch's server (its descriptors are closed here)


def _matplotlib_backend_from_environment() -> None:  # pragma: no cover - forked kernel
    """What importing matplotlib does with ``MPLBACKEND`` (the kernel app has just set it to the
    inline backend): matplotlib was imported in the fork server, before that."""
    matplotlib = sys.modules.get("matplotlib")
    backend = os.environ.get("MPLBACKEND")
    if matplotlib is None or not backend:
        return
    if "matplotlib.pyplot" in sys.modules:
        matplotlib.use(backend)
    else:
        matplotlib.rcParams["backend"] = backend


def _main_process() -> Any:  # pragma: no cover - runs in the forked kernel
    """What ``multiprocessing.current_process()`` is in a freshly started interpreter (its class,
    ``multiprocessing.process._MainProcess``, is deleted after that one instance is made)."""
    import multiprocessing.process as mp_process

    class MainProcess(mp_process.BaseProcess):
        def __init__(self) -> None:
            self._identity = ()
            self._name = "MainProcess"
            self._parent_pid = None
            self._popen = None
            self._closed = False
            self._config = {"authkey": mp_process.AuthenticationString(os.urandom(32)),
                            "semprefix": "/mp"}

        def close(self) -> None:
            pass

    return MainProcess()


def _name_process(name: str) -> None:  # pragma: no cover - runs in the forked kernel
    """Set the process name the kernel shows in ``ps``/``top`` (Linux ``PR_SET_NAME``)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(15, name.encode("ascii"), 0, 0, 0)


def _fd_limit() -> int:
    with contextlib.suppress(ValueError, OSError):
        return os.sysconf("SC_OPEN_MAX")
    return 4096
