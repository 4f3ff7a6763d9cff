"""The shipped bpmn-js bundle is exactly what the lockfile builds (see
docs/decisions/modellierer-bpmn-js-bundle.md): ``npm ci`` in js/, build into a temporary folder,
compare byte for byte."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbench.widgets.modeler import STATIC

JS = ROOT / "js"
pytestmark = pytest.mark.slow


def _npm_ci() -> None:
    if (JS / "node_modules" / "esbuild").is_dir() and (JS / "node_modules" / "bpmn-js").is_dir():
        return
    done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(JS)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                    reason="Node.js/npm fehlen (make test-packages installiert sie)")
def test_shipped_bundle_is_the_lockfile_build(tmp_path: Path) -> None:
    _npm_ci()
    done = subprocess.run(["node", str(JS / "build.mjs"), str(tmp_path)], capture_output=True,
                          text=True, timeout=300, check=False, cwd=JS)
    assert done.returncode == 0, done.stderr[-2000:]
    built = sorted(p.name for p in tmp_path.iterdir())
    shipped = sorted(p.name for p in STATIC.iterdir())
    assert built == shipped == ["THIRD-PARTY-LICENSES.txt", "bpmn-modeler.css", "bpmn-modeler.js",
                                "bpmn-viewer.css", "bpmn-viewer.js"]
    for name in built:
        assert (tmp_path / name).read_bytes() == (STATIC / name).read_bytes(), (
            f"{name} weicht vom Lockfile-Build ab: `make js` baut es neu")


def test_bundle_loads_nothing_from_the_network() -> None:
    """No CDN: the bundles reference no http(s) resource to fetch (links in licence texts and
    the bpmn.io watermark's link target are not loads)."""
    for name in ("bpmn-modeler.css", "bpmn-viewer.css"):
        css = (STATIC / name).read_text(encoding="utf-8")
        assert "url(http" not in css.replace(" ", "") and "@import" not in css
    for name in ("bpmn-modeler.js", "bpmn-viewer.js"):
        js = (STATIC / name).read_text(encoding="utf-8")
        for needle in ("cdn.", "unpkg.com", "jsdelivr", "import(\"http", "import('http"):
            assert needle not in js, (name, needle)
