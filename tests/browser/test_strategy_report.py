"""The strategy report in a real browser: rendered by the batch, opened from disk, looked at.

Run as a script to refresh the picture in the documentation:

    .venv/bin/python tests/browser/test_strategy_report.py   → docs/bilder/bericht-strategie.png
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PICTURE = ROOT / "docs" / "bilder" / "bericht-strategie.png"


def render_strategy_report(repository: Path, out: Path) -> Path:
    """The Verbund strategy report of ``repository`` rendered by the real batch."""
    from workbench.reports.batch import jobs_for_repository, run_batch
    from workbench.reports.jobs import installed_templates
    from workbench.repository import Repository

    repo = Repository.load(repository)
    jobs = [j for j in jobs_for_repository(repo, kommunen=[], include_verbund=True,
                                           stand="2026-11-24", top_n=5,
                                           template_dir=installed_templates())
            if j.stem == "strategie"]
    result = run_batch(jobs, out_dir=out, jobs_n=1, progress=False)
    if result.exit_code:
        raise RuntimeError(result.summary())
    return out / "strategie.html"


def _look(page: object, path: Path) -> dict[str, object]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    heatmap = page.locator("figure.grafik svg").first.bounding_box()
    lights = page.locator(".ampel.rot").count()
    bars = page.locator("td div > div").count()
    return {"errors": errors, "heatmap": heatmap, "lights": lights, "bars": bars,
            "headings": page.locator("h2").all_inner_texts()}


@pytest.mark.slow
def test_strategy_report_in_the_browser(browser, tmp_path: Path) -> None:
    html = render_strategy_report(ROOT / "processes", tmp_path / "out")
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    seen = _look(page, html)
    assert seen["errors"] == []  # the CSP blocks nothing a report needs
    assert seen["headings"][:4] == ["Auf einen Blick", "Zielbaum", "Wirkungsmatrix", "OKR 2026-Q4"]
    assert seen["heatmap"]["width"] > 300 and seen["heatmap"]["height"] > 300
    assert seen["lights"] == 1  # M3: the only red light at the Stand
    assert seen["bars"] == 7  # a progress bar for each of the seven Key Results
    page.close()


def main() -> int:
    import tempfile

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        html = render_strategy_report(ROOT / "processes", Path(tmp) / "out")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1500})
        page.goto(html.as_uri())
        top = page.locator("h2", has_text="OKR 2026-Q4").bounding_box()["y"]
        page.screenshot(path=str(PICTURE), clip={"x": 0, "y": 0, "width": 1100,
                                                 "height": 1500})
        okr = PICTURE.with_name("bericht-strategie-okr.png")
        page.screenshot(path=str(okr), full_page=True,
                        clip={"x": 0, "y": top - 20, "width": 1100, "height": 1500})
        browser.close()
    print(f"Geschrieben: {PICTURE}, {okr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
