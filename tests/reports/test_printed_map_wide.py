"""A collaboration whose expanded sub-processes cannot be cut into rows (MIWG B.2.0: four pools,
sub-processes nested over five of its fourteen columns; the print drawing draws it as one row of
1,818 pt): on paper the row is printed in tiles no wider than the page, at full size (every text
7 pt), and the map says so. Before, the row widened the page (Chromium then shrank everything on
it and lost the names beyond its right edge), then it was scaled to 30 % (2-pt text). Real
Chromium PDF, measured with poppler."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MIWG
from workbench import bpmn
from workbench.maps import highlights_for
from workbench.maps.print_layout import PrintDrawer
from workbench.maps.print_tiles import tiles
from workbench.report_content.printed_map import PORTRAIT_WIDTH_PT, ROW_WIDTH_PT, figure
from workbench.reports.pdf import find_chromium, html_to_pdf
from workbench.reports.style import REPORT_CSS


def _drawing() -> tuple[bpmn.Definitions, dict, list[float]]:
    model = bpmn.read(MIWG / "B.2.0.bpmn")
    drawer = PrintDrawer(ROW_WIDTH_PT)
    drawer.add(model, highlights_for(model), label="IST")
    found = drawer.finish()
    data = {"sections": [{"label": s.label, "roles": list(s.roles),
                          "rows": [r.svg for r in s.rows]} for s in found.sections],
            "notes": found.notes, "subtitle": ""}
    return model, data, [r.width for s in found.sections for r in s.rows]


def test_a_row_wider_than_the_page_is_printed_in_tiles_at_full_size() -> None:
    _, data, widths = _drawing()
    wide = [n for n, w in enumerate(widths, 1) if w > PORTRAIT_WIDTH_PT]
    assert wide, widths
    html = figure(data, "Karte 1: B.2.0", "IST")
    row = data["sections"][0]["rows"][wide[0] - 1]
    pieces = tiles(row, PORTRAIT_WIDTH_PT)
    assert len(pieces) >= 3  # 1,818 pt on a 550-pt page
    assert f"IST, Zeile {wide[0]}: in {len(pieces)} Teilen nebeneinander zu lesen" in html
    boxes = [[float(v) for v in re.search(r'viewBox="([^"]+)"', p).group(1).split()]
             for p in pieces]
    sizes = [float(re.search(r'width="([\d.]+)pt"', p).group(1)) for p in pieces]
    assert all(size <= PORTRAIT_WIDTH_PT for size in sizes)
    whole = [float(v) for v in re.search(r'viewBox="([^"]+)"', row).group(1).split()]
    assert boxes[0][0] == pytest.approx(whole[0], abs=0.01)  # from the left edge …
    assert boxes[-1][0] + boxes[-1][2] == pytest.approx(whole[0] + whole[2], abs=0.02)  # … to the right
    for (x1, _, w1, _), (x2, _, _, _) in itertools.pairwise(boxes):
        assert x2 <= x1 + w1 + 0.01  # no gap between tiles (they may overlap)
    for size, box in zip(sizes, boxes, strict=True):
        assert box[2] / size == pytest.approx(1.0, abs=0.01)  # 1 unit = 1 pt: not scaled


@pytest.mark.skipif(find_chromium() is None or shutil.which("pdftotext") is None,
                    reason="Chromium und poppler-utils nötig")
def test_on_paper_every_name_is_on_the_page(tmp_path: Path) -> None:
    model, data, _ = _drawing()
    page = (f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><style>{REPORT_CSS}"
            f"</style></head><body>{figure(data, 'Karte 1: B.2.0', 'IST')}</body></html>")
    pdf = tmp_path / "karte.pdf"
    pdf.write_bytes(html_to_pdf(page.encode()))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    page_width = float(bbox.split('<page width="')[1].split('"')[0])
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    assert right <= page_width, f"Text bis {right:.0f} pt auf einer {page_width:.0f} pt breiten Seite"
    names = {" ".join(el.name.split()) for el in model.activities()
             if el.name and len(el.name) < 20}
    missing = sorted(n for n in names if n not in text)
    assert not missing, missing  # before: "Task 5" and others cut off at the right edge
    assert page_width > PORTRAIT_WIDTH_PT
    # the names are printed at full size: a word of 7-pt text is about 7-9 pt high (scaled to
    # the page as before, 2-3 pt)
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Task</word>', bbox)
    heights = [float(b) - float(a) for a, b in words]
    assert heights and min(heights) >= 6.0, heights
