"""svgpin.least_size: what dot's first pass says about the finished map holds for real maps,
so a report may give up a map that cannot fit its page before the second pass draws it."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import bpmn
from workbench.maps import MapTooLarge, highlights_for
from workbench.maps.auto import DotBuilder, Section, TooWide
from workbench.maps.compare import comparison_map, summarize
from workbench.report_content.mapparts import (
    beyond_landscape,
    fits_landscape,
    smallest_font,
    svg_root,
    view_box,
)
from workbench.repository import Repository

from .conftest import REFERENCE_MODELS, ROOT, needs_dot

pytestmark = needs_dot


def _check(svg: str, seen: list[tuple[float, float]]) -> None:
    (least_width, largest_font), = seen
    width = view_box(svg_root(svg))[2]
    assert least_width <= width
    assert smallest_font(svg) <= largest_font
    if beyond_landscape(least_width, largest_font):
        assert not fits_landscape(svg)


def _pairs() -> list[tuple[str, str | None]]:
    found = []
    for soll in sorted((ROOT / "processes").glob("*/soll.bpmn")):
        for ist in sorted(soll.parent.glob("ist*.bpmn")):
            parts = ist.name.split(".")
            found.append((soll.parent.name, parts[1] if len(parts) == 3 else None))
    return found


@pytest.mark.parametrize(("leistung", "kommune"), _pairs())
def test_bounds_hold_for_the_example_comparison_maps(leistung, kommune):
    repo = Repository.load(ROOT / "processes")
    ist, soll = repo.model(leistung, "ist", kommune), repo.model(leistung, "soll")
    marks = {"ist_highlights": highlights_for(ist), "soll_highlights": highlights_for(soll),
             "summary": summarize(ist, soll)}
    for wrap in (4, 3):
        seen: list[tuple[float, float]] = []
        svg = comparison_map(ist, soll, wrap=wrap, **marks,
                             reject=lambda w, f, seen=seen: seen.append((w, f)) or False).svg
        _check(svg, seen)


@pytest.mark.parametrize("path", REFERENCE_MODELS, ids=lambda p: p.stem)
def test_bounds_hold_for_the_reference_models(path: Path):
    model = bpmn.read(path)
    for wrap in ("auto", 4):
        seen: list[tuple[float, float]] = []
        builder = DotBuilder("Karte", wrap=wrap)
        try:
            builder.add(Section(model, highlights_for(model)))
        except MapTooLarge:
            pytest.skip("zu groß für eine Karte")
        svg = builder.render(reject=lambda w, f, seen=seen: seen.append((w, f)) or False).svg
        _check(svg, seen)


def test_a_rejected_layout_is_not_drawn(ist, soll):
    with pytest.raises(TooWide):
        comparison_map(ist, soll, wrap=4, reject=lambda width, font: width > 100)
