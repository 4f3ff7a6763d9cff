"""A collaboration whose expanded sub-processes cannot be cut into rows (MIWG B.2.0: four pools,
sub-processes nested over five of its fourteen columns; the print drawing draws it as one row of
1,818 pt): on paper the row is scaled to the page and the map says so under it, instead of
widening the page (Chromium then shrank everything on it) and losing the names beyond its right
edge. Real Chromium PDF, measured with poppler."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import MIWG
from workbench import bpmn
from workbench.maps import highlights_for
from workbench.maps.print_layout import PrintDrawer
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


def test_a_row_wider_than_the_page_says_how_much_it_is_scaled() -> None:
    _, data, widths = _drawing()
    wide = [n for n, w in enumerate(widths, 1) if w > ROW_WIDTH_PT + 0.5]
    assert wide, widths
    html = figure(data, "Karte 1: B.2.0", "IST")
    for n in wide:
        share = PORTRAIT_WIDTH_PT / widths[n - 1] * 100
        assert f"IST, Zeile {n}: auf {share:.0f} % verkleinert" in html


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
