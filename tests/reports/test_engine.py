"""The warm-kernel papermill engine: registered, identical to a fresh kernel, no leaks."""

from __future__ import annotations

import os
import signal
import time
from importlib.metadata import entry_points

import papermill
import pytest
from papermill.engines import papermill_engines

from tests.reports.conftest import NOTEBOOKS, normalized
from workbench.reports.engine import WarmKernelEngine, shutdown_warm_kernels, warm_kernel

PARAMS = {"kommune": "033560005", "stand": "2026-01-01", "top_n": 3}


@pytest.fixture
def fresh_warm_kernel():
    """Each test starts without a warm kernel in this thread and stops it afterwards."""
    shutdown_warm_kernels()
    kernel = warm_kernel()
    kernel.starts = 0
    yield kernel
    shutdown_warm_kernels()


def run(name: str, engine: str | None = "werkbench", **params):
    return papermill.execute_notebook(str(NOTEBOOKS / name), None, parameters=params,
                                      engine_name=engine, progress_bar=False)


def test_engine_registered_through_entry_point():
    names = {ep.name: ep.value for ep in entry_points(group="papermill.engine")}
    assert names.get("werkbench") == "workbench.reports.engine:WarmKernelEngine"
    assert papermill_engines.get_engine("werkbench") is WarmKernelEngine


def test_output_identical_to_fresh_kernel_run(fresh_warm_kernel):
    fresh = run("equality.ipynb", engine=None, **PARAMS)
    warm_first = run("equality.ipynb", **PARAMS)
    pid = fresh_warm_kernel.pid
    warm_second = run("equality.ipynb", **PARAMS)  # same kernel, reset in between
    assert fresh_warm_kernel.pid == pid and fresh_warm_kernel.starts == 1
    expected = normalized(fresh)
    assert normalized(warm_first) == expected
    assert normalized(warm_second) == expected
    counts = [c.execution_count for c in warm_second.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert any("image/png" in o.get("data", {}) for c in warm_second.cells
               if c.cell_type == "code" for o in c.outputs)


def test_executed_notebook_serialised_only_when_written(fresh_warm_kernel, monkeypatch, tmp_path):
    """Without an output path papermill no longer encodes the executed notebook as JSON for
    nobody; with one the file is still written."""
    import nbformat

    written = []
    writes = nbformat.writes
    monkeypatch.setattr(nbformat, "writes", lambda nb, *a, **k: written.append(1) or writes(nb, *a, **k))
    nb = run("equality.ipynb", **PARAMS)
    assert written == [] and any(c.get("outputs") for c in nb.cells)
    target = tmp_path / "aus.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / "equality.ipynb"), str(target), parameters=PARAMS,
                               engine_name="werkbench", progress_bar=False)
    assert written and nbformat.read(target, as_version=4).cells[-1].get("outputs") is not None


def test_second_report_cannot_see_the_first(fresh_warm_kernel):
    fresh = run("leak.ipynb", engine=None, setzen=False)
    polluter = run("leak.ipynb", setzen=True)  # sets variables, env, rcParams, options, cwd …
    clean = run("leak.ipynb", setzen=False)
    assert fresh_warm_kernel.starts == 1
    first_output = clean.cells[2].outputs[0]["text"]
    assert first_output.startswith("False False ")
    assert "geheim'" not in first_output
    assert normalized(clean) == normalized(fresh)
    assert normalized(polluter) != normalized(fresh)


def test_kernel_restarts_after_budget_and_after_death(fresh_warm_kernel):
    def budget_one():
        papermill.execute_notebook(str(NOTEBOOKS / "leak.ipynb"), None, engine_name="werkbench",
                                   parameters={"setzen": True}, progress_bar=False, max_reports=1)

    budget_one()
    first = fresh_warm_kernel.pid
    budget_one()
    second = fresh_warm_kernel.pid
    assert second != first and fresh_warm_kernel.starts == 2
    os.kill(second, signal.SIGKILL)
    time.sleep(0.2)
    nb = run("leak.ipynb", setzen=False)
    assert fresh_warm_kernel.pid not in (first, second) and fresh_warm_kernel.starts == 3
    assert nb.cells[2].outputs[0]["text"].startswith("False False ")


def test_kernel_without_drawing_template_starts_without_pyplot(fresh_warm_kernel, tmp_path):
    """The shipped templates draw no matplotlib figure of their own: their kernels start without
    pyplot (0.15 CPU-s, 14 MiB); a template that mentions matplotlib gets it at start."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from workbench.reports.jobs import installed_templates, template_imports

    probe = tmp_path / "probe.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        "import sys\nprint('matplotlib.pyplot' in sys.modules)")]), probe)

    def pyplot_at_start(preload):
        shutdown_warm_kernels()
        nb = papermill.execute_notebook(str(probe), None, engine_name="werkbench",
                                        kernel_name="python3", progress_bar=False,
                                        preload=preload)
        return nb.cells[0].outputs[0]["text"].strip()

    shipped = template_imports((installed_templates() / "report_kommune.ipynb").read_text())
    assert "matplotlib" not in shipped
    assert pyplot_at_start(shipped) == "False"
    drawing = nbformat.writes(new_notebook(cells=[new_code_cell("%matplotlib inline\nx = 1")]))
    assert template_imports(drawing) == ["matplotlib"]
    assert pyplot_at_start(template_imports(drawing)) == "True"


def test_a_kernel_that_dies_at_start_is_reported_in_german(tmp_path, monkeypatch):
    """A kernel process that ends before it answers: a German reason naming the kernel log,
    within seconds (not the start timeout)."""
    import json
    import sys

    from workbench.reports.engine import KernelDied, WarmKernel

    spec = tmp_path / "kernels" / "stirbt"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", "import sys; sys.exit(3)", "-f", "{connection_file}"],
        "display_name": "stirbt", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    kernel = WarmKernel()
    started = time.monotonic()
    with pytest.raises(KernelDied, match=r"beim Start abgestürzt.*WERKBENCH_KERNEL_LOG"):
        kernel.ensure("stirbt", startup_timeout=60)
    assert time.monotonic() - started < 20
    assert kernel.km is None
