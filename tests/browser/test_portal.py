"""The Wissensportal in a real browser (Debian's chromium), served on 127.0.0.1 AND opened from
file://: search finds steps by name and by system, role pages list processes, the bpmn-js diagram
renders and a click shows minutes and medium, nothing is requested outside the site, and hostile
strings from the knowledge base stay text."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.conftest import EXAMPLE
from tests.portal.test_escaping import HOSTILE, make_hostile
from workbench.portal import build_portal
from workbench.repository import Repository


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("portal-browser")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    build_portal(Repository.load(kb), base / "site")
    return base / "site"


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(params=["http", "file"])
def portal(request: pytest.FixtureRequest, browser, site: Path) -> Iterator[tuple[object, str, list]]:
    """(page, base URL, problems): every request outside the base and every console error or
    page error ends up in ``problems``."""
    base = request.getfixturevalue("server") if request.param == "http" else site.as_uri()
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    problems: list[str] = []
    page.on("request", lambda r: problems.append(f"Anfrage nach außen: {r.url}")
            if not r.url.startswith(base + "/") and not r.url.startswith("data:") else None)
    page.on("console", lambda m: problems.append(f"Konsole: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"Seitenfehler: {e}"))
    page.on("dialog", lambda d: (problems.append(f"Dialog: {d.message}"), d.dismiss()))
    yield page, base, problems
    context.close()


def _hits(page, base: str, query: str) -> list[tuple[str, str]]:
    page.goto(f"{base}/suche.html?q={query}")
    page.wait_for_function("() => /Treffer/.test(document.getElementById('suche-status').textContent)")
    return [(item.locator(".art").inner_text(), item.locator("a").inner_text())
            for item in page.locator("#treffer li").all()]


def test_search_finds_steps_by_name_and_by_system(portal) -> None:
    page, base, problems = portal
    hits = _hits(page, base, "Steuermarke")
    assert ("SCHRITT", "Steuermarke per Post versenden") in [(a.upper(), t) for a, t in hits]
    # "Steuerfall prüfen und freigeben" runs in the Finanzwesen; its name does not say so
    hits = _hits(page, base, "Finanzwesen")
    assert ("Schritt", "Steuerfall prüfen und freigeben") in [(a.title(), t) for a, t in hits]
    assert ("System", "Finanzwesen") in [(a.title(), t) for a, t in hits]
    # umlauts folded both ways, prefixes found
    assert ("Rolle", "Bürgerbüro") in [(a.title(), t) for a, t in _hits(page, base, "Buergerbuero")]
    # a step by the document it writes and by its legal basis (hundeanmeldung/soll.bpmn)
    assert ("Schritt", "Steuerbescheid ins Postfach zustellen") in [
        (a.title(), t) for a, t in _hits(page, base, "Hundesteuerbescheid")]
    assert ("Schritt", "Steuerbescheid ins Postfach zustellen") in [
        (a.title(), t) for a, t in _hits(page, base, "NKAG")]
    titles = [t for _, t in _hits(page, base, "ermaessig")]
    assert "Ermäßigung anhand der hochgeladenen Nachweise prüfen" in titles
    page.locator("#treffer a", has_text="Ermäßigung anhand der hochgeladenen Nachweise prüfen").first.click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith("/prozess/hundeanmeldung.html")
    assert problems == []


def test_role_page_lists_its_processes(portal) -> None:
    page, base, problems = portal
    page.goto(f"{base}/rollen.html")
    page.locator("a", has_text="Steueramt").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Rolle: Steueramt"
    processes = page.locator("ul.prozesse a").all_inner_texts()
    assert {"Hundeanmeldung", "Ersatzhundesteuermarke"} <= set(processes)
    page.locator("ul.prozesse a", has_text="Hundeanmeldung").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Hundeanmeldung"
    assert problems == []


def test_strategy_page_links_to_a_process_page(portal, request) -> None:
    page, base, problems = portal
    page.goto(f"{base}/index.html")
    page.locator("nav a", has_text="Strategie").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Strategie: Digitalisierungsleitlinie")
    goal = page.locator("#ziel-z2_5")
    assert goal.locator("h3").inner_text() == "Ziel 2.5: Digitale Dienstleistungen"
    if "http" in request.node.name:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        goal.screenshot(path=str(ARTIFACTS / "portal-strategie.png"))
    goal.locator("a", has_text="Hundeanmeldung").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Hundeanmeldung"
    # and back: the process page names the Maßnahme and jumps to it on the strategy page
    page.locator("#strategie-titel + ul a", has_text="Musterprozess Hundesteuer").click()
    page.wait_for_load_state()
    assert page.url.endswith("/strategie.html#massnahme-m02_hund_efa")
    assert page.locator("#massnahme-m02_hund_efa").is_visible()
    assert problems == []


def test_diagram_renders_and_a_click_shows_minutes_and_medium(portal, request) -> None:
    page, base, problems = portal
    page.goto(f"{base}/prozess/hundeanmeldung.html")
    page.wait_for_function("() => document.body.getAttribute('data-diagramm') === 'bereit'",
                           timeout=30_000)
    assert page.locator("#diagramm-statisch").is_hidden()
    shape = page.locator("#diagramm .djs-element[data-element-id='Schritt_6']")
    assert shape.count() == 1
    shape.click()
    details = page.locator("#details")
    assert details.locator("h3").inner_text() == "Ermäßigung anhand der hochgeladenen Nachweise prüfen"
    assert details.locator("dd[data-feld='minuten']").inner_text() == "8"
    assert details.locator("dd[data-feld='medium']").inner_text() == "Fachverfahren/digital"
    assert details.locator("dd[data-feld='system']").inner_text() == "DMS/E-Akte"
    assert details.locator("dd[data-feld='dokumente']").inner_text() == \
        "Nachweise zur Ermäßigung (Eingang)"
    assert details.locator("dd[data-feld='rechtsgrundlagen']").inner_text() == \
        "Hundesteuersatzung der jeweiligen Kommune"
    if "http" in request.node.name:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator(".diagramm-bereich").screenshot(path=str(ARTIFACTS / "portal-prozess.png"))
        page.goto(f"{base}/index.html")
        page.screenshot(path=str(ARTIFACTS / "portal-landkarte.png"))
        _hits(page, base, "Finanzwesen")
        page.screenshot(path=str(ARTIFACTS / "portal-suche.png"))
    assert problems == []


def test_without_javascript_the_static_picture_shows(browser, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.as_uri() + "/prozess/hundeanmeldung.html")
    picture = page.locator("#diagramm-statisch img")
    assert picture.is_visible()
    assert page.evaluate("() => document.querySelector('#diagramm-statisch img').naturalWidth") > 100
    assert page.locator("#diagramm").is_hidden()
    context.close()


def test_hostile_strings_stay_text(browser, tmp_path: Path) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    make_hostile(kb)
    strategy = kb / "strategie" / "strategie.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace(
        'name: "Digitale Dienstleistungen"', f"name: 'Ziel {HOSTILE}'"), encoding="utf-8")
    build_portal(Repository.load(kb), tmp_path / "site")
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = (tmp_path / "site").as_uri()
    page.goto(base + "/prozess/hundeanmeldung.html")
    page.wait_for_function("() => document.body.getAttribute('data-diagramm') === 'bereit'",
                           timeout=30_000)
    assert page.locator("h1").inner_text().startswith("Hund </script><script>alert(1)")
    page.locator("#diagramm .djs-element[data-element-id='Schritt_8']").click()
    assert "alert(1)" in page.locator("#details h3").inner_text()
    page.locator("#diagramm .djs-element[data-element-id='Schritt_9']").click()
    details = page.locator("#details")
    assert details.locator("dd[data-feld='rechtsgrundlagen']").inner_text().startswith(
        "Paragraf </script><script>alert(1)")
    assert details.locator("dd[data-feld='dokumente']").inner_text().startswith(
        "Dokument </script><script>alert(1)")
    page.goto(base + "/strategie.html")
    assert page.locator("#ziel-z2_5 h3").inner_text().startswith("Ziel 2.5: Ziel </script><script>")
    page.goto(base + "/suche.html?q=alert")
    page.wait_for_function("() => document.querySelectorAll('#treffer li').length > 3")
    page.goto(base + "/glossar.html")
    assert page.locator("img").count() == 0 and dialogs == []
    context.close()
