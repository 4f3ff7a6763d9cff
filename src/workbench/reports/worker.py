"""Executing one report job, and the local pool of worker processes that does it in parallel.

A *payload* is a plain dict (picklable, also sent to Dask workers): ``stem``, ``title``, ``kind``,
``template_text``, ``template_sha``, ``parameters``, ``formats``, ``cwd``, ``env``, ``preload``,
``cell_timeout``. Workers never write into the output folder: they return the rendered bytes and
the parent writes them atomically. So a killed worker cannot leave a partial file behind.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import resource
import signal
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

#: Optional packages jsonschema (imported by nbformat, papermill, nbconvert) loads for string
#: formats at import when they are installed (they come with jupyter-events): rfc3987-syntax
#: compiles a Lark grammar for "iri" (0.8 CPU-s), rfc3986-validator a large regular expression
#: for "uri", isoduration imports arrow for "duration" (together 0.02 CPU-s more). Notebooks are
#: never validated against a string format, so the batch's processes go without them
#: (docs/decisions/nbformat-ohne-iri-grammatik.md); a forked kernel can import them again
#: (``kernel_fork``). Only when jsonschema is not imported yet.
UNUSED_FORMAT_PACKAGES = ("rfc3987_syntax", "rfc3986_validator", "isoduration")
if "jsonschema" not in sys.modules:
    for _name in UNUSED_FORMAT_PACKAGES:
        sys.modules.setdefault(_name, None)  # type: ignore[arg-type]

START_TIMEOUT = 120
#: A report whose kernel dies is retried at once on a fresh kernel; after this many deaths it fails.
KERNEL_ATTEMPTS = 2
_templates: dict[str, Any] = {}


def _quiet() -> None:
    """Keep worker chatter (papermill INFO, nbformat warnings) off the progress bar."""
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def _template(payload: dict[str, Any]) -> Any:
    import nbformat

    sha = payload["template_sha"]
    if sha not in _templates:
        _templates[sha] = nbformat.reads(payload["template_text"], as_version=4)
    return _templates[sha]


def kernel_name_of(nb: Any) -> str:
    """The kernel a template asks for (``python3`` if it does not say)."""
    return (nb.get("metadata", {}).get("kernelspec") or {}).get("name") or "python3"


def failed_outcome(payload: dict[str, Any], reason: str, **extra: Any) -> dict[str, Any]:
    """A failure outcome for a job that never returned one (killed worker, cluster error)."""
    return {"stem": payload["stem"], "ok": False, "reason": reason, "files": {}, "notebook": None,
            "duration": 0.0, "stats": {}, **extra}


def execute_payload(payload: dict[str, Any], *, worker_pid: int | None = None) -> dict[str, Any]:
    """Run one report on this thread's warm kernel; never raises (failures are outcomes)."""
    import nbformat
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from .engine import KernelDied, last_executed_notebook, warm_kernel
    from .html import notebook_to_html
    from .pdf import PdfError, html_to_pdf

    start = time.perf_counter()
    outcome = failed_outcome(payload, "")
    env = dict(payload.get("env", {}))
    env["WERKBENCH_WORKER_PID"] = str(worker_pid or os.getpid())
    last_executed_notebook(clear=True)  # never attach the previous report's notebook
    try:
        nb = _template(payload)
        kernel = warm_kernel()
        for attempt in range(1, KERNEL_ATTEMPTS + 1):
            kernel.ensure(kernel_name_of(nb), startup_timeout=START_TIMEOUT,
                          preload=payload.get("preload", ()), cwd=payload["cwd"])
            try:
                executed = papermill.execute_notebook(
                    nb, None, parameters=payload["parameters"], engine_name="werkbench",
                    progress_bar=False, start_timeout=START_TIMEOUT, kernel_cwd=payload["cwd"],
                    kernel_env=env, preload=payload.get("preload", ()),
                    execution_timeout=payload.get("cell_timeout"))
                break
            except (DeadKernelError, KernelDied) as err:
                # the engine has already dropped the dead kernel: retry at once on a fresh one
                outcome["kernel_deaths"] = attempt
                if attempt == KERNEL_ATTEMPTS:
                    raise KernelDied(f"Der Kernel ist während dieses Berichts {attempt}-mal "
                                     f"abgestürzt ({_first_line(str(err))}); Bericht "
                                     "übersprungen.") from err
        page = notebook_to_html(executed, title=payload["title"])
        files: dict[str, bytes] = {}
        if "pdf" in payload["formats"]:
            files["pdf"] = html_to_pdf(page)
        if "html" in payload["formats"]:
            files["html"] = page
        outcome.update(ok=True, files=files)
    except PapermillExecutionError as err:
        outcome["reason"] = f"Fehler in Zelle {err.exec_count}: {err.ename}: {_first_line(err.evalue)}"
        outcome["notebook"] = _dump(last_executed_notebook(), nbformat)
    except (PdfError, KernelDied) as err:
        outcome["reason"] = str(err)
    except Exception as err:  # any failure of one report must not stop the batch
        outcome["reason"] = f"{type(err).__name__}: {_first_line(str(err)) or 'ohne Meldung'}"
        outcome["notebook"] = _dump(last_executed_notebook(), nbformat)
    outcome["duration"] = time.perf_counter() - start
    outcome["stats"] = worker_stats()
    return outcome


