"""Auf allen 21 MIWG-Referenzmodellen und den Dateien echter Werkzeuge antwortet
``workbench bpmn metrics`` (Rückgabewert 0, Warnungen wo Angaben fehlen) und jede Karte entsteht
– mit den Markierungen aus den Kennzahlen. ``visits`` nennt jede Aktivität jedes Pools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench import bpmn
from workbench.cli import main

from ..conftest import MIWG, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "bpmn"
CORPUS = sorted(MIWG.glob("*.bpmn")) + sorted((FIXTURES / "vendor").glob("*.bpmn")) + sorted(
    (FIXTURES / "messy").glob("*.bpmn"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(len(list(MIWG.glob("*.bpmn"))) < 21,
                       reason="MIWG-Referenzmodelle nicht gefunden"),
]


@pytest.mark.parametrize("path", CORPUS, ids=[f"{p.parent.name}/{p.stem}" for p in CORPUS])
def test_metrics_answer_and_map_renders(path: Path, tmp_path: Path, capsys) -> None:
    assert main(["bpmn", "metrics", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    activities = {a.id for a in bpmn.read(path).activities()}
    assert activities <= set(doc["visits"]), sorted(activities - set(doc["visits"]))
    assert doc["participants"] and any(p["analysed"] for p in doc["participants"])
    assert doc["expected_minutes"] >= 0 and doc["expected_wait_days"] >= 0
    svg = tmp_path / "karte.svg"
    assert main(["map", str(path), "-o", str(svg)]) == 0
    assert b"<svg" in svg.read_bytes()[:2000]


def test_the_corpus_is_complete() -> None:
    """21 Referenzmodelle, die Exporte von mindestens 15 Werkzeugen, die unordentlichen Dateien."""
    assert len([p for p in CORPUS if p.parent == MIWG]) == 21
    assert len([p for p in CORPUS if p.parent.name == "vendor"]) >= 15
    assert len([p for p in CORPUS if p.parent.name == "messy"]) >= 20
