"""SVG, PNG, PDF and DOT output."""

from __future__ import annotations

import pytest

from workbench.maps import ExportUnavailable, Map, auto_map, converters, di_map
from workbench.maps import export as ex

from .conftest import needs_dot

PNG = b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_graphviz_map_saves_all_formats(tmp_path, ist):
    result = auto_map(ist)
    for suffix in ("svg", "png", "pdf", "dot"):
        path = result.save(tmp_path / f"karte.{suffix}")
        assert path.stat().st_size > 100
    assert (tmp_path / "karte.png").read_bytes().startswith(PNG)
    assert (tmp_path / "karte.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "karte.svg").read_text(encoding="utf-8").startswith("<svg")


@needs_dot
def test_png_and_pdf_are_deterministic(ist):
    result = auto_map(ist)
    assert result.to_png() == result.to_png()
    assert result.to_pdf() == result.to_pdf()


def test_pdf_dates_are_fixed():
    data = b"%PDF-1.5\n<< /CreationDate (D:20240601120000+02'00') >>"
    fixed = ex.fix_pdf_dates(data)
    assert len(fixed) == len(data) and b"20240601" not in fixed


def test_unknown_format(tmp_path, ist):
    with pytest.raises(ValueError, match="Ausgabeformat"):
        di_map(ist).save(tmp_path / "karte.gif")


def test_di_map_has_no_dot(tmp_path, ist):
    with pytest.raises(ValueError, match="Graphviz"):
        di_map(ist).save(tmp_path / "karte.dot")


def test_svg_to_png_without_converter(monkeypatch):
    monkeypatch.setattr(ex, "converters", lambda: [])
    with pytest.raises(ExportUnavailable, match="librsvg2-bin"):
        ex.svg_to_png('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')


def test_svg_size_in_pixels():
    assert ex.svg_size('<svg width="72pt" height="36pt">') == (96.0, 48.0)
    assert ex.svg_size('<svg width="100" height="50">') == (100.0, 50.0)


@pytest.mark.slow
@pytest.mark.skipif(not converters(), reason="kein SVG-Konverter installiert")
def test_di_map_to_png_and_pdf(tmp_path, ist):
    result = di_map(ist)
    assert result.to_png().startswith(PNG)
    assert result.to_pdf().startswith(b"%PDF")


def test_map_object_repr():
    result = Map(svg="<svg/>", title="x")
    assert result._repr_svg_() == "<svg/>" and str(result) == "<svg/>"
