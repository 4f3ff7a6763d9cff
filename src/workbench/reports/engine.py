"""A papermill engine that reuses one warm kernel per worker thread (``engine_name="werkbench"``).

Papermill's default engine starts a kernel, imports everything and shuts the kernel down for every
notebook (papermill issues #326, #583, #616). ``WarmKernelEngine`` keeps a started
``jupyter_client`` kernel per worker (thread-local, so Dask worker threads each get their own) and
hands it to papermill's ``PapermillNotebookClient``, which then neither starts nor stops a kernel.
Before each notebook ``kernel_state.prepare`` resets the namespace (``%reset -f`` with a new
session, so ``execution_count`` restarts at 1) and every other piece of state a report could leak.
The kernel is restarted when it died, when a run failed outside a cell, after ``max_reports``
notebooks or when its memory exceeds ``max_rss_mb``.

Engine keyword arguments (pass them to ``papermill.execute_notebook``): ``kernel_cwd`` (working
directory of the notebook; default the current one), ``kernel_env`` (environment variables for this
notebook only), ``preload`` (modules imported once at kernel start), ``max_reports``, ``max_rss_mb``.
Environment: ``WERKBENCH_KERNEL_MAX_REPORTS`` (500), ``WERKBENCH_KERNEL_MAX_MB`` (2048) and
``WERKBENCH_KERNEL_LOG`` (file for the kernel process's own stdout/stderr; default: discarded).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from queue import Empty
from typing import Any

import entrypoints
import zmq
from jupyter_client import AsyncKernelManager
from jupyter_core.utils import run_sync

# papermill registers its "papermill.engine" entry points -- this module among them -- while
# papermill.engines is being imported. If this module is imported first, that would load it while
# it is only half initialised. So the first import of papermill happens with engine entry points
# hidden, and this module registers them itself once WarmKernelEngine exists (end of the file).
_REGISTER_ENTRY_POINTS = "papermill.engines" not in sys.modules
if _REGISTER_ENTRY_POINTS:
    _get_group_all = entrypoints.get_group_all
    entrypoints.get_group_all = lambda group, path=None: (
        [] if group == "papermill.engine" else _get_group_all(group, path))
    try:
        from papermill.engines import NBClientEngine, papermill_engines
    finally:
        entrypoints.get_group_all = _get_group_all
else:
    from papermill.engines import NBClientEngine, papermill_engines
from papermill.clientwrap import PapermillNotebookClient  # noqa: E402
from papermill.log import logger  # noqa: E402
from papermill.utils import merge_kwargs, remove_args  # noqa: E402

from . import kernel_fork, output_check  # noqa: E402

DEFAULT_MAX_REPORTS = int(os.environ.get("WERKBENCH_KERNEL_MAX_REPORTS", "500"))
DEFAULT_MAX_RSS_MB = int(os.environ.get("WERKBENCH_KERNEL_MAX_MB", "2048"))
_STATE_SOURCE = (Path(__file__).with_name("kernel_state.py")).read_text(encoding="utf-8")
_INSTALL = (
    "import sys as _s, types as _t\n"
    "_m = _t.ModuleType('_werkbench_kernel')\n"
    "exec(compile({src!r}, '<werkbench kernel_state>', 'exec'), _m.__dict__)\n"
    "_s.modules['_werkbench_kernel'] = _m\n"
    "_m.setup({preload!r})\n"
    "del _s, _t, _m\n"
)


class KernelSetupError(RuntimeError):
    """The warm kernel could not be started or reset."""


class KernelDied(KernelSetupError):
    """The kernel process is gone (killed, crashed); found within :data:`ALIVE_POLL` seconds."""


#: How often a waiting call checks that the kernel process still lives (seconds).
ALIVE_POLL = 0.5


class WarmKernel:
    """One started kernel plus its client, reused for many notebooks by one thread."""

    def __init__(self) -> None:
        self.km: AsyncKernelManager | None = None
        self.kc: Any = None
        self.kernel_name: str | None = None
        self.reports = 0
        self.starts = 0
        self.peak_rss = 0
        self.owner = threading.get_ident()

    # -------------------------------------------------------------- lifecycle
    @property
    def pid(self) -> int | None:
        """Process id of the running kernel, if any."""
        provisioner = getattr(self.km, "provisioner", None)
        return getattr(provisioner, "pid", None) if provisioner is not None else None

    def ensure(self, kernel_name: str, *, startup_timeout: float = 60,
               preload: Sequence[str] = (), max_reports: int = DEFAULT_MAX_REPORTS,
               max_rss_mb: int = DEFAULT_MAX_RSS_MB, cwd: str | None = None) -> None:
        """Start the kernel, or restart it if it died, changed name or used up its budget."""
        if self.km is not None:
            reason = None
            if kernel_name != self.kernel_name:
                reason = "anderer Kernel"
            elif not run_sync(self._is_alive)():
                reason = "Kernel beendet"
            elif self.reports >= max_reports:
                reason = f"{self.reports} Berichte"
            elif max_rss_mb and self.rss() > max_rss_mb * 2**20:
                reason = f"Speicher über {max_rss_mb} MB"
            if reason is None:
                return
            logger.info("Warmer Kernel wird neu gestartet (%s).", reason)
            self.shutdown()
        start_dir = cwd if cwd and os.path.isdir(cwd) else _existing_cwd()
        run_sync(self._start)(kernel_name, startup_timeout, list(preload), start_dir)

    async def _is_alive(self) -> bool:
        assert self.km is not None
        return bool(await self.km.is_alive())

    async def _start(self, kernel_name: str, startup_timeout: float, preload: list[str],
                     cwd: str) -> None:
        km = AsyncKernelManager(kernel_name=kernel_name)
        _reconnect_soon(km.context)
        if kernel_fork.enabled() and not km.kernel_spec.metadata.get("kernel_provisioner"):
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = kernel_fork.ForkingProvisioner(
                kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        log_path = os.environ.get("WERKBENCH_KERNEL_LOG")  # kernel process chatter, not outputs
        with open(log_path or os.devnull, "ab") as sink:
            # ignore_cwd: the working folder (possibly untrusted) is not put on sys.path, so a
            # planted pandas.py or workbench/ there is never imported by a report
            await km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:",
                                                   "--InteractiveShellApp.ignore_cwd=True"],
                                  cwd=cwd, stdout=sink, stderr=sink, env=_kernel_env())
        self.km, self.kernel_name, self.reports = km, kernel_name, 0
        self.starts += 1
        kc = None
        try:
            kc = km.client()
            _reconnect_soon(kc.context)
            kc.start_channels()
            await _wait_until_ready(km, kc, startup_timeout)
            kc.allow_stdin = False
            self.kc = kc
            await self._run(_INSTALL.format(src=_STATE_SOURCE, preload=preload), startup_timeout)
        except BaseException:
            self.km = self.kc = self.kernel_name = None
            if kc is not None:
                with contextlib.suppress(Exception):
                    kc.stop_channels()
            try:
                await km.shutdown_kernel(now=True)
            except Exception:  # already gone or unresponsive
                _kill(getattr(km.provisioner, "pid", None) if km.provisioner else None)
            raise

    async def _run(self, code: str, timeout: float) -> None:
        """Execute ``code`` silently (no history, no counter, no outputs) and wait for the reply."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelSetupError("Der Kernel antwortet nicht (Zeitüberschreitung).")
            try:  # short slices: a killed kernel is noticed at once, not after the timeout
                reply = await self.kc.get_shell_msg(timeout=min(remaining, ALIVE_POLL))
            except Exception as err:  # queue.Empty, zmq errors
                if not await self.km.is_alive():
                    raise KernelDied("Der Kernel ist abgestürzt.") from err
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelSetupError(f"Kernel-Vorbereitung fehlgeschlagen: {content.get('ename')}: "
                                   f"{content.get('evalue')}")

    def prepare(self, cwd: str, env: dict[str, str], timeout: float = 60) -> None:
        """Reset the kernel to its pristine state for the next notebook."""
        code = f"__import__('_werkbench_kernel').prepare({cwd!r}, {dict(env)!r})"
        run_sync(self._run)(code, timeout)

    def rss(self) -> int:
        """Current resident memory of the kernel in bytes (0 if unknown); tracks the peak."""
        rss = _proc_status_kb(self.pid, "VmRSS") * 1024
        self.peak_rss = max(self.peak_rss, _proc_status_kb(self.pid, "VmHWM") * 1024, rss)
        return rss

    def shutdown(self) -> None:
        """Stop the kernel (hard if it does not answer) and forget it."""
        km, kc = self.km, self.kc
        self.km = self.kc = None
        self.kernel_name = None
        if km is None:
            return
        if threading.get_ident() != self.owner:
            _kill(getattr(km.provisioner, "pid", None) if km.provisioner else None)
            return
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        _kill_and_reap(km)
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # already dead or loop gone: kill the process
            _kill(getattr(km.provisioner, "pid", None) if km.provisioner else None)


