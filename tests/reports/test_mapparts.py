"""Splitting a process map for paper: windows cut between rows, print scale from the smallest
text, the shared content referenced by every part (real maps of the shipped example)."""

from __future__ import annotations

import re

import pytest

from workbench.maps import compare_models
from workbench.report_content import mapparts as mp
from workbench.reports.sanitize import sanitize
from workbench.repository import Repository


def test_windows_cut_at_the_last_gap_that_fits() -> None:
    # page 100: cuts at 40, 90, 150 → [0, 90], [90, 150], [150, 200]
    assert mp.windows(200, [40, 90, 150], 100) == ((0, 90), (90, 150), (150, 200))
    # no gap inside a page: a hard cut at the page height
    assert mp.windows(250, [], 100) == ((0, 100), (100, 200), (200, 250))
    # a gap in the first quarter of a page is not used (it would leave the page nearly empty)
    assert mp.windows(180, [20], 100) == ((0, 100), (100, 180))
    assert mp.windows(80, [40], 100) == ((0, 80),)


def test_print_scale_gives_7_pt_to_the_smallest_text() -> None:
    svg = '<svg viewBox="0 0 100 50"><text font-size="9.00">a</text><text font-size="14">b</text></svg>'
    assert mp.smallest_font(svg) == 9.0
    assert mp.print_scale(svg) * 9.0 == pytest.approx(mp.MIN_PRINT_PT)


@pytest.fixture(scope="module")
def briefwahl() -> str:
    from tests.conftest import EXAMPLE

    repo = Repository.load(EXAMPLE)
    ist, soll = repo.model("briefwahl", "ist"), repo.model("briefwahl", "soll")
    for wrap in (4, 3, 2):
        svg = compare_models(ist, soll, wrap=wrap).svg
        if mp.fits_landscape(svg):
            return svg
    raise AssertionError("keine Spaltenzahl passt ins Querformat")


def test_real_map_split_between_its_rows(briefwahl: str) -> None:
    parts = mp.split(briefwahl, "wb-karte-1")
    height = parts.height
    # the windows cover the whole map without gaps or overlaps, each fits a landscape page
    assert parts.windows[0][0] == 0 and parts.windows[-1][1] == pytest.approx(height)
    for (_, bottom), (top, _) in zip(parts.windows, parts.windows[1:], strict=False):
        assert bottom == top
    page = (mp.LANDSCAPE_HEIGHT_PT - mp.HEADING_PT) / parts.scale
    assert all(b - t <= page + 1e-6 for t, b in parts.windows)
    assert len(parts.windows) >= 2
    # every cut lies in a gap between pool bands, never across a task
    gaps = mp.row_gaps(briefwahl)
    assert all(b in gaps for _, b in parts.windows[:-1])
    pools = re.findall(r'class="cluster bpmn-pool"', briefwahl)
    assert len(gaps) == len(pools) - 1 >= 3  # IST and SOLL, each in several rows
    # printed at 7 pt and within the page width
    assert parts.scale * mp.smallest_font(briefwahl) == pytest.approx(mp.MIN_PRINT_PT)
    assert parts.width * parts.scale <= mp.LANDSCAPE_WIDTH_PT + 0.5


def test_parts_reference_the_content_once_and_survive_the_sanitiser(briefwahl: str) -> None:
    parts = mp.split(briefwahl, "wb-karte-1")
    printed = parts.parts("Karte 1: Briefwahl")
    assert len(printed) == len(parts.windows)
    page = sanitize(parts.content + parts.screen("Karte 1") + "".join(printed))
    assert page.count('id="wb-karte-1"') == 1
    assert page.count('<use href="#wb-karte-1"') == len(printed) + 1
    assert page.count("<svg") == len(printed) + 2
    assert "Seite 2 von" in page
    # same map, same bytes
    assert mp.split(briefwahl, "wb-karte-1") == parts
