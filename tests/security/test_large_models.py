"""Issue 11, item 3: a 33,000-step model neither exhausts memory nor runs for minutes.

The old code allocated dense n × n matrices (33k² floats: 8.7 GB each) in the Markov chain and in
the activity transitions. Here the model is generated in the test, the metrics run under an
address-space cap that a dense matrix could never fit in, and maps refuse it with a German
message while ``validate`` warns.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.conftest import EXAMPLE
from workbench import bpmn, linalg
from workbench.metrics import compute

WB = "urn:prozess-werkbench:bpmn:1"


def chain_model(n: int) -> bytes:
    """n tasks in a chain, alternating paper and Fachverfahren, a rework loop every 50 steps."""
    parts = [f'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:wb="{WB}" '
             'id="d" targetNamespace="x"><process id="p" name="Kette"><startEvent id="s"/>']
    flows, prev = [], "s"
    for i in range(n):
        medium = "papier" if i % 2 else "fachverfahren"
        parts.append(f'<task id="t{i}" name="Schritt {i}" wb:minutes="2" wb:medium="{medium}"/>')
        flows.append((prev, f"t{i}", None))
        prev = f"t{i}"
        if i % 50 == 49:
            parts.append(f'<exclusiveGateway id="g{i}"/>')
            flows += [(prev, f"g{i}", None), (f"g{i}", f"t{i - 10}", "0.1")]
            prev = f"g{i}"
    parts.append('<endEvent id="e"/>')
    flows.append((prev, "e", None))
    for k, (a, b, p) in enumerate(flows):
        prob = f' wb:probability="{p}"' if p else ""
        parts.append(f'<sequenceFlow id="f{k}" sourceRef="{a}" targetRef="{b}"{prob}/>')
    parts.append("</process></definitions>")
    return "".join(parts).encode()


def _expected_minutes(n: int) -> float:
    """By hand: the 11 steps of each loop are visited 1/(1-0.1) times, 2 minutes per visit."""
    loops = n // 50
    return 2.0 * (n + loops * 11 * (1 / 0.9 - 1))


def _expected_breaks(n: int) -> float:
    """Every forward hand-over changes the medium; the 10 inside each loop happen 1/0.9 times.
    The jump back (t49 → t39) joins two paper steps: no break."""
    return (n - 1) + (n // 50) * 10 * (1 / 0.9 - 1)


@pytest.mark.slow
def test_33k_chain_metrics_in_bounded_memory(tmp_path):
    """In a child process whose address space is capped at 1.5 GB (one dense 33k matrix: 8.7 GB)."""
    model = tmp_path / "kette.bpmn"
    model.write_bytes(chain_model(33_000))
    script = textwrap.dedent(f"""
        import resource, time
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        from workbench import bpmn
        from workbench.metrics import compute
        started = time.perf_counter()
        m = compute(bpmn.read({str(model)!r}))
        print(m.expected_minutes, m.media_breaks, len(m.break_transitions),
              time.perf_counter() - started)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    minutes, breaks, transitions, seconds = done.stdout.split()
    assert float(minutes) == pytest.approx(_expected_minutes(33_000), rel=1e-9)
    assert float(breaks) == pytest.approx(_expected_breaks(33_000), rel=1e-9)
    assert int(transitions) == 32_999
    assert float(seconds) < 120


@pytest.mark.parametrize("n", [200, 1600])  # dense and sparse path, same hand-computed numbers
def test_dense_and_sparse_paths_agree_with_hand_computation(n):
    m = compute(bpmn.read(chain_model(n)))
    assert m.expected_minutes == pytest.approx(_expected_minutes(n), rel=1e-12)
    assert m.media_breaks == pytest.approx(_expected_breaks(n), rel=1e-12)
    assert len(m.break_transitions) == n - 1


def test_sparse_path_finds_a_loop_without_exit():
    """A loop taken with probability 1 cannot end: the sparse path finds it, names it and
    computes with the documented default (20 % back), instead of refusing the model."""
    data = chain_model(1600).replace(b'wb:probability="0.1"', b'wb:probability="1"', 1)
    m = compute(bpmn.read(data))
    assert any("kann nicht enden" in w and "Standardannahme" in w for w in m.warnings)
    # the first loop's 11 steps now run 1 / (1 − 0.2) = 1.25 times instead of 1 / 0.9
    assert m.expected_minutes == pytest.approx(
        _expected_minutes(1600) + 2.0 * 11 * (1.25 - 1 / 0.9), rel=1e-9)


def test_sparse_solve_matches_dense():
    rng = np.random.default_rng(7)
    n = linalg.DENSE_MAX + 200
    entries = [(i, i + 1, 0.9) for i in range(n - 1)] + \
        [(int(i), int(max(0, i - 5)), 0.05) for i in rng.integers(5, n, 100)]
    m = linalg.matrix(n, entries)
    e = np.zeros(n)
    e[0] = 1.0
    sparse_v = linalg.expected_visits(m, e)
    dense_v = np.linalg.solve(np.eye(n) - m.toarray().T, e)
    assert sparse_v is not None and np.allclose(sparse_v, dense_v, rtol=1e-10, atol=1e-12)


def test_maps_refuse_and_validate_warns(tmp_path, capsys):
    from workbench.cli import main
    from workbench.limits import MAX_MAP_NODES

    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    (kb / "hundeanmeldung" / "ist.bpmn").write_bytes(chain_model(MAX_MAP_NODES + 10))
    out = tmp_path / "karte.svg"
    code = main(["map", "hundeanmeldung", "--variant", "ist", "-o", str(out),
                 "--repository", str(kb)])
    assert code == 2 and not out.exists()
    assert "Karten werden bis" in capsys.readouterr().err
    main(["validate", "--repository", str(kb)])
    assert "Karten werden nur bis" in capsys.readouterr().out
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 4 * 2**20  # KB: under 4 GB
