"""`workbench bpmn metrics` shows the digitization indicators (text and JSON)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLE
from workbench.cli import main


def test_bpmn_metrics_shows_the_indicators(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(EXAMPLE / "kita_anmeldung" / "soll.bpmn")
    assert main(["bpmn", "metrics", path]) == 0
    out = capsys.readouterr().out
    for label in ("Analoge Schritte je Fall", "Digitalanteil nach Schritten",
                  "Händische Neuerfassungen je Fall", "Modell 0–4 v1.1"):
        assert label in out
    assert main(["bpmn", "metrics", "--json", path]) == 0
    doc = json.loads(capsys.readouterr().out.splitlines()[0])
    ind = doc["kennzahlen_digitalisierung"]
    # the Kita SOLL is fully digital: no analog step, digital share 100 % by steps
    assert ind["analoge_schritte"] == 0 and ind["digital_anteil_schritte"] == 1
    assert ind["neuerfassungen"] == 0 and ind["automatisierte_schritte"] > 0
