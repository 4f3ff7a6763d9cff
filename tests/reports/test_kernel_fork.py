"""Forked warm kernels (``reports.kernel_fork``): the same kernel a launched one is, from within."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import nbformat
import pytest

from workbench.reports import kernel_fork
from workbench.reports.batch import run_batch
from workbench.reports.jobs import ReportJob

PROBE = r'''
import concurrent.futures, contextlib, importlib.util, json, logging, multiprocessing, os, re
import signal, sys, warnings
import matplotlib

def square(x):
    return x * x

with concurrent.futures.ProcessPoolExecutor(1) as pool:  # refused in a daemonic process
    squares = list(pool.map(square, [3, 4]))
with warnings.catch_warnings(record=True) as seen:
    warnings.warn("sichtbar", UserWarning)
me = multiprocessing.current_process()
fds = []
for fd in sorted(os.listdir("/proc/self/fd"), key=int)[1:]:  # 0: stdin, compared below
    with contextlib.suppress(OSError):
        fds.append(re.sub(r"\[\d+\]", "", os.readlink(f"/proc/self/fd/{fd}")))
seen_by_kernel = {
    "process": [me.name, me.daemon, multiprocessing.parent_process() is None],
    "squares": squares,
    "user_warning_shown": [str(w.message) for w in seen],
    "loggers": [logging.getLogger(n).level for n in ("papermill", "traitlets")],
    "sigterm_default": signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
    "sigint": str(signal.getsignal(signal.SIGINT)),
    "cwd_on_path": any(p in ("", os.getcwd()) for p in sys.path),
    "cwd": os.getcwd(),
    "env": os.environ.get("WERKBENCH_PROBE"),
    "session_leader": os.getsid(0) == os.getpid(),
    "stdin": os.readlink("/proc/self/fd/0"),
    "open_files": sorted(fds),
    "pid": os.getpid(),
    "ppid": os.getppid(),
    "name": open("/proc/self/comm").read().strip(),
    "matplotlib_backend": str(dict.__getitem__(matplotlib.rcParams, "backend")),
    "importable": {name: importlib.util.find_spec(name) is not None  # the fork server skips them
                   for name in ("debugpy", "rfc3987_syntax", "rfc3986_validator", "isoduration")},
}
'''


#: A figure a template draws itself: shown inline, as in any notebook.
FIGURE = """
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([1, 2, 3], [1, 4, 9])
plt.show()
"""


def _probe(tmp_path: Path, tag: str, *, fork: bool,
           monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run :data:`PROBE` as a report of a real two-worker batch; what its kernel saw."""
    folder = tmp_path / tag
    folder.mkdir()
    template = folder / "probe.ipynb"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('out = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(PROBE + "\n_ = open(out, 'w').write(json.dumps(seen_by_kernel))"),
        nbformat.v4.new_code_cell(FIGURE)])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    nbformat.write(nb, template)
    monkeypatch.setenv("WERKBENCH_KERNEL_FORK", "1" if fork else "0")
    result = folder / "seen.json"
    jobs = [ReportJob("probe", "Probe", template, {"out": str(result)}, [template])]
    batch = run_batch(jobs, out_dir=folder / "out", jobs_n=1, progress=False)
    assert batch.exit_code == 0, (folder / "out" / "batch.log").read_text("utf-8")
    seen = json.loads(result.read_text("utf-8"))
    seen["report"] = (folder / "out" / "probe.html").read_text("utf-8")
    return seen


