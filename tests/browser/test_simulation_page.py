"""The simulation notebook as a Voilà page in headless Chromium: the first result is shown,
switching to the SOLL and pressing „Simulieren“ runs the year again with the progress bar."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def test_simulation_page_reruns_with_soll(browser, voila) -> None:
    base, _ = voila
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.goto(f"{base}/voila/render/05_simulation.ipynb", timeout=300_000)
    result = page.locator(".wb-sim-ergebnis")
    result.wait_for(timeout=300_000)
    page.wait_for_function("() => document.querySelector('.wb-sim-ergebnis').innerText"
                           ".includes('Szenarien im Vergleich')", timeout=300_000)
    before = result.inner_text()
    assert "Standardbesetzung (IST)" in before and "Ihre Einstellung" in before
    page.locator(".wb-sim-soll input").check()
    page.locator(".wb-sim-start").click()
    page.wait_for_function(
        "(old) => { const t = document.querySelector('.wb-sim-ergebnis').innerText;"
        " return t.includes('Szenarien im Vergleich') && t !== old; }", arg=before,
        timeout=300_000)
    status = page.locator(".wb-sim-status").inner_text()
    assert "fertig" in status
    after = result.inner_text()
    assert after != before
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "simulation-voila.png"), full_page=False)
    page.close()
