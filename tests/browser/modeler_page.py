"""Driving the modeler widget in a real page: diagram ↔ screen coordinates, palette drags,
context-pad connections, the side panel, waiting for the kernel's overlays, round-trip timing.
Used by tests/browser/test_modeler.py and benchmarks/bench_modeler.py."""

from __future__ import annotations

import statistics
from typing import Any

_JS_HELPERS = """
window.wbTest = {
  view: () => window.werkbenchModeler.views[0],
  registry: () => window.wbTest.view().modeler.get('elementRegistry'),
  toScreen: (x, y) => {
    const v = window.wbTest.view(), vb = v.modeler.get('canvas').viewbox();
    const r = v.canvasEl.getBoundingClientRect();
    return { x: r.left + (x - vb.x) * vb.scale, y: r.top + (y - vb.y) * vb.scale };
  },
  center: id => {
    const e = window.wbTest.registry().get(id);
    return window.wbTest.toScreen(e.x + e.width / 2, e.y + e.height / 2);
  },
  ids: () => window.wbTest.registry().getAll().map(e => e.id),
  named: prefix => window.wbTest.registry().filter(
    e => e.type !== 'label' && (e.businessObject.name || '').startsWith(prefix)).map(e => e.id),
  tasks: () => window.wbTest.registry().filter(e => /Task$/.test(e.type)).map(e => e.id),
  bounds: id => { const e = window.wbTest.registry().get(id);
                  return { x: e.x, y: e.y, width: e.width, height: e.height }; },
  settled: () => { const v = window.wbTest.view();
                   return v.pending === null && v.seq === v.sentSeq
                     && (v.seq === 0 || v.root.dataset.analysisSeq === String(v.seq)); }
};
"""


class ModelerPage:
    """The page of ``notebooks/00_modellierer.ipynb`` (Voilà or JupyterLab) with one modeler."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str | None = None) -> ModelerPage:
        if url:
            self.page.goto(url, timeout=180_000)
        self.page.wait_for_function(
            "() => window.werkbenchModeler && window.werkbenchModeler.views.length"
            " && window.werkbenchModeler.views[0].root.dataset.imported", timeout=180_000)
        self.page.evaluate(_JS_HELPERS)
        self.wait_settled()
        return self

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def ids(self) -> set[str]:
        return set(self.js("() => wbTest.ids()"))

    def named(self, prefix: str) -> list[str]:
        return self.js("p => wbTest.named(p)", prefix)

    def bounds(self, element_id: str) -> dict[str, float]:
        return self.js("id => wbTest.bounds(id)", element_id)

    def center(self, element_id: str) -> tuple[float, float]:
        point = self.js("id => wbTest.center(id)", element_id)
        return point["x"], point["y"]

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        point = self.js("([x, y]) => wbTest.toScreen(x, y)", [x, y])
        return point["x"], point["y"]

    def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        mouse = self.page.mouse
        mouse.move(*start)
        mouse.down()
        mouse.move(start[0] + 20, start[1] + 10, steps=4)
        mouse.move(*end, steps=12)
        mouse.up()

    def palette_entry(self, action: str) -> tuple[float, float]:
        box = self.page.locator(f".djs-palette .entry[data-action='{action}']").bounding_box()
        assert box is not None, action
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def click_element(self, element_id: str) -> None:
        """A real click on the element (the open context pad of a previous one closed first)."""
        self.js("""id => { const m = wbTest.view().modeler, canvas = m.get('canvas');
                          m.get('selection').select(null);
                          if (canvas.zoom() < 0.6) canvas.zoom(1);
                          canvas.scrollToElement(id); }""", element_id)
        self.page.mouse.click(*self.center(element_id))

    def deselect(self, point: tuple[float, float], *, escape: bool = True) -> None:
        """Close menus (Escape; it would also cancel a label being typed) and click empty canvas
        at ``point`` (diagram coordinates)."""
        if escape:
            self.page.keyboard.press("Escape")
        self.page.mouse.click(*self.to_screen(*point))

    def connect(self, source_id: str, target_id: str) -> None:
        """Select ``source``, drag its context pad's connect entry onto ``target``."""
        self.click_element(source_id)
        entry = self.page.locator(".djs-context-pad .entry[data-action='connect']")
        entry.wait_for(timeout=10_000)
        box = entry.bounding_box()
        assert box is not None
        self.drag((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2),
                  self.center(target_id))

    def field(self, name: str) -> Any:
        return self.page.locator(f".wb-panel .wb-field-{name} input, "
                                 f".wb-panel .wb-field-{name} select").first

    def set_field(self, element_id: str, name: str, value: str) -> None:
        """Select an element on the canvas and commit a value in the side panel."""
        self.click_element(element_id)
        self.page.locator(f".wb-panel-id:text-is('{element_id}')").wait_for(timeout=10_000)
        control = self.field(name)
        if control.evaluate("c => c.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
            control.press("Enter")

    def wait_settled(self, timeout: float = 120_000) -> None:
        """Until the kernel's analysis of the latest canvas edit is shown."""
        self.page.wait_for_function("() => window.wbTest && wbTest.settled()", timeout=timeout)

    def badges(self, element_id: str) -> list[str]:
        return self.js(
            "id => [...document.querySelectorAll(`.djs-overlays[data-container-id='${id}'] "
            ".wb-badge`)].map(b => b.textContent)", element_id)

    def has_marker(self, element_id: str, marker: str) -> bool:
        return self.js("([id, m]) => wbTest.view().modeler.get('canvas').hasMarker(id, m)",
                       [element_id, marker])

    def summary(self) -> str:
        return self.page.locator(".wb-summary").inner_text()

    def missing_translations(self) -> list[str]:
        return self.js("() => [...window.werkbenchModeler.missingTranslations]")

    def save(self) -> str:
        """Click Speichern; returns the status text once the kernel answered."""
        self.page.locator(".wb-modeler .wb-save").click()
        self.page.wait_for_function(
            "() => /wb-status-(saved|error)/.test(document.querySelector('.wb-status').className)",
            timeout=60_000)
        return self.page.locator(".wb-status").inner_text()

    def round_trips(self, element_ids: list[str]) -> list[dict[str, float]]:
        """Edit the minutes of each element in the panel; the timings of each round trip."""
        timings = []
        for number, element_id in enumerate(element_ids):
            self.set_field(element_id, "minutes", str(11 + number))
            self.wait_settled()
            last = self.js("() => wbTest.view().timings.at(-1)")
            assert self.badges(element_id)[0] == f"{11 + number} Min."
            timings.append(last)
        return timings


def median(timings: list[dict[str, float]], key: str = "total_ms") -> float:
    return statistics.median(t[key] for t in timings if t.get(key) is not None)
