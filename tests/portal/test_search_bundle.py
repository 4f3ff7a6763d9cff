"""The shipped MiniSearch script is exactly the lockfile's package (js/portal), and the portal's
own scripts load nothing from the network."""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from tests.conftest import ROOT

JS = ROOT / "js" / "portal"
STATIC = Path(str(resources.files("workbench.portal").joinpath("static")))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                    reason="Node.js/npm fehlen (make test-packages installiert sie)")
def test_shipped_search_is_the_lockfile_build(tmp_path: Path) -> None:
    if not (JS / "node_modules" / "minisearch").is_dir():
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(JS)],
                              capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    done = subprocess.run(["node", str(JS / "build.mjs"), str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False, cwd=JS)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("minisearch.js", "minisearch-LICENSE.txt"):
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), (
            f"{name} weicht vom Lockfile ab: `make js` kopiert es neu")


def test_portal_scripts_fetch_nothing() -> None:
    own = (STATIC / "portal.js").read_text(encoding="utf-8")
    for needle in ("fetch(", "XMLHttpRequest", "import(", "http://", "https://", "innerHTML",
                   "eval(", "Worker("):
        assert needle not in own, needle
    library = (STATIC / "minisearch.js").read_text(encoding="utf-8")
    for needle in ("XMLHttpRequest", "import(", "sourceMappingURL", "eval(", "Worker(",
                   "window.fetch", "globalThis.fetch", "self.fetch"):
        assert needle not in library, needle  # (its `fetch` is a method of its own map)
    assert "MIT" in (STATIC / "minisearch-LICENSE.txt").read_text(encoding="utf-8")


def test_portal_ships_the_modeler_viewer_bundle(built) -> None:
    from workbench.portal.build import VIEWER_STATIC
    from workbench.widgets.modeler import VIEWER_CSS, VIEWER_JS

    site, _ = built
    assert VIEWER_JS.parent == VIEWER_STATIC
    assert (site / "assets" / "bpmn-viewer.js").read_bytes() == VIEWER_JS.read_bytes()
    assert (site / "assets" / "bpmn-viewer.css").read_bytes() == VIEWER_CSS.read_bytes()
