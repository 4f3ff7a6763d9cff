"""The modeling notebook as a Voilà page in headless Chromium: change a step through the
widgets, see the map change, save, and find a valid model on disk."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from workbench import bpmn
from workbench.bpmn.lint import has_errors, lint

pytestmark = pytest.mark.browser


def test_edit_step_redraws_map_and_saves_valid_model(browser, voila) -> None:
    base, kb = voila
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{base}/voila/render/02_modellieren.ipynb", timeout=120_000)
    steps = page.locator(".wb-schritte select")
    steps.wait_for(timeout=120_000)
    frame = page.locator(".wb-kartenrahmen")
    frame.wait_for(timeout=60_000)
    first_revision = frame.get_attribute("data-revision")
    before_svg = frame.inner_html()

    # select step 3 ("Formular entgegennehmen …") and set its minutes to 17
    steps.select_option(index=2)
    minutes = page.locator(".wb-feld-minuten input")
    # the kernel fills the form field by field: wait until the row's minutes (2) arrived too,
    # so a late update cannot overwrite what we type
    page.wait_for_function(
        "() => document.querySelector('.wb-feld-schritt input').value.startsWith('Formular')"
        " && document.querySelector('.wb-feld-minuten input').value === '2'", timeout=60_000)
    minutes.fill("17")
    minutes.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.wb-kartenrahmen').dataset.revision !== "
        f"'{first_revision}'", timeout=60_000)
    after_svg = page.locator(".wb-kartenrahmen").inner_html()
    assert after_svg != before_svg
    assert "17 Min." in after_svg

    page.locator(".wb-speichern").click()
    page.wait_for_function(
        "() => document.querySelector('.wb-status').innerText.includes('Gespeichert')",
        timeout=60_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "modellieren-voila.png"), full_page=False)

    saved = bpmn.read(kb / "hundeanmeldung" / "ist.bpmn")
    assert not has_errors(lint(saved))
    changed = [a for a in saved.activities() if a.name.startswith("Formular entgegennehmen")]
    assert changed and changed[0].minutes == 17
    assert saved.has_di
    page.close()


def test_workshop_view_shows_large_map(browser, voila) -> None:
    base, _ = voila
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    url = f"{base}/voila/render/02_modellieren.ipynb?workshop=1&leistung=anmeldung_einwohner"
    page.goto(url, timeout=120_000)
    page.locator(".wb-workshop .wb-kartenrahmen svg").wait_for(timeout=120_000)
    assert page.locator(".wb-feld-schritt input").input_value()  # editor is filled
    assert "Anmeldung/Ummeldung Einwohner" in page.locator(".wb-kartenrahmen").inner_text()
    box = page.locator(".wb-kartenrahmen").bounding_box()
    assert box is not None and box["width"] > 1800  # the map spans the projector's width
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workshop-voila.png"))
    page.close()


