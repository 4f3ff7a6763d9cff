"""Small pieces without kernels: the shared cache, the memo, the folder lock, the benchmark KB."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from benchmarks.bench_reports import build_knowledge_base
from workbench.reports import cache
from workbench.reports.batch import BatchError, run_batch
from workbench.repository import Repository


def test_cached_text_renders_once_per_cache_dir(tmp_path: Path, monkeypatch):
    calls = []

    def render() -> str:
        calls.append(1)
        return "<svg/>"

    monkeypatch.delenv(cache.ENV_VAR, raising=False)
    assert cache.cached_text("karte.svg", render) == "<svg/>"
    assert cache.cached_text("karte.svg", render) == "<svg/>"
    assert len(calls) == 2  # outside a batch: no cache
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    assert cache.cached_text("karte.svg", render) == "<svg/>"
    assert cache.cached_text("karte.svg", render) == "<svg/>"
    assert len(calls) == 3
    with pytest.raises(ValueError, match="Cache-Schlüssel"):
        cache.cached_text("../boese", render)


def test_only_if_free_skips_what_another_process_produces(tmp_path: Path, monkeypatch):
    """A value whose lock another process holds raises Busy inside only_if_free (the report
    draws something else first); once it is stored, it is read there too; outside, it waits."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    folder.mkdir()
    holder = os.open(folder / ".karte.svg.lock", os.O_CREAT | os.O_RDWR)  # "the other kernel"
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with cache.only_if_free(), pytest.raises(cache.Busy):
            cache.cached_text("karte.svg", lambda: "<svg/>")
        with cache.only_if_free():  # other keys are free
            assert cache.cached_text("andere.svg", lambda: "<g/>") == "<g/>"
        assert not (folder / "karte.svg").exists()
        (folder / "karte.svg").write_text("<svg id='fertig'/>", encoding="utf-8")
    finally:
        fcntl.flock(holder, fcntl.LOCK_UN)
        os.close(holder)
    with cache.only_if_free():
        assert cache.cached_text("karte.svg", lambda: "neu") == "<svg id='fertig'/>"
    assert cache.cached_text("andere.svg", lambda: "neu") == "<g/>"


def test_memo_only_with_an_input_digest(monkeypatch):
    calls = []
    monkeypatch.delenv(cache.INPUTS_ENV_VAR, raising=False)
    cache.memo("x", lambda: calls.append(1))
    cache.memo("x", lambda: calls.append(1))
    assert len(calls) == 2
    monkeypatch.setenv(cache.INPUTS_ENV_VAR, "abc")
    cache.memo("x", lambda: calls.append(1))
    cache.memo("x", lambda: calls.append(1))
    assert len(calls) == 3
    monkeypatch.setenv(cache.INPUTS_ENV_VAR, "def")  # other inputs: produced again
    cache.memo("x", lambda: calls.append(1))
    assert len(calls) == 4


def test_one_batch_per_output_folder(tmp_path: Path, make_jobs):
    out = tmp_path / "reports"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(BatchError, match="bereits ein anderer Batch"):
            run_batch(make_jobs(verbund=False), out_dir=out, progress=False)
    finally:
        os.close(fd)


def test_benchmark_knowledge_base_is_valid(tmp_path: Path):
    kb = build_knowledge_base(tmp_path / "processes", 40)
    repo = Repository.load(kb)
    assert len(repo.kommunen) == 40
    assert repo.kommunen["schluessel"].iloc[0] == "01001"  # real keys in key order
    assert (repo.fallzahlen["fallzahl"] >= 0).all() and len(repo.fallzahlen) > 40
    assert not [f for f in repo.findings if f.severity == "error"]
    again = build_knowledge_base(tmp_path / "zweimal", 40)
    assert (again / "fallzahlen.csv").read_bytes() == (kb / "fallzahlen.csv").read_bytes()


def test_unknown_kernel_is_a_failed_report_not_a_crash(tmp_path: Path, make_jobs):
    import nbformat

    from tests.reports.conftest import REPORT_NB

    nb = nbformat.read(REPORT_NB, as_version=4)
    nb.metadata["kernelspec"] = {"name": "gibtsnicht", "display_name": "x", "language": "python"}
    template = tmp_path / "fremd.ipynb"
    nbformat.write(nb, template)
    from dataclasses import replace

    jobs = [replace(j, template=template) for j in make_jobs(keys=["033560002"], verbund=False)]
    result = run_batch(jobs, out_dir=tmp_path / "reports", jobs_n=1, progress=False)
    assert result.results[0].status == "fehlgeschlagen"
    assert "gibtsnicht" in result.results[0].reason