def test_forked_kernel_is_a_launched_kernel_from_within(tmp_path, monkeypatch):
    """A kernel forked from a batch worker reports what a launched one does: a non-daemonic
    main process that can start a process pool (a daemonic worker could not), warnings and log
    levels not the worker's quiet ones, default signals, no working folder on the import path,
    its own session; and it holds no descriptor of the worker's (its pipes to the batch, the fork
    server's): the same kinds of open files as a launched kernel; what the fork server went
    without (debugpy, jsonschema's optional format packages) it can import. The report, with a
    figure the template draws itself (inline backend), is the same to the byte."""
    launched = _probe(tmp_path, "gestartet", fork=False, monkeypatch=monkeypatch)
    forked = _probe(tmp_path, "geforkt", fork=True, monkeypatch=monkeypatch)
    assert forked["name"] == kernel_fork.PROCESS_NAME != launched["name"]
    # the report itself, with the figure drawn inline, is the same to the byte
    assert forked["report"] == launched["report"] and "<img" in forked["report"]
    # jupyter_client gives a launched kernel a stdin pipe nobody writes to; a forked one reads
    # /dev/null
    assert launched["stdin"].startswith("pipe:") and forked["stdin"] == os.devnull
    for report in (launched, forked):
        for varies in ("name", "pid", "ppid", "stdin", "cwd", "report"):
            report.pop(varies)
    # nothing open that a launched kernel does not have (it may have one eventfd more: the
    # event loop asyncio makes at its start, which the forked kernel does not need)
    assert not Counter(forked.pop("open_files")) - Counter(launched.pop("open_files"))
    assert forked == launched
    assert forked["process"] == ["MainProcess", False, True]
    assert forked["squares"] == [9, 16] and forked["user_warning_shown"] == ["sichtbar"]
    assert forked["loggers"] == [0, 0] and forked["sigterm_default"]
    assert not forked["cwd_on_path"]
    assert forked["session_leader"]
    assert all(forked["importable"].values()), forked["importable"]


def test_other_interpreters_are_launched(monkeypatch):
    """Only this interpreter's ipykernel_launcher is forked; anything else is started as usual."""
    import ipykernel.kernelapp  # noqa: F401

    monkeypatch.setattr(kernel_fork, "_enabled", True)
    python = os.path.realpath(sys.executable)
    assert kernel_fork.can_fork([python, "-m", "ipykernel_launcher", "-f", "x.json"])
    assert not kernel_fork.can_fork(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "x"])
    assert not kernel_fork.can_fork([python, "-m", "other_kernel", "-f", "x.json"])
    assert not kernel_fork.can_fork(["R", "--slave", "-e", "IRkernel::main()"])
    monkeypatch.setattr(kernel_fork, "_enabled", False)
    assert not kernel_fork.can_fork([python, "-m", "ipykernel_launcher", "-f", "x.json"])


def _forked(exit_after: float, code: int) -> kernel_fork.ForkedKernel:
    import time

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        time.sleep(exit_after)
        os._exit(code)
    return kernel_fork.ForkedKernel(pid)


def test_wait_returns_when_the_kernel_ends_and_times_out_while_it_runs():
    """``ForkedKernel.wait`` (what jupyter_client calls at shutdown) returns the exit code the
    moment the process has ended (pidfd), not at the next poll; a process that runs on gives
    ``TimeoutExpired`` after the timeout."""
    import subprocess
    import time

    watched = []
    real = kernel_fork.open_pidfd

    def counting(pid):
        watched.append(pid)
        return real(pid)

    kernel_fork.open_pidfd = counting
    try:
        kernel = _forked(0.05, 3)
        started = time.monotonic()
        assert kernel.wait(timeout=10) == 3
        assert time.monotonic() - started < 5
        assert watched == [kernel.pid]  # woken through its pidfd, not by polling
    finally:
        kernel_fork.open_pidfd = real
    assert kernel.poll() == 3  # reaped once, remembered
    running = _forked(30, 0)
    try:
        started = time.monotonic()
        with pytest.raises(subprocess.TimeoutExpired):
            running.wait(timeout=0.2)
        assert 0.2 <= time.monotonic() - started < 5
    finally:
        running.kill()
        assert running.wait(timeout=10) == -9


def test_every_import_the_fork_server_blocks_is_given_back_to_a_forked_kernel():
    from workbench.reports import worker

    assert set(worker.UNUSED_FORMAT_PACKAGES) | set(kernel_fork.WITHOUT_MODULES) == set(
        kernel_fork.SKIPPED_IMPORTS)
