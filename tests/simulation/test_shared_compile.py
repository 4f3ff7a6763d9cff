"""Models the Kommunen share are compiled once per process (keyed by their content), with
exactly the results of compiling them anew; the work calendar is built once per process."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from workbench.repository import Repository
from workbench.simulation import default_plan, simulate
from workbench.simulation import kommune as kommune_module
from workbench.simulation.cache import dumps
from workbench.simulation.calendar import DEFAULT_HOURS, WorkCalendar

GRASBERG, LILIENTHAL = "033560002", "033560005"


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """Labels of the models compiled from now on, with an empty memo."""
    monkeypatch.setattr(kommune_module, "_COMPILED", {})
    calls: list[str] = []
    real = kommune_module._compile

    def counting(defs, costs, label):
        calls.append(label)
        return real(defs, costs, label)

    monkeypatch.setattr(kommune_module, "_compile", counting)
    return calls


def test_shared_models_compiled_once_with_the_same_results(compiles: list[str], monkeypatch):
    repo = Repository.load(EXAMPLE)
    grasberg = dumps(simulate(repo, GRASBERG, default_plan()))
    first = len(compiles)
    lilienthal = dumps(simulate(repo, LILIENTHAL, default_plan()))
    # Lilienthal compiles only what it does not share with Grasberg (its own IST variant)
    assert first > 10 and 0 < len(compiles) - first <= 2
    assert "anmeldung_einwohner/ist.033560005.bpmn" in compiles[first:]
    assert len(compiles) == len(set(compiles))  # nothing compiled twice
    monkeypatch.setattr(kommune_module, "_COMPILED", {})  # Lilienthal alone, all compiled anew
    assert dumps(simulate(Repository.load(EXAMPLE), LILIENTHAL, default_plan())) == lilienthal
    monkeypatch.setattr(kommune_module, "_COMPILED", {})
    assert dumps(simulate(Repository.load(EXAMPLE), GRASBERG, default_plan())) == grasberg


def test_edited_model_is_compiled_anew(tmp_path: Path, compiles: list[str], monkeypatch):
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    before = dumps(simulate(Repository.load(kb), GRASBERG, default_plan()))
    model = kb / "hundeanmeldung" / "ist.bpmn"
    text = model.read_text(encoding="utf-8")
    edited = re.sub(r'wb:minutes="(\d+)"', lambda m: f'wb:minutes="{int(m.group(1)) + 7}"',
                    text, count=3)
    assert edited != text
    model.write_text(edited, encoding="utf-8")
    done = len(compiles)
    after = dumps(simulate(Repository.load(kb), GRASBERG, default_plan()))
    assert compiles[done:] == ["hundeanmeldung/ist.bpmn"]  # only the edited model, anew
    assert after != before
    monkeypatch.setattr(kommune_module, "_COMPILED", {})
    assert dumps(simulate(Repository.load(kb), GRASBERG, default_plan())) == after


def test_calendar_built_once_and_equal_to_a_new_one():
    cached = WorkCalendar.cached(2026, DEFAULT_HOURS, "NI")
    assert WorkCalendar.cached(2026, dict(DEFAULT_HOURS), "NI") is cached
    assert cached == WorkCalendar.build(2026, DEFAULT_HOURS, "NI")
    assert cached.cumf == WorkCalendar.build(2026, DEFAULT_HOURS, "NI").cumf
    assert WorkCalendar.cached(2026, DEFAULT_HOURS, None) != cached  # no holidays: other key


def test_fallzahl_table_built_once_per_knowledge_base(monkeypatch):
    """The frame over all Kommunen × Leistungen is built once per Repository (it lives on the
    Repository: a knowledge base loaded anew starts without it); each Kommune
    gets exactly the Fallzahlen of a frame built anew, and a frame assigned anew (or other
    Fallzahl parameters) builds it again."""
    builds: list[int] = []
    real = kommune_module.fallzahlen_frame

    def counting(kommunen, *args):
        builds.append(len(kommunen))
        return real(kommunen, *args)

    monkeypatch.setattr(kommune_module, "fallzahlen_frame", counting)
    repo = Repository.load(EXAMPLE)
    plan = default_plan()
    keys = sorted(repo.kommunen["schluessel"].astype(str))
    shared = {k: kommune_module.prepare(repo, k, plan) for k in keys}
    assert builds == [len(keys)]
    for k in keys:
        alone = kommune_module.prepare(Repository.load(EXAMPLE), k, plan)
        assert [(s.id, s.fallzahl, s.fallzahl_art) for s in shared[k].services] \
            == [(s.id, s.fallzahl, s.fallzahl_art) for s in alone.services]
        assert shared[k].default_vzae == alone.default_vzae
    assert {s.fallzahl_art for p in shared.values() for s in p.services} >= {"gemeldet"}
    done = len(builds)
    repo.fallzahlen = repo.fallzahlen.assign(fallzahl=repo.fallzahlen["fallzahl"] * 2)
    doubled = kommune_module.prepare(repo, GRASBERG, plan)
    assert len(builds) == done + 1
    assert [s.fallzahl for s in doubled.services] \
        == [2 * s.fallzahl for s in shared[GRASBERG].services]
