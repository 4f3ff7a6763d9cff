"""Many graphs in one ``dot`` process (:func:`workbench.maps.gv.run_dot_many`): the same outputs
as one process per graph, on the real DOT texts of the print drawing (MIWG reference models,
shipped IST/SOLL pairs), far fewer processes, and the old message when a graph fails. The
running ``dot`` of :mod:`workbench.maps.gvserver` serves them by default; with it switched
off (``WERKBENCH_DOT_SERVER=0``) graphs are batched into one process per run."""

from __future__ import annotations

import json
import re
from functools import lru_cache

import pytest

from tests.conftest import EXAMPLE
from tests.maps.conftest import REFERENCE_MODELS, needs_dot
from workbench import bpmn
from workbench.maps import gv, print_layout
from workbench.maps.gv import GraphvizFailed, run_dot, run_dot_many
from workbench.maps.highlights import highlights_for
from workbench.maps.print_layout import PrintDrawer, print_comparison
from workbench.report_content.printed_map import ROW_WIDTH_PT
from workbench.repository import Repository

pytestmark = needs_dot
PAIRS = [("anmeldung_einwohner", "033560005"), ("briefwahl", None)]


@lru_cache(maxsize=1)
def _sources() -> dict[str, tuple[str, ...]]:
    """Every DOT text the print drawing lays out for the MIWG models and two shipped pairs."""
    seen: dict[str, list[str]] = {"svg": [], "json": []}
    real = print_layout.run_dot_many

    def record(sources: list[str], fmt: str = "svg") -> list[bytes]:
        seen[fmt] += sources
        return real(sources, fmt)

    print_layout.run_dot_many = record
    try:
        for path in REFERENCE_MODELS:
            model = bpmn.read(path)
            PrintDrawer(ROW_WIDTH_PT).add(model, highlights_for(model))
        repo = Repository.load(EXAMPLE)
        for leistung, kommune in PAIRS:
            print_comparison(repo.model(leistung, "ist", kommune), repo.model(leistung, "soll"),
                             ROW_WIDTH_PT)
    finally:
        print_layout.run_dot_many = real
    return {fmt: tuple(dict.fromkeys(found)) for fmt, found in seen.items()}


def _processes(monkeypatch) -> list[str]:
    """Record the format of every ``dot`` process started (the real one still runs)."""
    started: list[str] = []
    real = gv._run

    def counted(args: list[str], source: str, timeout: float) -> bytes:
        started.append(" ".join(a for a in args if a.startswith("-T")))
        return real(args, source, timeout)

    monkeypatch.setattr(gv, "_run", counted)
    return started


@pytest.mark.parametrize("server", ["1", "0"])
def test_batched_svg_is_byte_for_byte_what_one_process_per_graph_gives(monkeypatch, server):
    monkeypatch.setenv(gv.SERVER_SWITCH, server)
    sources = _sources()["svg"]
    assert len(sources) > 120
    # graphs with two or more clusters run alone (graphviz orders named subgraphs by memory
    # address); the set holds such graphs, so that rule is exercised
    assert any(not gv._batchable(s) for s in sources)
    assert sum(gv._batchable(s) for s in sources) > 100
    batched = run_dot_many(list(sources), "svg")
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    for source, out in zip(sources, batched, strict=True):
        assert out == run_dot(source, "svg"), source[:200]


def test_served_json_is_byte_for_byte_what_one_process_per_graph_gives(monkeypatch):
    sources = _sources()["json"]
    assert len(sources) >= 20
    served = run_dot_many(list(sources), "json")
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    for source, out in zip(sources, served, strict=True):
        assert out == run_dot(source, "json"), source[:200]


def test_batched_json_gives_the_same_layout(monkeypatch):
    """Without the server: byte for byte apart from graphviz's made-up names of anonymous
    subgraphs ("%63"), which count on from graph to graph inside one process."""
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    sources = _sources()["json"]
    assert len(sources) >= 20
    anonymous = re.compile(rb'"name": "%\d+"')
    counted_on = 0
    for source, out in zip(sources, run_dot_many(list(sources), "json"), strict=True):
        alone = run_dot(source, "json")
        counted_on += out != alone
        assert anonymous.sub(b"", out) == anonymous.sub(b"", alone)
        named = [o for o in json.loads(out)["objects"] if not o["name"].startswith("%")]
        assert named == [o for o in json.loads(alone)["objects"]
                         if not o["name"].startswith("%")]
    assert counted_on  # the names differ (the server shifts them back, test above)


def test_one_process_for_many_graphs_and_bounded_batches(monkeypatch):
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    sources = [s for s in _sources()["svg"] if gv._batchable(s)][:7]
    started = _processes(monkeypatch)
    together = run_dot_many([*sources, sources[0]], "svg")
    assert started == ["-Tsvg"]
    assert together[-1] == together[0]  # an identical text is laid out once
    monkeypatch.setattr(gv, "BATCH_GRAPHS", 3)
    started.clear()
    assert run_dot_many(sources, "svg") == together[:-1]
    assert len(started) == 3  # 3 + 3 + 1 graphs
    monkeypatch.setattr(gv, "BATCH_GRAPHS", 200)
    monkeypatch.setattr(gv, "BATCH_BYTES", max(len(s) for s in sources) * 2)
    started.clear()
    assert run_dot_many(sources, "svg") == together[:-1]
    assert 3 <= len(started) <= len(sources)


def test_a_failing_graph_gets_the_message_of_its_own_run(monkeypatch):
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    good = [s for s in _sources()["svg"] if gv._batchable(s)][:3]
    broken = "digraph kaputt { a -> ; }\n"
    with pytest.raises(GraphvizFailed) as alone:
        run_dot(broken, "svg")
    started = _processes(monkeypatch)
    with pytest.raises(GraphvizFailed) as batched:
        run_dot_many([good[0], broken, *good[1:]], "svg")
    assert str(batched.value) == str(alone.value)
    assert "syntax error" in str(alone.value)
    assert started == ["-Tsvg"] * 3  # the batch, then one by one up to the broken graph
    with pytest.raises(ValueError, match="Format 'png'"):
        run_dot_many(good, "png")


def test_the_print_drawing_of_a_pair_runs_few_dot_processes(monkeypatch):
    """IST and SOLL are laid out together: one JSON run for both whole layouts, then one SVG
    run per try of the row cutter (at most 5), instead of one process per row and try (without
    the running ``dot``, which makes that no process at all)."""
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    repo = Repository.load(EXAMPLE)
    ist, soll = repo.model("anmeldung_einwohner", "ist", "033560005"), repo.model(
        "anmeldung_einwohner", "soll")
    started = _processes(monkeypatch)
    drawing = print_comparison(ist, soll, ROW_WIDTH_PT)
    assert started.count("-Tjson") == 1
    assert 1 <= started.count("-Tsvg") <= 5
    rows = sum(len(s.rows) for s in drawing.sections)
    assert rows > 5 and len(started) < rows