#: How soon (ms) a socket to the kernel tries again when the kernel has not bound its port yet.
#: ZeroMQ's default is 100 ms; a forked kernel binds a few milliseconds after the client first
#: tries, so with the default its first answer came about 0.1 s late at every kernel start.
RECONNECT_MS = 5


def _reconnect_soon(context: Any) -> None:
    """Let the sockets ``context`` makes from now on retry a refused connection after
    :data:`RECONNECT_MS` instead of 100 ms, doubling up to 100 ms while it stays refused."""
    with contextlib.suppress(Exception):
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        context.setsockopt(zmq.RECONNECT_IVL_MAX, 100)  # a gone kernel: back off to 100 ms


def _kill_and_reap(km: Any) -> None:
    """SIGKILL the kernel's process group and wait (at most 2 s) until the kernel is gone.
    ``shutdown_kernel(now=True)`` kills it as well, but then checks at once whether it is gone
    and, as it never is yet, sleeps 0.1 s before it looks again: 0.1 s at the end of every batch,
    after its last report. Here the wait returns as soon as the kernel has ended."""
    provisioner = km.provisioner
    process = getattr(provisioner, "process", None)
    if process is None:
        return
    with contextlib.suppress(OSError):
        os.killpg(getattr(provisioner, "pgid", None) or process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.wait(timeout=2)


async def _wait_until_ready(km: Any, kc: Any, timeout: float) -> None:
    """``kc.wait_for_ready`` without its idle end: the kernel answers ``kernel_info`` on the
    shell channel and something arrives on IOPub (so its subscription is connected and no
    output of the first report can be lost). jupyter_client then drains IOPub until 0.2 s pass
    without a message – 0.2 s of nothing at every kernel start, on the batch's critical path.
    The messages left on IOPub belong to the kernel_info request; the notebook client skips
    messages of other requests."""
    deadline = time.monotonic() + timeout
    while not (await _answered(kc) and await _iopub_connected(kc)):
        if not await km.is_alive():
            raise KernelDied("Der Kernel ist beim Start abgestürzt, bevor er antwortete "
                             "(Ausgaben des Kernels: WERKBENCH_KERNEL_LOG=datei setzen).")
        if time.monotonic() > deadline:
            raise KernelSetupError(f"Der Kernel antwortet {timeout:.0f} s nach dem Start nicht "
                                   "(Zeitüberschreitung); bitte den Lauf wiederholen.")


async def _answered(kc: Any) -> bool:
    """Ask ``kernel_info``; whether a reply (to this request or an earlier one: a slow start)
    arrives within a second."""
    kc.kernel_info()
    try:
        reply = await kc.get_shell_msg(timeout=1)
    except Empty:
        return False
    return reply.get("msg_type") == "kernel_info_reply"


async def _iopub_connected(kc: Any) -> bool:
    """Whether IOPub delivers the status of that request within 0.2 s (else it is not connected
    yet, and the caller asks again)."""
    try:
        await kc.get_iopub_msg(timeout=0.2)
    except Empty:
        return False
    return True


def _kernel_env() -> dict[str, str]:
    """The kernel's environment: ours, without the current folder on the import path."""
    env = dict(os.environ)
    env["PYTHONSAFEPATH"] = "1"
    path = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != "."]
    if path:
        env["PYTHONPATH"] = os.pathsep.join(path)
    else:
        env.pop("PYTHONPATH", None)
    return env


