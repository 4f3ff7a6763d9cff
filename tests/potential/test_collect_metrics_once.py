"""``collect_metrics`` once per loaded knowledge base, and again when its models change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from workbench import potential
from workbench.repository import Repository


def _counting(monkeypatch) -> list[int]:
    calls = [0]
    real = potential.compute

    def compute(defs):
        calls[0] += 1
        return real(defs)

    monkeypatch.setattr(potential, "compute", compute)
    return calls


def test_second_call_measures_nothing_and_returns_equal_copies(example_copy: Path,
                                                               monkeypatch) -> None:
    repo = Repository.load(example_copy)
    calls = _counting(monkeypatch)
    table, hints, gaps = potential.collect_metrics(repo)
    first = calls[0]
    assert first > 20
    table["stunden"] = -1.0  # a caller's change stays with that caller
    hints.append("nur hier")
    gaps["befund"] = "geändert"
    again, hints_again, gaps_again = potential.collect_metrics(repo)
    assert calls[0] == first
    fresh = potential._collect_metrics(Repository.load(example_copy))
    pd.testing.assert_frame_equal(again, fresh[0])
    assert hints_again == fresh[1]
    pd.testing.assert_frame_equal(gaps_again, fresh[2])
    assert len(gaps_again) > 0


def test_a_new_kommune_variant_is_measured(example_copy: Path, monkeypatch) -> None:
    repo = Repository.load(example_copy)
    before = potential.collect_metrics(repo)[0]
    leistung = str(repo.leistungen["id"].iloc[0])
    kommune = str(repo.kommunen["schluessel"].iloc[-1])
    assert kommune not in repo.ist_variants(leistung)
    shutil.copy(example_copy / leistung / "ist.bpmn", example_copy / leistung / f"ist.{kommune}.bpmn")
    calls = _counting(monkeypatch)
    after = potential.collect_metrics(repo)[0]
    assert calls[0] > 0
    assert len(after) == len(before) + 1
    assert ((after["leistung"] == leistung) & (after["kommune"] == kommune)).any()
