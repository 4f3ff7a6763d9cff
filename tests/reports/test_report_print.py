"""The shipped example's reports on paper (issue 14, item 3): every text of every map and chart
at least 7 pt at print size, maps on A4 landscape pages, sections kept together, the Kommune
report body on at most 12 pages with every section in the PDF. Real batch, real Chromium PDFs,
measured with poppler (pdfinfo, pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from workbench.cli import main
from workbench.report_content.mapparts import LANDSCAPE_WIDTH_PT, MIN_PRINT_PT
from workbench.reports.pdf import find_chromium

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(find_chromium() is None or shutil.which("pdfinfo") is None,
                                 reason="Chromium und poppler-utils (pdfinfo) nötig")]

#: Printable width of the A4 portrait page of the report stylesheet (210 mm − 2 × 11 mm).
PORTRAIT_WIDTH_PT = (210 - 2 * 11) * 72 / 25.4
UNITS_PT = {"pt": 1.0, "px": 0.75, "": 0.75, "mm": 72 / 25.4, "cm": 720 / 25.4, "in": 72.0}
LILIENTHAL = "033560005_lilienthal"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import EXAMPLE

    base = tmp_path_factory.mktemp("druck")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    out = base / "reports"
    assert main(["report", "--repository", str(kb), "--out", str(out), "--jobs", "2",
                 "--kommune", "033560005", "033565401", "--verbund", "--format", "html,pdf",
                 "--ohne-fortschritt"]) == 0
    return out


def _length_pt(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([\d.]+)\s*(pt|px|mm|cm|in|)\s*", value or "")
    return float(match.group(1)) * UNITS_PT[match.group(2)] if match else None


def _font_sizes(element: lxml.html.HtmlElement) -> list[float]:
    sizes = []
    for el in element.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("font-size"):
            sizes.append(float(re.sub(r"[a-z]+$", "", el.get("font-size"))))
        style = re.search(r"font-size:\s*([\d.]+)", el.get("style") or "")
        if style:
            sizes.append(float(style.group(1)))
        font = re.search(r"font:\s*(?:bold\s+)?([\d.]+)px", el.get("style") or "")
        if font:
            sizes.append(float(font.group(1)))
    return sizes


def printed_text_sizes(page: lxml.html.HtmlElement) -> list[tuple[str, float]]:
    """(what, smallest printed text size in pt) of every SVG that is printed: font size × the
    printed width ÷ the viewBox width; a map part shows the shared map content through <use>."""
    by_id = {el.get("id"): el for el in page.iter() if isinstance(el.tag, str) and el.get("id")}
    out = []
    for svg in page.iter("svg", "{http://www.w3.org/2000/svg}svg"):
        ancestors = [svg, *svg.iterancestors()]
        classes = " ".join(a.get("class") or "" for a in ancestors).split()
        if "nur-bildschirm" in classes or "karten-vorrat" in classes:
            continue
        view = [float(v) for v in re.findall(r"-?[\d.]+", svg.get("viewbox") or
                                            svg.get("viewBox") or "")]
        assert len(view) == 4, "SVG ohne viewBox"
        room = LANDSCAPE_WIDTH_PT if "kartenanhang" in classes else PORTRAIT_WIDTH_PT
        width = min(_length_pt(svg.get("width")) or room, room)
        scale = width / view[2]
        sizes = _font_sizes(svg)
        for use in svg.iter("use", "{http://www.w3.org/2000/svg}use"):
            ref = (use.get("href") or use.get("xlink:href") or "").lstrip("#")
            if ref in by_id:
                sizes += _font_sizes(by_id[ref])
        title = svg.find(".//title")
        what = title.text_content() if title is not None else " ".join(svg.text_content().split())
        if sizes:
            out.append((what, min(sizes) * scale))
    return out


def test_every_printed_text_is_at_least_7_pt(printed: Path) -> None:
    """Maps printed at about 4 pt, heatmap numbers too small: every text of every printed map
    and chart of the Kommune and Verbund reports measures at least 7 pt at print size."""
    measured = {}
    for name in (f"{LILIENTHAL}.html", "033565401_samtgemeinde-hambergen.html", "verbund.html"):
        page = lxml.html.fromstring((printed / name).read_bytes())
        sizes = printed_text_sizes(page)
        small = [(what, round(pt, 2)) for what, pt in sizes if pt < MIN_PRINT_PT - 0.01]
        assert not small, f"{name}: {small}"
        measured[name] = sizes
    maps = [s for s in measured[f"{LILIENTHAL}.html"] if "Seite" in s[0]]
    assert len(maps) >= 10  # five comparison maps, each in several printed parts
    assert any("Eingesparte Stunden" in what for what, _ in measured["verbund.html"])


def _pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def _pdf_text(pdf: Path, first: int = 1, last: int = 999) -> str:
    return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), "-layout", str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout


def test_kommune_pdf_body_fits_12_pages_maps_in_landscape(printed: Path) -> None:
    """19 (later 30) mostly half-empty pages: the report body now fits 12 A4 portrait pages,
    followed by the maps on A4 landscape pages; every section heading of the HTML is in the
    PDF text and the maps' text is in the landscape pages."""
    pdf = printed / f"{LILIENTHAL}.pdf"
    pages = _pdf_pages(pdf)
    portrait = [i for i, (w, h) in enumerate(pages) if h > w]
    landscape = [i for i, (w, h) in enumerate(pages) if w > h]
    assert len(portrait) <= 12, f"{len(portrait)} Hochformatseiten"
    assert landscape and min(landscape) > max(portrait)  # the map appendix comes last
    text = " ".join(_pdf_text(pdf).split())
    page = lxml.html.fromstring((printed / f"{LILIENTHAL}.html").read_bytes())
    headings = [" ".join(h.text_content().split()) for h in page.iter("h1", "h2", "h3")]
    assert len(headings) >= 15
    for heading in headings:
        assert heading in text, heading
    maps = " ".join(_pdf_text(pdf, min(landscape) + 1, max(landscape) + 1).split())
    for n, title in enumerate(h for h in headings if re.match(r"\d+\. ", h)):
        assert f"Karte {n + 1}: {title.split('. ', 1)[1]}" in maps
    assert "IST" in maps and "SOLL" in maps and "Legende" in maps


def test_no_half_empty_portrait_pages(printed: Path) -> None:
    """Sections kept together, but no page left half empty by a forced break: every portrait
    page of the body but the last is at least half full of text lines."""
    pdf = printed / f"{LILIENTHAL}.pdf"
    pages = _pdf_pages(pdf)
    portrait = [i for i, (w, h) in enumerate(pages) if h > w]
    for i in portrait[:-1]:
        lines = [ln for ln in _pdf_text(pdf, i + 1, i + 1).splitlines() if ln.strip()]
        assert len(lines) >= 25, f"Seite {i + 1}: nur {len(lines)} Zeilen"