def _existing_cwd() -> str:
    try:
        return os.getcwd()
    except OSError:  # the working directory was deleted under us
        return "/"


def _kill(pid: int | None) -> None:
    if pid:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _proc_status_kb(pid: int | None, field: str) -> int:
    if not pid:
        return 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


_local = threading.local()
_all_kernels: list[WarmKernel] = []
_lock = threading.Lock()


def warm_kernel() -> WarmKernel:
    """The calling thread's warm kernel holder (created on first use, started lazily)."""
    kernel = getattr(_local, "kernel", None)
    if kernel is None:
        kernel = _local.kernel = WarmKernel()
        with _lock:
            _all_kernels.append(kernel)
    return kernel


def last_executed_notebook(*, clear: bool = False) -> Any:
    """The notebook object of this thread's last run (also after a failure), or None."""
    nb = getattr(_local, "last_notebook", None)
    if clear:
        _local.last_notebook = None
    return nb


@atexit.register
def shutdown_warm_kernels() -> None:
    """Stop every warm kernel of this process."""
    with _lock:
        kernels = list(_all_kernels)
    for kernel in kernels:
        with contextlib.suppress(Exception):
            kernel.shutdown()


def kill_warm_kernels() -> None:
    """SIGKILL every warm kernel of this process and remove its connection file, at once.

    For a worker that must stop now (SIGTERM, batch gone): safe in a signal handler and from any
    thread (no lock, no event loop); the kernel's work is discarded anyway."""
    for kernel in list(_all_kernels):
        km = kernel.km
        _kill(kernel.pid)
        with contextlib.suppress(Exception):
            os.unlink(km.connection_file)


