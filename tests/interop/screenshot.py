"""Render an example model with the real bpmn-js viewer and save the PNG for the documentation.

Run from the project root (needs node_modules: ``npm ci --prefix tests/interop``):

    .venv/bin/python tests/interop/screenshot.py [MODELL.bpmn] [ZIEL.png]

Default: processes/hundeanmeldung/ist.bpmn → docs/bilder/bpmnjs-hundeanmeldung-ist.png
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.interop.harness import Unavailable, open_viewer  # noqa: E402

MODEL = ROOT / "processes" / "hundeanmeldung" / "ist.bpmn"
TARGET = ROOT / "docs" / "bilder" / "bpmnjs-hundeanmeldung-ist.png"


def render(model: Path = MODEL, target: Path = TARGET, scale: float = 1.0) -> Path:
    """Import ``model`` into bpmn-js and save a screenshot of the whole diagram as ``target``."""
    with open_viewer(scale=scale) as viewer:
        result = viewer.load(model.read_text(encoding="utf-8"))
        if result.error or result.warnings:
            raise RuntimeError(f"bpmn-js meldet für {model}: {result.error or ''} {result.warnings}")
        return viewer.screenshot(target)


def main(argv: list[str]) -> int:
    model = Path(argv[0]) if argv else MODEL
    target = Path(argv[1]) if len(argv) > 1 else TARGET
    try:
        path = render(model, target)
    except Unavailable as exc:
        print(f"Kein Bildschirmfoto: {exc}", file=sys.stderr)
        return 2
    print(f"Gespeichert: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
