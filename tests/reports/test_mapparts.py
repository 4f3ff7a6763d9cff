"""The screen map of a report: stored once and shown through <use>, drawn as wide as fits a
landscape page at 7 pt (real maps of the shipped example)."""

from __future__ import annotations

import re

import pytest

from workbench.maps import compare_models
from workbench.report_content import mapparts as mp
from workbench.reports.sanitize import sanitize
from workbench.repository import Repository


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


def test_real_map_is_stored_once_and_survives_the_sanitiser(briefwahl: str) -> None:
    parts = mp.split(briefwahl, "wb-karte-1")
    page = sanitize(parts.content + parts.screen("Karte 1"))
    assert page.count('id="wb-karte-1"') == 1
    assert page.count('<use href="#wb-karte-1"') == 1
    assert page.count("<svg") == 2
    # drawn with as many columns as fit a landscape page at 7 pt
    assert parts.width * mp.print_scale(briefwahl) <= mp.LANDSCAPE_WIDTH_PT + 0.5
    # same map, same bytes
    assert mp.split(briefwahl, "wb-karte-1") == parts


def test_row_gaps_lie_between_the_pool_bands(briefwahl: str) -> None:
    """The cut lines ``workbench.mapprint`` uses for map PDFs: one below every pool band but
    the last (IST and SOLL, each in several rows)."""
    gaps = mp.row_gaps(briefwahl)
    pools = re.findall(r'class="cluster bpmn-pool"', briefwahl)
    assert len(gaps) == len(pools) - 1 >= 3
    assert gaps == sorted(gaps)
