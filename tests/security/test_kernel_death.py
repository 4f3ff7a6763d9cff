"""Issue 11, item 7: a report whose kernel is killed is retried at once on a fresh kernel.

Before, a kernel killed while the engine waited for it stalled its report until the start timeout
(120 s) ran out. Here real kernels are killed for real: from a notebook cell (the kernel kills
itself) and from outside (the test kills the kernel process while a cell runs).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from workbench.reports.batch import ReportJob, run_batch
from workbench.reports.worker import START_TIMEOUT

pytestmark = pytest.mark.slow

KILL_ITSELF = """import os, signal, time
from pathlib import Path
if marker and Path(marker).exists():  # only on the first attempt
    Path(marker).unlink()
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(60)"""
WAIT_TO_BE_KILLED = """import os, time
from pathlib import Path
if marker and Path(marker).exists():  # only on the first attempt
    Path(marker).unlink()
    Path(pidfile).write_text(str(os.getpid()))
    time.sleep(60)"""


def _template(path: Path, body: str) -> Path:
    nb = new_notebook(cells=[
        new_code_cell("marker = ''\npidfile = ''\nkommune = ''", metadata={"tags": ["parameters"]}),
        new_code_cell(body),
        new_code_cell("print('Bericht für', kommune)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _jobs(template: Path, marker: Path, pidfile: Path | None = None) -> list[ReportJob]:
    first = {"marker": str(marker), "pidfile": str(pidfile or ""), "kommune": "Grasberg"}
    return [ReportJob("grasberg", "Bericht Grasberg", template, first, []),
            ReportJob("lilienthal", "Bericht Lilienthal", template,
                      {"marker": "", "pidfile": "", "kommune": "Lilienthal"}, [])]


def _check(result, out: Path, marker: Path, elapsed: float) -> None:
    status = {r.stem: r.status for r in result.results}
    assert status == {"grasberg": "erstellt", "lilienthal": "erstellt"}, result.summary()
    assert not marker.exists()  # the cell really ran its killing branch once
    assert "Bericht für Grasberg" in (out / "grasberg.html").read_text(encoding="utf-8")
    assert "abgestürzt" in (out / "batch.log").read_text(encoding="utf-8")
    assert elapsed < START_TIMEOUT * 0.75  # retried at once, not after the start timeout


def test_kernel_killed_from_a_cell_is_retried_at_once(tmp_path):
    marker = tmp_path / "einmal"
    marker.touch()
    template = _template(tmp_path / "selbstmord.ipynb", KILL_ITSELF)
    out = tmp_path / "out"
    started = time.perf_counter()
    result = run_batch(_jobs(template, marker), out_dir=out, jobs_n=1, progress=False)
    _check(result, out, marker, time.perf_counter() - started)


def test_kernel_killed_from_outside_is_retried_at_once(tmp_path):
    marker, pidfile = tmp_path / "einmal", tmp_path / "kernel.pid"
    marker.touch()
    template = _template(tmp_path / "opfer.ipynb", WAIT_TO_BE_KILLED)
    killed: list[int] = []

    def killer() -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and not pidfile.exists():
            time.sleep(0.05)
        time.sleep(0.2)
        pid = int(pidfile.read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    out = tmp_path / "out"
    started = time.perf_counter()
    result = run_batch(_jobs(template, marker, pidfile), out_dir=out, jobs_n=1, progress=False)
    elapsed = time.perf_counter() - started
    thread.join(timeout=5)
    assert killed
    _check(result, out, marker, elapsed)


def test_kernel_that_always_dies_fails_only_its_report(tmp_path):
    template = _template(tmp_path / "immer.ipynb", KILL_ITSELF.replace(
        "Path(marker).exists()", "True").replace("Path(marker).unlink()", "pass"))
    out = tmp_path / "out"
    result = run_batch(_jobs(template, tmp_path / "egal"), out_dir=out, jobs_n=1, progress=False)
    status = {r.stem: (r.status, r.reason) for r in result.results}
    assert status["lilienthal"][0] == "erstellt"
    assert status["grasberg"][0] == "fehlgeschlagen" and "2-mal abgestürzt" in status["grasberg"][1]
    assert result.exit_code == 1


def test_dead_kernel_is_noticed_while_waiting_for_a_reply(tmp_path):
    """The wait for a reply (kernel reset before each report) checks that the kernel lives."""
    from workbench.reports.engine import KernelDied, WarmKernel

    kernel = WarmKernel()
    kernel.ensure("python3", startup_timeout=START_TIMEOUT, cwd=str(tmp_path))
    try:
        os.kill(kernel.pid, signal.SIGKILL)
        started = time.perf_counter()
        with pytest.raises(KernelDied):
            kernel.prepare(str(tmp_path), {}, timeout=START_TIMEOUT)
        assert time.perf_counter() - started < START_TIMEOUT / 4
    finally:
        kernel.shutdown()
