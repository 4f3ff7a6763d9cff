"""Stopping a running batch leaves no process behind: SIGTERM, Ctrl-C and SIGKILL on a real
``workbench report --alle`` of the shipped example, and SIGTERM on a benchmark running it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from workbench.reports import kernel_fork
from workbench.reports.stopping import EXIT_TERMINATED, Terminated, sigterm_unwinds, watch_parent

ROOT = Path(__file__).resolve().parents[2]
WORKBENCH = Path(sys.executable).parent / "workbench"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The shipped example with its partner knowledge base, and an empty simulation cache (so
    the Kommune reports are still running when the signal comes)."""
    kb = tmp_path / "beispiel" / "processes"
    shutil.copytree(ROOT / "processes", kb)
    shutil.copytree(ROOT / "examples" / "odenwald", tmp_path / "beispiel" / "examples" / "odenwald")
    return kb


def _default_sigint() -> None:
    """Ctrl-C as in a terminal: a test run started in the background (``make test &``) hands
    its children SIGINT ignored, and Python keeps it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "WERKBENCH_SIM_CACHE": str(tmp_path / "simulation")}


def _running_batch(batch: psutil.Process, out: Path, timeout: float = 120) -> list[psutil.Process]:
    """Wait until both workers' kernels exist and the first (short, Verbund-wide) report is
    done, so the Kommune reports (seconds each) are running; all descendants of ``batch``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        family = batch.children(recursive=True)
        kernels = [p for p in family if _is_kernel(p)]
        log = out / "batch.log"
        if len(kernels) >= 2 and log.exists() and "erstellt:" in log.read_text("utf-8"):
            return family
        time.sleep(0.02)
    raise AssertionError("Der Batch hat keine Kernel gestartet.")


def _is_kernel(process: psutil.Process) -> bool:
    try:
        return (any("ipykernel_launcher" in part for part in process.cmdline())
                or process.name() == kernel_fork.PROCESS_NAME)
    except psutil.Error:
        return False


def _survivors(family: list[psutil.Process], within: float) -> list[str]:
    """Processes of ``family`` still alive (not zombies) after ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        alive = []
        for process in family:
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
            except psutil.Error:
                continue
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, EXIT_TERMINATED),
                                              (signal.SIGINT, 130),
                                              (signal.SIGKILL, -signal.SIGKILL)])
def test_stopped_batch_leaves_no_worker_or_kernel(tmp_path: Path, example: Path, signum: int,
                                                   code: int):
    out, log = tmp_path / "berichte", tmp_path / "stderr.txt"
    with open(log, "wb") as sink:  # a file, not a pipe: waiting for a pipe's end would wait
        batch = subprocess.Popen(  # for every process that inherited it
            [str(WORKBENCH), "report", "--alle", "--repository", str(example), "--out", str(out),
             "--ohne-fortschritt"], cwd=tmp_path, env=_env(tmp_path), stdout=sink, stderr=sink,
            preexec_fn=_default_sigint)
    try:
        family = _running_batch(psutil.Process(batch.pid), out)
        assert sum(_is_kernel(p) for p in family) >= 2 and len(family) >= 5  # fork server,
        batch.send_signal(signum)                                      # 2 workers, 2 kernels
        batch.wait(timeout=30)
    finally:
        if batch.poll() is None:
            batch.kill()
    err = log.read_text(encoding="utf-8")
    assert batch.returncode == code, err
    if signum != signal.SIGKILL:
        assert "Abgebrochen" in err and "Traceback" not in err
        assert not list(out.glob(".cache*"))  # the batch cleaned up after itself
    assert _survivors(family, within=2.5) == []  # a report left running would take longer


def test_stopped_benchmark_stops_its_batch(tmp_path: Path, example: Path):
    """A benchmark running the command through ``benchlib.run_child`` passes SIGTERM on."""
    out, log = tmp_path / "berichte", tmp_path / "stderr.txt"
    script = ("import sys\n"
              f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r})\n"
              "from benchlib import run_child, stop_on_sigterm\n"
              "with stop_on_sigterm():\n"
              f"    run_child([{str(WORKBENCH)!r}, 'report', '--alle', '--repository', "
              f"{str(example)!r}, '--out', {str(out)!r}, '--ohne-fortschritt'], "
              "capture_output=True)\n")
    with open(log, "wb") as sink:
        bench = subprocess.Popen([sys.executable, "-c", script], cwd=tmp_path,
                                 env=_env(tmp_path), stdout=sink, stderr=sink)
    try:
        family = _running_batch(psutil.Process(bench.pid), out)
        bench.send_signal(signal.SIGTERM)
        bench.wait(timeout=40)
    finally:
        if bench.poll() is None:
            bench.kill()
    err = log.read_text(encoding="utf-8")
    assert bench.returncode != 0 and "Terminated" in err, err
    assert _survivors(family, within=2.5) == []


def test_sigterm_raises_terminated_and_restores_the_handler():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), sigterm_unwinds():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler interrupts this
    assert signal.getsignal(signal.SIGTERM) is before


def test_watch_parent_notices_an_ended_process():
    seen: list[bool] = []
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.3)"])
    thread = watch_parent(child.pid, lambda: seen.append(True))
    assert thread is not None and not seen
    child.wait()
    thread.join(timeout=5)
    assert seen == [True]
    gone: list[bool] = []
    assert watch_parent(child.pid, lambda: gone.append(True)) is None and gone == [True]


def _marked(mark: str) -> list[str]:
    """Living processes whose environment carries ``mark`` (all descendants of one command)."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        try:
            if process.environ().get("WERKBENCH_TEST_MARK") == mark and \
                    process.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{process.pid} {' '.join(process.info['cmdline'] or [])[:120]}")
        except psutil.Error:
            continue
    return found


