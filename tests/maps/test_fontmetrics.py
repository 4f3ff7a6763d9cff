"""The TrueType tables read directly give fontTools' advance widths for the map font."""

from __future__ import annotations

import pytest

from workbench.maps import fontmetrics


@pytest.mark.parametrize("bold", [False, True])
def test_read_metrics_is_what_fonttools_reads(bold):
    path = fontmetrics._font_file(bold)
    if path is None:
        pytest.skip("DejaVu Sans fehlt")
    found = fontmetrics.read_metrics(path.read_bytes())
    assert found is not None
    assert found == fontmetrics._metrics_by_fonttools(path)
    widths, em, space = found
    assert em == 2048 and len(widths) > 5000 and space == widths[ord(" ")]


def test_other_layouts_are_left_to_fonttools():
    assert fontmetrics.read_metrics(b"not a font") is None
    path = fontmetrics._font_file(False)
    if path is None:
        pytest.skip("DejaVu Sans fehlt")
    data = bytearray(path.read_bytes())
    data[data.index(b"cmap"):data.index(b"cmap") + 4] = b"xxxx"  # no cmap table
    assert fontmetrics.read_metrics(bytes(data)) is None


def test_text_width_in_the_units_of_the_size():
    if fontmetrics._metrics(False) is None:
        pytest.skip("DejaVu Sans fehlt")
    assert fontmetrics.text_width("Antrag prüfen", 10) == pytest.approx(69.67, abs=0.01)
    assert fontmetrics.text_width("Antrag", 10, bold=True) > fontmetrics.text_width("Antrag", 10)
