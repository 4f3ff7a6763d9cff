"""Where a map is cut for A4 landscape pages, on the 21 MIWG reference models in both styles:
the parts print every text at 7 pt or more, fit the page, and no text is lost or cut."""

from __future__ import annotations

import pytest

from tests.maps.conftest import REFERENCE_MODELS, needs_dot
from workbench import bpmn
from workbench.mapprint import plan
from workbench.mapprint.plan import (
    PAGE_HEIGHT_PT,
    PAGE_WIDTH_PT,
    _cuts,
    _tiles,
    layout_of,
    parse_transform,
)
from workbench.maps import process_map
from workbench.report_content.mapparts import print_scale, row_gaps

pytestmark = needs_dot


def _inside(box: tuple[float, float, float, float], tile: object) -> bool:
    return (tile.x - 0.01 <= box[0] and box[2] <= tile.x + tile.width + 0.01  # type: ignore[attr-defined]
            and tile.y - 0.01 <= box[1] and box[3] <= tile.y + tile.height + 0.01)  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.parametrize("style", ["auto", "di"])
def test_every_miwg_map_prints_at_7pt_without_cutting_text(style: str) -> None:
    assert len(REFERENCE_MODELS) == 21
    split = 0
    for path in REFERENCE_MODELS:
        svg = process_map(bpmn.read(path), style=style).svg
        layout = plan(svg)
        assert layout.smallest_pt >= 7.0 - 1e-6, path.name
        for tile in layout.tiles:
            assert tile.width * layout.scale <= PAGE_WIDTH_PT + 0.5, (path.name, tile)
            assert tile.height * layout.scale <= PAGE_HEIGHT_PT + 0.5, (path.name, tile)
        texts = layout_of(svg).texts
        assert texts, path.name
        cut = [b for b in texts if not any(_inside(b, t) for t in layout.tiles)]
        assert not cut, (path.name, cut[:3])  # every line of text whole on one part
        split += layout.split
    assert split >= 12  # the large ones (under 7 pt on one page before) are split


def _fill(layout: object, tile: object) -> float:
    """How much of the page a part uses in its fuller direction (1 = edge to edge)."""
    return max(tile.width * layout.scale / PAGE_WIDTH_PT,  # type: ignore[attr-defined]
               tile.height * layout.scale / PAGE_HEIGHT_PT)  # type: ignore[attr-defined]


@pytest.mark.slow
def test_parts_fill_their_pages_without_more_pages() -> None:
    """Printed at exactly 7 pt, the parts of a split map used 0.62–0.97 of the page in their
    fuller direction (mean 0.80; C.3.0 auto: two parts of 0.6 page width each). Now the map is
    printed at the largest scale that needs no more parts than at 7 pt, so the parts fill the
    page: mean over all parts of the 42 MIWG maps at least 0.85, every map at least 0.7."""
    fills, by_map = [], {}
    for path in REFERENCE_MODELS:
        for style in ("auto", "di"):
            svg = process_map(bpmn.read(path), style=style).svg
            layout = plan(svg)
            if not layout.split:
                continue
            found = layout_of(svg)
            at_7pt = _tiles(layout.width, layout.height, print_scale(svg), found,
                            [*found.band_edges, *row_gaps(svg)])
            assert len(layout.tiles) <= len(at_7pt), (path.stem, style)
            assert layout.smallest_pt >= 7.0 - 1e-6
            own = [_fill(layout, tile) for tile in layout.tiles]
            assert max(own) <= 1.0 + 1e-3
            by_map[f"{path.stem} {style}"] = sum(own) / len(own)
            fills += own
    assert len(by_map) >= 20
    assert sum(fills) / len(fills) >= 0.85, sum(fills) / len(fills)
    assert min(by_map.values()) >= 0.7, by_map
    assert by_map["C.3.0 auto"] >= 0.9


def test_small_map_stays_on_one_page() -> None:
    path = next(p for p in REFERENCE_MODELS if p.stem == "A.1.0")
    layout = plan(process_map(bpmn.read(path), style="auto").svg)
    assert not layout.split and layout.smallest_pt >= 7
    assert layout.scale <= 1.0  # never blown up beyond its natural size


def test_cuts_prefer_band_edges_then_free_lines() -> None:
    # 250 long, page 100: three windows of about 83 (+ 10 slack); the band edge at 90 is taken
    assert _cuts(250, 100, [], [], [90]) == [(0, 90), (90, 180), (180, 250)]
    # a text over 170..210 moves the second cut before it
    assert _cuts(250, 100, [(170, 210)], [], [90])[1] == (90, 169.5)
    # nodes (soft) are avoided where a line free of them exists; a band edge inside a node
    # is no good cut
    assert _cuts(150, 100, [], [(80, 90)], []) == [(0, 79.5), (79.5, 150)]
    assert _cuts(150, 100, [], [(70, 90)], [80]) == [(0, 69.5), (69.5, 150)]
    # a text wider than the window is cut at the window's edge; the rest fits one window
    assert _cuts(150, 100, [(10, 140)], [], []) == [(0, 85), (85, 150)]
    assert _cuts(90, 100, [], [], []) == [(0, 90)]


def test_transforms() -> None:
    assert parse_transform("translate(10 20)") == (1, 0, 0, 1, 10, 20)
    a, b, c, d, e, f = parse_transform("rotate(-90 100 50)")
    x, y = a * 100 + c * 60 + e, b * 100 + d * 60 + f  # (100, 60) turns about (100, 50)
    assert abs(x - 110) < 1e-9 and abs(y - 50) < 1e-9
    assert parse_transform("scale(1 1) rotate(0) translate(4 300)")[4:] == (4, 300)
