"""The shipped example's reports on paper (issue 14, item 3): every text of every map and chart
at least 7 pt at print size, the IST/SOLL maps as print drawings inside their sections, the
Kommune report of every member on at most 12 A4 pages with every section heading and every
name of every printed map in the PDF. Real batch, real Chromium PDFs, measured with poppler
(pdfinfo, pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from workbench.bpmn.model import Activity, Event, Gateway
from workbench.cli import main
from workbench.maps.scene import build_scene
from workbench.report_content.mapparts import MIN_PRINT_PT
from workbench.report_content.printed_map import PORTRAIT_WIDTH_PT
from workbench.reports.pdf import find_chromium

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(find_chromium() is None or shutil.which("pdfinfo") is None,
                                 reason="Chromium und poppler-utils (pdfinfo) nötig")]

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
                 "--alle", "--format", "html,pdf", "--ohne-fortschritt"]) == 0
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
        room = PORTRAIT_WIDTH_PT
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
    maps = [s for s in measured[f"{LILIENTHAL}.html"] if "Zeile" in s[0]]
    assert len(maps) >= 20  # five comparison maps, IST and SOLL in several rows each
    assert any("Eingesparte Stunden" in what for what, _ in measured["verbund.html"])


def _pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def _pdf_text(pdf: Path, first: int = 1, last: int = 999) -> str:
    return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), "-layout", str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout


def _squeeze(text: str) -> str:
    """Text without blanks and hyphens (a name wrapped or hyphenated over lines matches)."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def test_every_kommune_pdf_fits_12_pages_with_every_heading(printed: Path) -> None:
    """19 (later 42) pages, maps at 4 pt or on 31 landscape pages: every Kommune report of the
    example fits 12 A4 portrait pages, and every section heading of its HTML is in the PDF."""
    pdfs = sorted(printed.glob("0*.pdf"))
    assert len(pdfs) == 8  # seven members and the Landkreis
    for pdf in pdfs:
        pages = _pdf_pages(pdf)
        assert len(pages) <= 12, f"{pdf.name}: {len(pages)} Seiten"
        assert all(h > w for w, h in pages), pdf.name
        text = " ".join(_pdf_text(pdf).split())
        page = lxml.html.fromstring(pdf.with_suffix(".html").read_bytes())
        headings = [" ".join(h.text_content().split()) for h in page.iter("h1", "h2", "h3")]
        assert len(headings) >= 15, pdf.name
        for heading in headings:
            assert heading in text, f"{pdf.name}: {heading}"


def test_every_name_of_every_printed_map_is_in_the_pdf(printed: Path) -> None:
    """Nothing lost in the denser print drawing: every step, event and decision name and every
    flow label of IST and SOLL of the Kommune's top Leistungen is in the PDF text. Read in the
    order it is drawn (``pdftotext -raw``): a label moved beside another text
    (``maps.print_labels``) would otherwise be interleaved with it line by line."""
    from workbench.report_content import kommune, load_context

    ctx = load_context(printed.parent / "processes")
    for key, name in ((LILIENTHAL.split("_")[0], LILIENTHAL),
                      ("033565401", "033565401_samtgemeinde-hambergen")):
        pdf = printed / f"{name}.pdf"
        text = _squeeze(subprocess.run(["pdftotext", "-raw", str(pdf), "-"],
                                       capture_output=True, text=True, check=True).stdout)
        names = []
        for r in kommune.top_rows(ctx, key).itertuples():
            for model in (ctx.repo.model(r.leistung, "ist", key), ctx.repo.model(r.leistung,
                                                                                  "soll")):
                names += [n.name for n in model.flow_nodes()
                          if isinstance(n, (Activity, Event, Gateway)) and n.name.strip()]
                names += [f.element.name for f in build_scene(model).flows
                          if f.element is not None and getattr(f.element, "name", "").strip()]
        assert len(names) > 150
        missing = [n for n in names if _squeeze(n) not in text]
        assert not missing, f"{name}: {missing}"
        assert "Medienbrüche" in text and "SolesensichdieKarten" in text


def test_no_half_empty_portrait_pages(printed: Path) -> None:
    """Sections kept together, but no page left half empty by a forced break: every page but
    the last is at least half full of text lines (a map row counts with its step names)."""
    pdf = printed / f"{LILIENTHAL}.pdf"
    pages = _pdf_pages(pdf)
    for i in range(len(pages) - 1):
        lines = [ln for ln in _pdf_text(pdf, i + 1, i + 1).splitlines() if ln.strip()]
        assert len(lines) >= 25, f"Seite {i + 1}: nur {len(lines)} Zeilen"
