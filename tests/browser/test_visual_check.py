"""The visual check script (tools/visual_check.py) on a small subset: one Kommune's reports and
two MIWG maps, rendered for real (papermill, Chromium, pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PIL import Image

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm fehlt")]


def _not_blank(path) -> bool:
    """More than 1 % of the pixels are not white."""
    with Image.open(path) as image:
        gray = image.convert("L")
        dark = sum(gray.histogram()[:240])
        return dark > 0.01 * gray.width * gray.height


def test_visual_check_on_a_subset(tmp_path) -> None:
    out = tmp_path / "visual"
    out.mkdir()
    (out / "index.md").write_text("# alt\n\n## Befunde\n\n- von Hand notiert\n", "utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "visual_check.py"), "--out", str(out),
         "--kommune", "033560005", "--ohne-verbund", "--modelle", "A.1.0", "C.2.0"],
        cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    full = out / "voll"

    screens = sorted((full / "berichte").glob("033560005_lilienthal-bildschirm-*.png"))
    assert len(screens) >= 3  # a report is longer than one screen
    pages = sorted((full / "berichte").glob("033560005_lilienthal-seite-*.png"))
    assert len(pages) >= 2
    for shot in screens:
        with Image.open(shot) as image:
            assert image.size == (1920, 1080)
    for page in pages:  # A4: the text in portrait, the map appendix in landscape
        with Image.open(page) as image:
            long, short = max(image.size), min(image.size)
            assert abs(long / short - 297 / 210) < 0.02
    with Image.open(pages[0]) as image:
        assert image.height > image.width  # the report starts in portrait
    assert _not_blank(screens[0]) and _not_blank(pages[0])

    for style in ("auto", "di"):
        for model in ("A.1.0", "C.2.0"):
            shot = full / "karten" / f"{model}-{style}-bildschirm.png"
            page = full / "karten" / f"{model}-{style}-seite-01.png"
            with Image.open(shot) as image:
                assert image.size == (1920, 1080)
            with Image.open(page) as image:
                assert abs(image.width / image.height - 297 / 210) < 0.02  # A4 landscape
            assert _not_blank(shot) and _not_blank(page)
        for kind in ("bildschirm", "a4-quer"):  # map pages are landscape
            sheet = out / "karten" / f"karten-{style}-{kind}.png"
            assert sheet.stat().st_size > 1000

    for suffix in ("bildschirm", "a4"):  # the report: all portrait, its maps as print drawings
        assert (out / "berichte" / f"033560005_lilienthal-{suffix}.png").stat().st_size > 1000
    assert not (out / "berichte" / "033560005_lilienthal-a4-quer.png").exists()
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "033560005_lilienthal" in index and "karten-di" in index
    assert index.endswith("## Befunde\n\n- von Hand notiert\n") and "# alt" not in index
