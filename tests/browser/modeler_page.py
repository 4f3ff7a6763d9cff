"""Driving the modeler widget in a real page: diagram ↔ screen coordinates, palette drags,
context-pad connections, the side panel, and waiting for the kernel's overlays."""

from __future__ import annotations

from typing import Any

_VIEW = "window.werkbenchModeler.views[0]"
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
  ids: type => window.wbTest.registry().filter(e => e.type === type).map(e => e.id),
  byName: (type, prefix) => window.wbTest.registry().filter(
    e => e.type === type && (e.businessObject.name || '').startsWith(prefix)).map(e => e.id),
  bounds: id => { const e = window.wbTest.registry().get(id);
                  return { x: e.x, y: e.y, width: e.width, height: e.height }; },
  settled: () => { const v = window.wbTest.view();
                   return v.seq === v.sentSeq
                     && (v.seq === 0 || v.root.dataset.analysisSeq === String(v.seq)); }
};
"""


class ModelerPage:
    """One Voilà page showing ``notebooks/00_modellierer.ipynb``."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, url: str) -> ModelerPage:
        self.page.goto(url, timeout=120_000)
        self.page.wait_for_function(
            "() => window.werkbenchModeler && window.werkbenchModeler.views.length"
            " && window.werkbenchModeler.views[0].root.dataset.imported", timeout=120_000)
        self.page.evaluate(_JS_HELPERS)
        return self

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

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
        self.page.mouse.click(*self.center(element_id))

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

    def wait_settled(self, timeout: float = 60_000) -> None:
        """Until the kernel's analysis of the latest canvas edit is shown."""
        self.page.wait_for_function("() => wbTest.settled()", timeout=timeout)

    def badges(self, element_id: str) -> list[str]:
        return self.js(
            "id => [...document.querySelectorAll(`.djs-overlays[data-container-id='${id}'] "
            ".wb-badge`)].map(b => b.textContent)", element_id)

    def has_marker(self, element_id: str, marker: str) -> bool:
        return self.js(
            "([id, m]) => wbTest.view().modeler.get('canvas').hasMarker(id, m)",
            [element_id, marker])

    def summary(self) -> str:
        return self.page.locator(".wb-summary").inner_text()