class WarmKernelEngine(NBClientEngine):
    """Papermill engine ``werkbench``: like ``nbclient`` but on a reused, reset kernel."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: float = 60,
        execution_timeout: float | None = None,
        kernel_cwd: str | os.PathLike[str] | None = None,
        kernel_env: dict[str, str] | None = None,
        preload: Sequence[str] = (),
        max_reports: int = DEFAULT_MAX_REPORTS,
        max_rss_mb: int = DEFAULT_MAX_RSS_MB,
        **kwargs: Any,
    ) -> Any:
        """Execute ``nb_man.nb`` on this thread's warm kernel."""
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        _write_ipynb_only_with_a_path()
        output_check.install()
        kernel = warm_kernel()
        _local.last_notebook = nb_man.nb
        cwd = str(Path(kernel_cwd).resolve()) if kernel_cwd else _existing_cwd()
        env = {str(k): str(v) for k, v in (kernel_env or {}).items()}
        for attempt in (1, 2):
            kernel.ensure(kernel_name, startup_timeout=start_timeout, preload=preload,
                          max_reports=max_reports, max_rss_mb=max_rss_mb, cwd=cwd)
            try:
                kernel.prepare(cwd, env, timeout=start_timeout)
                break
            except (TimeoutError, KernelSetupError, OSError):
                kernel.shutdown()
                if attempt == 2:
                    raise
        client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
        client.kc = kernel.kc
        try:
            client.execute()
        except BaseException:
            kernel.shutdown()  # died, timed out or was interrupted: never reuse that state
            raise
        finally:
            kernel.reports += 1
        kernel.rss()
        return nb_man.nb


def _write_ipynb_only_with_a_path() -> None:
    """papermill's ``execute_notebook`` serialises the executed notebook at its end even when
    there is no output file (its I/O handler then drops the text). The batch passes none and
    renders the notebook object itself: for the 18 example reports that was 0.07 CPU-s of JSON
    encoding in the workers. Installed on first use (``papermill.execute`` may still be
    initialising while this module is imported through papermill's entry points)."""
    import papermill.execute as execute

    original = execute.write_ipynb
    if getattr(original, "_werkbench", False):
        return

    def write_ipynb(nb: Any, path: str | None) -> None:
        if path is not None:
            original(nb, path)

    write_ipynb._werkbench = True  # type: ignore[attr-defined]
    execute.write_ipynb = write_ipynb


if _REGISTER_ENTRY_POINTS:
    papermill_engines.register_entry_points()