def prestart(payload: dict[str, Any]) -> int | None:
    """Start (or keep) the warm kernel for this payload; its pid, or None if that failed."""
    from .engine import warm_kernel

    try:
        kernel = warm_kernel()
        kernel.ensure(kernel_name_of(_template(payload)), startup_timeout=START_TIMEOUT,
                      preload=payload.get("preload", ()), cwd=payload["cwd"])
        return kernel.pid
    except Exception:  # execute_payload reports the failure with its reason
        return None


def _first_line(text: str, limit: int = 300) -> str:
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _dump(nb: Any, nbformat: Any) -> str | None:
    if nb is None:
        return None
    with contextlib.suppress(Exception):
        return nbformat.writes(nb)
    return None


def worker_stats() -> dict[str, Any]:
    """Memory and kernel figures of the calling worker (thread)."""
    from .engine import warm_kernel

    kernel = warm_kernel()
    kernel.rss()
    return {"pid": os.getpid(), "kernel_pid": kernel.pid, "kernel_starts": kernel.starts,
            "worker_peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "kernel_peak_rss": kernel.peak_rss}


# ----------------------------------------------------------------------------- local pool
def _stop_now(code: int) -> None:
    """End this worker at once: its kernel killed (never orphaned), no cleanup of a report
    whose result nobody will read."""
    from .engine import kill_warm_kernels

    kill_warm_kernels()
    os._exit(code)


def _worker_main(conn: Connection, environ: dict[str, str], batch_pid: int = 0) -> None:
    """Body of a local worker process: receive payloads, send outcomes, keep one warm kernel.

    It ends with its kernel when the batch sends ``None``, on SIGTERM (the pool stops it), and
    when the batch process ``batch_pid`` is gone, however it ended (:mod:`.stopping`)."""
    os.environ.clear()  # the fork server's environment may be older than the caller's
    os.environ.update(environ)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides about Ctrl-C
    signal.signal(signal.SIGTERM, lambda *_: _stop_now(0))
    if batch_pid:
        from .stopping import watch_parent

        watch_parent(batch_pid, lambda: _stop_now(1))
    _quiet()
    from . import kernel_fork
    from .engine import shutdown_warm_kernels

    kernel_fork.enable()

    try:
        while True:
            payload = conn.recv()
            if payload is None:
                break
            with contextlib.suppress(OSError):  # the fork server's directory may be stale
                os.chdir(payload["cwd"])
            if payload.get("warm"):  # start the kernel now; the reports follow
                conn.send(("warm", prestart(payload)))
                continue
            conn.send(("start", prestart(payload)))
            conn.send(("result", execute_payload(payload)))
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        shutdown_warm_kernels()


#: Imported once in the fork server; every worker is forked from it with these already loaded
#: (the last one also builds what workers used to build after the fork, see its docstring).
PRELOAD = ["workbench.reports.worker", "workbench.reports.engine", "workbench.reports.html",
           "workbench.reports.pdf", "papermill", "nbformat", "workbench.reports.forkserver_warmup"]


def start_fork_server() -> None:
    """Start the workers' fork server now (no-op if it runs): it begins importing
    :data:`PRELOAD` while the caller goes on; :class:`LocalPool` forks its workers from it."""
    _context()


def _context() -> Any:
    """A fork server (clean, single-threaded parent; imports paid once), else spawn."""
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError:  # pragma: no cover - platforms without fork
        return multiprocessing.get_context("spawn")
    ctx.set_forkserver_preload(PRELOAD)
    _start_forkserver_safely()
    return ctx


def _start_forkserver_safely() -> None:
    """Start the fork server without the working folder on its import path.

    It is started as ``python -c …`` and imports :data:`PRELOAD` at once; ``-c`` puts the current
    folder first on ``sys.path``, so a planted ``nbformat.py`` in the folder the command runs in
    would run there. ``PYTHONSAFEPATH`` keeps it off (only for this start; the workers are forked
    from the server and the kernels set it themselves)."""
    from multiprocessing import forkserver

    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = saved


@dataclass
class _Slot:
    process: Any
    conn: Connection
    payload: dict[str, Any] | None = None
    started: bool = False
    kernel_pid: int | None = None


@dataclass
class LocalPool:
    """``size`` worker processes; a killed worker is replaced and its job retried once."""

    size: int
    log: logging.Logger
    stats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ctx: Any = field(default_factory=lambda: _context())
    _warm: list[_Slot] = field(default_factory=list)

    def _spawn(self) -> _Slot:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main,
                                    args=(child, dict(os.environ), os.getpid()),
                                    daemon=True, name="werkbench-worker")
        process.start()
        child.close()
        return _Slot(process, parent)

    def warm(self, count: int, payload: dict[str, Any]) -> None:
        """Start ``count`` workers and their kernels now (``payload`` gives template, preload and
        folder), so they are ready when :meth:`run` sends the reports; :meth:`close` if unused."""
        self._warm = [self._spawn() for _ in range(max(1, min(self.size, count)))]
        for slot in self._warm:
            with contextlib.suppress(OSError):  # a dead worker is found and replaced in run()
                slot.conn.send({**payload, "warm": True})

    def close(self, *, now: bool = False) -> None:
        """Stop workers started by :meth:`warm` that :meth:`run` did not use; with ``now`` at
        once (SIGTERM: the worker kills its kernel) instead of after their kernels have started."""
        slots, self._warm = self._warm, []
        if now:
            for slot in slots:
                with contextlib.suppress(Exception):
                    slot.process.terminate()
        self._close(slots)

    def run(self, payloads: list[dict[str, Any]], on_outcome: Callable[[dict[str, Any]], None],
            on_retry: Callable[[dict[str, Any], str], None] | None = None) -> None:
        """Execute all payloads; ``on_outcome`` is called in this process for each result."""
        queue = deque(payloads)
        deaths: dict[str, int] = {}
        idle_deaths = 0
        wanted = max(1, min(self.size, len(payloads)))
        slots, self._warm = self._warm[:wanted], self._warm[wanted:]
        self.close()
        slots += [self._spawn() for _ in range(wanted - len(slots))]
        try:
            while queue or any(s.payload for s in slots):
                for slot in slots:
                    if slot.payload is None and queue:
                        slot.payload, slot.started = queue.popleft(), False
                        with contextlib.suppress(OSError):  # a dead worker is found below
                            slot.conn.send(slot.payload)
                waitables = [s.conn for s in slots] + [s.process.sentinel for s in slots]
                ready = set(wait(waitables, timeout=1.0))
                for index, slot in enumerate(slots):
                    alive = self._drain(slot, ready, on_outcome)
                    if alive:
                        continue
                    payload, started = slot.payload, slot.started
                    self._bury(slot)
                    reason = _death_reason(slot.process)
                    if payload is not None and started:
                        deaths[payload["stem"]] = deaths.get(payload["stem"], 0) + 1
                        if deaths[payload["stem"]] >= 2:
                            on_outcome(failed_outcome(
                                payload, f"Der Worker-Prozess wurde zweimal während dieses "
                                         f"Berichts beendet ({reason}); Bericht übersprungen."))
                        else:
                            self.log.warning("Worker beendet (%s) während %s – neuer Versuch.",
                                             reason, payload["stem"])
                            if on_retry:
                                on_retry(payload, reason)
                            queue.appendleft(payload)
                    else:
                        idle_deaths += 1
                        if payload is not None:
                            queue.appendleft(payload)
                        if idle_deaths > 2 * self.size + 2:
                            raise RuntimeError(f"Worker-Prozesse starten nicht ({reason}).")
                    slots[index] = self._spawn()
        finally:
            self._close(slots)

    def _drain(self, slot: _Slot, ready: set[Any], on_outcome: Callable[[dict[str, Any]], None]
               ) -> bool:
        """Read every waiting message of a slot; False if its worker is gone."""
        if slot.conn in ready or slot.process.sentinel in ready:
            try:
                while slot.conn.poll():
                    kind, data = slot.conn.recv()
                    if kind == "warm":
                        slot.kernel_pid = data or slot.kernel_pid
                    elif kind == "start":
                        slot.started = True
                        slot.kernel_pid = data or slot.kernel_pid
                    elif kind == "result":
                        self.stats[data["stats"].get("pid", 0)] = data["stats"]
                        slot.kernel_pid = data["stats"].get("kernel_pid")
                        slot.payload = None
                        on_outcome(data)
            except (EOFError, OSError):
                return False
        return slot.process.is_alive()

    def _bury(self, slot: _Slot) -> None:
        with contextlib.suppress(Exception):
            slot.conn.close()
        slot.process.join(timeout=5)
        if slot.kernel_pid:  # the orphaned kernel would exit by itself within a second or so
            with contextlib.suppress(OSError):
                os.kill(slot.kernel_pid, signal.SIGKILL)

    def _close(self, slots: list[_Slot]) -> None:
        """Stop the workers: idle ones finish cleanly, busy ones (interrupted batch) are
        terminated and their kernels killed at once."""
        for slot in slots:
            with contextlib.suppress(Exception):
                if slot.payload is None:
                    slot.conn.send(None)
                else:
                    slot.process.terminate()
                    if slot.kernel_pid:
                        os.kill(slot.kernel_pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        for slot in slots:
            slot.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(timeout=2)
                if slot.kernel_pid:
                    with contextlib.suppress(OSError):
                        os.kill(slot.kernel_pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                slot.conn.close()


def _death_reason(process: Any) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"Signal {signal.Signals(-code).name}"
        return f"Signal {-code}"
    return f"Exit-Code {code}" if code is not None else "Verbindung verloren"