def test_workers_started_before_loading_end_when_the_command_fails(tmp_path: Path, example: Path):
    """A cold run starts its workers before it loads the knowledge base. If the command then
    fails (here: no valid Stichtag), it ends with the German message without waiting for the
    kernels to start, and no worker or kernel stays behind."""
    (example / "verbund.yaml").write_text("stand: [\n", encoding="utf-8")
    mark = f"i13c-{os.getpid()}-{time.monotonic_ns()}"
    seen: set[str] = set()
    batch = subprocess.Popen(
        [str(WORKBENCH), "report", "--alle", "--repository", str(example), "--out",
         str(tmp_path / "berichte"), "--ohne-fortschritt"], cwd=tmp_path,
        env={**_env(tmp_path), "WERKBENCH_TEST_MARK": mark}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    while batch.poll() is None:  # the fork server and workers appear while it loads
        seen.update(" ".join(line.split()[1:]) for line in _marked(mark))
        time.sleep(0.01)
    err = batch.stderr.read()
    assert batch.returncode == 2 and "Stichtag" in err and "Traceback" not in err
    assert any("forkserver" in cmd for cmd in seen), seen
    deadline = time.monotonic() + 3
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked(mark) == []


def test_no_early_workers_when_a_manifest_decides(tmp_path: Path, example: Path):
    """With a manifest in the output folder (a later run) the batch decides after reading it
    whether any kernel is needed; --force or an empty folder start the workers at once."""
    import argparse

    from workbench.cli.report_cmd import _early_workers

    out = tmp_path / "berichte"
    out.mkdir()
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    args = argparse.Namespace(scheduler=None, repository=str(example), out=str(out), force=False,
                              vorlage=None, kommune=None, jobs=1)
    assert _early_workers(args) is None
    args.force = True
    starting = _early_workers(args)
    try:
        assert starting is not None
        pool = starting.get()  # started on a thread; waited for here
        assert pool is not None and len(pool._warm) == 1
        process = pool._warm[0].process
        assert process.is_alive()
    finally:
        starting.close(now=True)
    assert not process.is_alive()
