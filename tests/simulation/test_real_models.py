"""Real files: every MIWG reference model and vendor export the metrics accept simulates to
the end — MIWG models have no minutes (no staff step, no queue), vendor files come from many
tools — with the same visits as the Markov chain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import MIWG, ROOT
from tests.simulation.helpers import compiled, run_queue
from workbench import bpmn
from workbench.metrics import MetricsError, compute

FILES = sorted(MIWG.glob("*.bpmn")) + sorted((ROOT / "tests/fixtures/bpmn/vendor").glob("*.bpmn"))


def test_reference_files_are_there() -> None:
    assert len(sorted(MIWG.glob("*.bpmn"))) == 21


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_model_simulates_to_the_end(path: Path) -> None:
    defs = bpmn.read(path)
    try:
        markov = compute(defs)
    except MetricsError:
        pytest.skip("die Kennzahlen lehnen das Modell ab (deutsche Meldung); dann auch die Simulation")
    model = compiled(defs)
    stream, pools, _ = run_queue(defs, servers=5, cases=300, seed=5, distribution="fest")
    assert np.isfinite(stream.done_cal).all(), "jeder Fall endet"
    assert stream.handling.mean() == pytest.approx(markov.expected_minutes, rel=0.25, abs=1.0)
    assert set(pools) == set(model.roles)
