"""`workbench map … -o karte.pdf`: A4 landscape pages printed by Chromium, measured in the PDF
itself (pdftotext word boxes): a large MIWG map becomes an overview and parts „Teil i von n“
with no text under 7 pt, a small one stays one page; same inputs, same bytes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.maps.conftest import REFERENCE, needs_dot
from tests.maps.test_cli import run
from workbench.reports.pdf import find_chromium

pytestmark = [needs_dot, pytest.mark.skipif(
    find_chromium() is None or shutil.which("pdftotext") is None,
    reason="Chromium oder pdftotext (poppler-utils) fehlt")]
#: Height of a word box of DejaVu Sans in em (ascent + descent as pdftotext reports them).
BOX_EM = 1.164
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                  r"([^<]*)</word>")


def pages_of(pdf: Path) -> list[tuple[float, float, list[tuple[float, str]]]]:
    """Per page: width, height (pt) and the words with their font size (pt; 99 for a word
    too short or turned to tell)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    out = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml,
                            re.DOTALL):
        words = []
        for x0, y0, x1, y1, text in WORD.findall(page.group(3)):
            height, width = float(y1) - float(y0), float(x1) - float(x0)
            measurable = len(text) >= 3 and width > height  # lane names are turned
            words.append((height / BOX_EM if measurable else 99.0, text))
        out.append((float(page.group(1)), float(page.group(2)), words))
    return out


def _text(words: list[tuple[float, str]]) -> str:
    return " ".join(w for _, w in words)


@pytest.mark.slow
@pytest.mark.parametrize(("model", "style"), [("C.5.0", "di"), ("B.2.0", "auto")])
def test_large_map_prints_in_readable_parts(tmp_path: Path, model: str, style: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """C.5.0 (di) printed at 1.9 pt and B.2.0 (auto) at 3.5 pt on one A4 page."""
    out = tmp_path / "karte.pdf"
    assert run("map", str(REFERENCE / f"{model}.bpmn"), "--stil", style, "-o", str(out)) == 0
    said = capsys.readouterr().out
    pages = pages_of(out)
    n = len(pages) - 1
    assert n >= 4 and f"{n + 1} Seiten: Übersicht und {n} Teile" in said
    for width, height, _ in pages:
        assert abs(width - 841.92) < 1 and abs(height - 594.96) < 1  # A4 landscape
    assert "Übersicht" in _text(pages[0][2])
    for number, (_, _, words) in enumerate(pages[1:], 1):
        assert f"Teil {number} von {n}" in _text(words), number
        map_words = [w for w in words if w[0] < 11]  # below the 12 pt heading line
        assert map_words, number
        smallest = min(size for size, _ in map_words)
        assert smallest >= 6.9, (number, smallest)  # 7 pt, measured in the PDF


@pytest.mark.slow
def test_small_map_one_page_and_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        assert run("map", str(REFERENCE / "A.1.0.bpmn"), "-o", str(out)) == 0
    assert first.read_bytes() == second.read_bytes()
    pages = pages_of(first)
    assert len(pages) == 1 and "Teil" not in _text(pages[0][2])
    assert min(size for size, _ in pages[0][2]) >= 6.9


def test_whole_page_option_keeps_the_natural_size(tmp_path: Path) -> None:
    out = tmp_path / "ganz.pdf"
    assert run("map", str(REFERENCE / "C.5.0.bpmn"), "--stil", "di", "--pdf-seiten", "ganz",
               "-o", str(out)) == 0
    [(width, _, _)] = pages_of(out)
    assert width > 2000  # one page the size of the map, as before


def _extents(pdf: Path) -> list[tuple[float, float, float]]:
    """Per part page (after the overview): page width and the horizontal and vertical extent
    of its words below the heading lines (pt), from pdftotext's word boxes."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    out = []
    for page in list(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xml,
                                 re.DOTALL))[1:]:
        boxes = [tuple(float(v) for v in w[:4]) for w in WORD.findall(page.group(3))]
        boxes = [b for b in boxes if b[1] > 22.7 + 34]  # below the 8 mm margin and the heading
        out.append((float(page.group(1)), max(b[2] for b in boxes) - min(b[0] for b in boxes),
                    max(b[3] for b in boxes) - min(b[1] for b in boxes)))
    return out


@pytest.mark.slow
def test_parts_fill_the_page_width(tmp_path: Path) -> None:
    """MIWG C.3.0 (auto) printed at exactly 7 pt was cut into two parts of 0.6 page width
    each; now the same two parts fill the printable width (measured in the PDF: the words of
    each part span at least 85 % of it) and the text is larger than 7 pt."""
    out = tmp_path / "karte.pdf"
    assert run("map", str(REFERENCE / "C.3.0.bpmn"), "--stil", "auto", "-o", str(out)) == 0
    extents = _extents(out)
    assert len(extents) == 2
    printable = 841.92 - 2 * 8 * 72 / 25.4
    for width, used, _ in extents:
        assert abs(width - 841.92) < 1
        assert used >= 0.85 * printable, (used, printable)
    sizes = [size for _, _, words in pages_of(out)[1:] for size, _ in words if size < 11.5]
    assert min(sizes) >= 6.9
