"""The real bpmn-js viewer (from npm) in headless Chromium, for tests and the docs screenshot.

``viewer.html`` loads ``node_modules/bpmn-js/dist/bpmn-viewer.production.min.js``; this folder is
served by Python's http.server on 127.0.0.1 (no CDN, no other network). Chromium is Debian's
(/usr/bin/chromium), driven by the ``playwright`` package; a browser is never downloaded.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VIEWER_JS = HERE / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
CHROMIUM = Path(os.environ.get("WERKBENCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NPM_CI_TIMEOUT = 300


class Unavailable(RuntimeError):
    """A prerequisite of the browser test is missing; the message is German and says what to do."""


def missing_prerequisite() -> str | None:
    """Why the bpmn-js test cannot run here (German), or None when node, npm and Chromium exist."""
    for tool, package in (("node", "nodejs"), ("npm", "npm")):
        if shutil.which(tool) is None:
            return f"{tool} fehlt – bpmn-js-Test übersprungen (apt-get install {package})"
    if not CHROMIUM.is_file():
        return f"Chromium fehlt unter {CHROMIUM} – bpmn-js-Test übersprungen (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python-Paket playwright fehlt – bpmn-js-Test übersprungen (pip install -e '.[dev]')"
    return None


def ensure_bpmn_js() -> None:
    """Install the pinned bpmn-js with ``npm ci`` when node_modules is missing."""
    if VIEWER_JS.is_file():
        return
    try:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
            capture_output=True, text=True, timeout=NPM_CI_TIMEOUT, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Unavailable(f"npm ci in {HERE} ist fehlgeschlagen: {exc}") from exc
    if done.returncode != 0 or not VIEWER_JS.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise Unavailable(f"npm ci in {HERE} ist fehlgeschlagen: " + " | ".join(tail))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_folder(folder: Path = HERE) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (free port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="bpmnjs-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class ImportResult:
    """What ``viewer.importXML`` said about one document."""

    error: str | None
    warnings: list[str] = field(default_factory=list)


class BpmnJsViewer:
    """One bpmn-js viewer page; every ``load`` replaces the diagram."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console_errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def load(self, xml: str) -> ImportResult:
        result = self.page.evaluate("xml => window.importDiagram(xml)", xml)
        return ImportResult(result["error"], list(result["warnings"]))

    def shapes(self) -> list[dict[str, Any]]:
        """Every shape of the current diagram (bpmn-js bounds, rendered SVG box)."""
        return self.page.evaluate("() => window.renderedShapes()")

    def connections(self) -> list[dict[str, Any]]:
        return self.page.evaluate("() => window.renderedConnections()")

    def screenshot(self, path: Path, padding: int = 24) -> Path:
        """PNG of the whole current diagram at 100 % zoom."""
        width, height = self.page.evaluate("pad => window.fitTight(pad)", padding)
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.evaluate("pad => window.fitTight(pad)", padding)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=False)
        return path


@contextmanager
def _page(html: str, ready: str, scale: float = 1.0) -> Iterator[Any]:
    """Headless Chromium with ``html`` of this folder loaded, once ``window[ready]`` is true."""
    reason = missing_prerequisite()
    if reason:
        raise Unavailable(reason)
    ensure_bpmn_js()
    from playwright.sync_api import sync_playwright

    with serve_folder() as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900},
                                          device_scale_factor=scale)
            page = context.new_page()
            page.goto(base + html)
            page.wait_for_function(f"() => window.{ready} === true", timeout=15_000)
            yield page
        finally:
            browser.close()


@contextmanager
def open_viewer(scale: float = 1.0) -> Iterator[BpmnJsViewer]:
    """Headless Chromium with viewer.html loaded; raises ``Unavailable`` with a German reason."""
    with _page("viewer.html", "viewerReady", scale) as page:
        yield BpmnJsViewer(page)

class BpmnJsModeler:
    """The bpmn-js modeler page (``modeler.html``): round trips and scripted canvas edits."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console_errors: list[str] = []
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def round_trip(self, xml: str | bytes) -> str:
        """Import ``xml`` and return what bpmn-js saves (raises RuntimeError on import errors)."""
        text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
        result = self.page.evaluate("x => window.roundTrip(x)", text)
        if result["error"]:
            raise RuntimeError(f"bpmn-js kann das Modell nicht öffnen: {result['error']}")
        return result["xml"]

    def edit(self, action: str, *args: Any) -> Any:
        """Run ``window.edit[action](...args)`` (rename, setProperty, move, remove, append)."""
        return self.page.evaluate("([a, args]) => window.edit[a](...args)", [action, list(args)])

    def save(self) -> str:
        return self.page.evaluate("() => window.saveXML()")


@contextmanager
def open_modeler() -> Iterator[BpmnJsModeler]:
    """Headless Chromium with the bpmn-js modeler; raises ``Unavailable`` with a German reason."""
    with _page("modeler.html", "modelerReady") as page:
        yield BpmnJsModeler(page)
