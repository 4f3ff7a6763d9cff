"""The running ``dot`` of :mod:`workbench.maps.gvserver`: every output byte for byte what a
``dot`` process of its own writes (real DOT texts of the print drawing of the MIWG reference
models and shipped pairs, in shuffled orders, SVG, JSON and SVG+JSON), the old messages for
a graph that fails, is too slow or never ends, a fresh server after a crash, one server per
process (a forked child starts its own) and none left behind at exit."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.maps.conftest import needs_dot
from tests.maps.test_gv_batch import _sources
from workbench.maps import gv, gvserver
from workbench.maps.gv import GraphvizFailed, run_dot, run_dot_svg_json

pytestmark = needs_dot
FORMATS = {"svg": ["-Kdot", "-Tsvg"], "json": ["-Kdot", "-Tjson"],
           "svg+json0": ["-Kdot", "-Tsvg", "-Tjson0"]}


@pytest.fixture(autouse=True)
def _fresh_servers(monkeypatch):
    monkeypatch.delenv(gv.SERVER_SWITCH, raising=False)
    gvserver.shutdown()
    gvserver._failures.clear()
    yield
    gvserver.shutdown()
    gvserver._failures.clear()


def _alone(args: list[str], source: str) -> list[bytes]:
    """What a ``dot`` process of its own writes, cut per format."""
    data = gv._run([gv.dot_path(), *args], source, 60)
    if len(args) == 2:
        return [data]
    end = data.index(b"</svg>\n") + len(b"</svg>\n")
    return [data[:end], data[end:]]


def _pid(args: list[str]) -> int | None:
    return gvserver.running().get((gv.dot_path(), *args))


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_output_is_what_a_process_of_its_own_writes_in_any_order(name):
    args = FORMATS[name]
    sources = [s for s in _sources()["json" if name == "json" else "svg"] if gv._batchable(s)]
    assert len(sources) >= (18 if name == "json" else 100)
    if name == "svg+json0":
        sources = sources[:40]
    alone = {s: _alone(args, s) for s in sources}
    anonymous = sum(b'"name": "%' in out[-1] for out in alone.values())
    for seed in (1, 2):
        order = list(sources)
        random.Random(seed).shuffle(order)
        gvserver.shutdown()
        for source in order:
            served = gvserver.layout([gv.dot_path(), *args], source, gv._env(), 60)
            assert served == alone[source], source[:200]
        assert _pid(args) is not None  # all from one process
    if name != "svg":  # the names of anonymous subgraphs were shifted back
        assert anonymous >= 10


def test_the_public_functions_use_the_server():
    source = next(s for s in _sources()["svg"] if gv._batchable(s))
    svg, layout = run_dot_svg_json(source)
    assert [svg, layout] == _alone(FORMATS["svg+json0"], source)
    assert run_dot(source, "svg") == _alone(FORMATS["svg"], source)[0]
    assert _pid(FORMATS["svg"]) and _pid(FORMATS["svg+json0"])
    clusters = next(s for s in _sources()["svg"] if not gv._batchable(s))
    before = gvserver.running()
    assert run_dot(clusters, "svg") == _alone(FORMATS["svg"], clusters)[0]
    assert gvserver.running() == before  # two clusters: a process of its own


def _broken_then_good(broken: str) -> tuple[str, str]:
    """The message for ``broken`` through the server and alone; checks the next graph is
    served again, by a new process."""
    good = next(s for s in _sources()["svg"] if gv._batchable(s))
    run_dot(good, "svg")
    first = _pid(FORMATS["svg"])
    with pytest.raises(GraphvizFailed) as served:
        run_dot(broken, "svg")
    assert _pid(FORMATS["svg"]) is None  # the process was ended
    assert run_dot(good, "svg") == _alone(FORMATS["svg"], good)[0]
    assert _pid(FORMATS["svg"]) not in (None, first)
    with pytest.raises(GraphvizFailed) as alone:
        gv._run([gv.dot_path(), *FORMATS["svg"]], broken, 60)
    return str(served.value), str(alone.value)


def test_a_failing_graph_gets_the_message_of_a_process_of_its_own():
    served, alone = _broken_then_good("digraph kaputt { a -> ; }\n")
    assert served == alone
    assert "syntax error" in served


def test_a_graph_that_never_ends_is_noticed_and_gets_its_message():
    """An unterminated string: ``dot`` waits for more input (a fresh process gets EOF)."""
    start = time.monotonic()
    served, alone = _broken_then_good('digraph offen { a [label="abc] }\n')
    assert served == alone
    assert 'String starting:"abc' in served
    assert time.monotonic() - start < 15


def test_a_warning_is_reported_as_before_and_the_server_stays():
    good = next(s for s in _sources()["svg"] if gv._batchable(s))
    run_dot(good, "svg")
    pid = _pid(FORMATS["svg"])
    warned = "digraph w { a [shape=unbekannt] }\n"
    assert run_dot(warned, "svg") == _alone(FORMATS["svg"], warned)[0]
    assert run_dot(good, "svg") == _alone(FORMATS["svg"], good)[0]
    assert _pid(FORMATS["svg"]) == pid


def test_a_crashed_server_is_replaced():
    sources = [s for s in _sources()["svg"] if gv._batchable(s)][:2]
    run_dot(sources[0], "svg")
    pid = _pid(FORMATS["svg"])
    os.kill(pid, signal.SIGSEGV)  # between two graphs
    gvserver._servers[(gv.dot_path(), *FORMATS["svg"])]._proc.wait()
    assert run_dot(sources[1], "svg") == _alone(FORMATS["svg"], sources[1])[0]
    assert _pid(FORMATS["svg"]) not in (None, pid)
    # dying during a graph: the graph runs in a process of its own
    server = gvserver._servers[(gv.dot_path(), *FORMATS["svg"])]
    os.kill(server._proc.pid, signal.SIGKILL)
    server._proc.wait()
    assert server.layout(sources[0].encode(), time.monotonic() + 10) is None
    assert server.broken


def test_too_slow_gives_the_old_message_and_ends_the_process():
    rng = random.Random(1)
    slow = "digraph langsam {\n" + "".join(
        f"n{rng.randrange(150)} -> n{rng.randrange(150)};\n" for _ in range(900)) + "}\n"
    run_dot("digraph a { a }\n", "svg")
    pid = _pid(FORMATS["svg"])
    start = time.monotonic()
    with pytest.raises(GraphvizFailed, match="nach 1 s keine Karte"):
        run_dot(slow, "svg", timeout=1.0)
    assert time.monotonic() - start < 5
    assert _pid(FORMATS["svg"]) is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended and reaped
    with pytest.raises(GraphvizFailed, match="nach 1 s keine Karte"):
        gv._run([gv.dot_path(), *FORMATS["svg"]], slow, 1.0)


def test_a_server_serves_a_bounded_number_of_graphs(monkeypatch):
    monkeypatch.setattr(gvserver, "GRAPHS_PER_PROCESS", 3)
    sources = [s for s in _sources()["svg"] if gv._batchable(s)][:7]
    pids = []
    for source in sources:
        assert run_dot(source, "svg") == _alone(FORMATS["svg"], source)[0]
        pids.append(_pid(FORMATS["svg"]))
    assert len(set(pids)) == 3  # 3 + 3 + 1 graphs


def test_a_forked_child_starts_its_own_server_and_leaves_the_parents_alone():
    sources = [s for s in _sources()["svg"] if gv._batchable(s)][:2]
    run_dot(sources[0], "svg")
    parent = _pid(FORMATS["svg"])
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            inherited = gvserver.running()
            same = run_dot(sources[1], "svg") == _alone(FORMATS["svg"], sources[1])[0]
            own = _pid(FORMATS["svg"])
            os.write(write, f"{not inherited} {same} {own}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        clean, same, own = answer.read().split()
    os.waitpid(child, 0)
    assert clean == "True" and same == "True"
    assert int(own) != parent
    assert _pid(FORMATS["svg"]) == parent  # the parent's server still serves
    assert run_dot(sources[1], "svg") == _alone(FORMATS["svg"], sources[1])[0]
    assert _pid(FORMATS["svg"]) == parent


def test_no_server_is_left_behind_at_exit():
    code = ("from workbench.maps import gv, gvserver\n"
            "gv.run_dot('digraph a { a -> b }\\n', 'svg')\n"
            "print(*gvserver.running().values())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    pid = int(done.stdout.split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_switched_off_no_server_is_started(monkeypatch):
    monkeypatch.setenv(gv.SERVER_SWITCH, "0")
    source = next(s for s in _sources()["svg"] if gv._batchable(s))
    assert run_dot(source, "svg") == _alone(FORMATS["svg"], source)[0]
    assert gvserver.running() == {}


def test_a_changed_environment_starts_a_new_server_but_not_the_workbench_own(monkeypatch):
    """A report kernel sets WERKBENCH_FINGERPRINT per report; dot reads other variables."""
    source = next(s for s in _sources()["svg"] if gv._batchable(s))
    run_dot(source, "svg")
    pid = _pid(FORMATS["svg"])
    monkeypatch.setenv("WERKBENCH_FINGERPRINT", "anders")
    run_dot(source, "svg")
    assert _pid(FORMATS["svg"]) == pid
    monkeypatch.setenv("DOTFONTPATH", "/nirgends")
    assert run_dot(source, "svg") == _alone(FORMATS["svg"], source)[0]
    assert _pid(FORMATS["svg"]) not in (None, pid)


def test_a_name_that_looks_like_graphviz_numbering_is_not_shifted():
    source = 'digraph eigen { subgraph { rank=same; a; b } "%5" -> a }\n'
    for _ in range(2):  # the second time, a served graph would be shifted
        assert run_dot(source, "json") == _alone(FORMATS["json"], source)[0]
    assert _pid(FORMATS["json"]) is None  # not served


def test_output_left_unread_is_never_taken_for_the_next_graph(monkeypatch):
    """Interrupted after writing a graph (Ctrl-C, an error in this process): the server is
    killed. Output left in the pipe some other way: the next graph does not take it."""
    a, b, c = [s for s in _sources()["svg"] if gv._batchable(s)][:3]
    run_dot(a, "svg")
    first = _pid(FORMATS["svg"])
    real = gvserver.DotServer._exchange

    def written_then_interrupted(self, data, graphs, deadline):
        os.write(self._proc.stdin.fileno(), data)
        raise KeyboardInterrupt

    monkeypatch.setattr(gvserver.DotServer, "_exchange", written_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_dot(b, "svg")
    monkeypatch.setattr(gvserver.DotServer, "_exchange", real)
    assert _pid(FORMATS["svg"]) is None  # killed
    assert run_dot(c, "svg") == _alone(FORMATS["svg"], c)[0]
    assert _pid(FORMATS["svg"]) not in (None, first)
    server = gvserver._servers[(gv.dot_path(), *FORMATS["svg"])]
    os.write(server._proc.stdin.fileno(), b.encode() + b"\n")  # its output stays unread
    time.sleep(0.5)
    assert run_dot(a, "svg") == _alone(FORMATS["svg"], a)[0]  # not b's
    assert run_dot(c, "svg") == _alone(FORMATS["svg"], c)[0]


def test_pinned_positions_images_and_a_deleted_folder_run_alone(tmp_path, monkeypatch):
    pinned = 'digraph g {a [pos="0,0!"]; b [pos="72,72!"]; a -> b}\n'
    assert run_dot(pinned, "svg", engine="neato-n2").startswith(b"<?xml")
    assert not any("-n2" in key for key in gvserver.running())
    assert not gv._batchable('digraph g {a [image="logo.png"]}')
    assert not gv._batchable('digraph g {a [label=<<IMG SRC="logo.png"/>>]}')
    gone = tmp_path / "weg"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    source = next(s for s in _sources()["svg"] if gv._batchable(s))
    assert run_dot(source, "svg") == _alone(FORMATS["svg"], source)[0]
