"""The workshop map wrapped for its pane (4:3 beside the editor), not for a 16:9 screen."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLE
from workbench import maps
from workbench.repository import Repository
from workbench.widgets import ModelEditor
from workbench.widgets.fit import PANE_PX, best_wrap, candidates, shown_scale


def test_pane_wrap_shows_the_map_larger_than_the_screen_wrap() -> None:
    repo = Repository.load(EXAMPLE)
    gains = {}
    for leistung in ("ersatzhundesteuermarke", "meldebescheinigung", "anmeldung_einwohner"):
        model = repo.model(leistung, "ist")
        own = shown_scale(maps.process_map(model, style="auto").svg)
        wrap = best_wrap(model, lambda w, m=model: maps.process_map(m, style="auto", wrap=w).svg)
        fitted = shown_scale(maps.process_map(model, style="auto", wrap=wrap).svg)
        assert fitted >= own, leistung  # never smaller than the map's own wrap
        gains[leistung] = fitted / own
    assert gains["ersatzhundesteuermarke"] > 1.2 and gains["meldebescheinigung"] > 1.1, gains
    assert gains["anmeldung_einwohner"] == 1.0  # already the best: the map's own layout stays


def test_candidates_and_scale() -> None:
    model = Repository.load(EXAMPLE).model("anmeldung_einwohner", "ist")
    wraps = candidates(model)
    assert wraps[0] == "auto" and all(isinstance(w, int) and w >= 2 for w in wraps[1:])
    assert len(set(wraps)) == len(wraps)
    svg = f'<svg width="{PANE_PX[0] * 2}px" height="10px" viewBox="0 0 1 1"></svg>'
    assert shown_scale(svg) == 0.5


def test_workshop_editor_keeps_its_wrap_while_editing(example_copy: Path) -> None:
    editor = ModelEditor(example_copy, "ersatzhundesteuermarke", "ist", workshop=True)
    wrap = editor.wrap
    assert isinstance(wrap, int)  # fitted to the pane, not the 16:9 "auto"
    editor.steps.value = 1
    editor.fields["Minuten"].value = 7.0
    assert editor.wrap == wrap and "7 Min." in editor.map.value
    assert ModelEditor(example_copy, "ersatzhundesteuermarke", "ist").wrap == "auto"
