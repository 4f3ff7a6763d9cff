"""Advance widths of DejaVu Sans, the font every map is drawn and printed in, read from the
font file (fontTools) instead of estimated per character.

The system copy (``fonts-dejavu``, the one Chromium prints with) is preferred; matplotlib's
bundled copy is the fallback. Without either, widths fall back to :data:`FALLBACK_EM` per
character – a generous estimate, so a layout never falls short.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

#: Average glyph width of DejaVu Sans in em, used only when no font file is found.
FALLBACK_EM = 0.62
_SYSTEM = Path("/usr/share/fonts/truetype/dejavu")


def _font_file(bold: bool) -> Path | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    places = [_SYSTEM]
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        places.append(Path(next(iter(spec.submodule_search_locations))) / "mpl-data/fonts/ttf")
    return next((p / name for p in places if (p / name).is_file()), None)


@lru_cache(maxsize=2)
def _metrics(bold: bool) -> tuple[dict[int, int], int, int] | None:
    path = _font_file(bold)
    if path is None:
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    hmtx = font["hmtx"]
    widths = {code: hmtx[name][0] for code, name in font.getBestCmap().items()}
    return widths, font["head"].unitsPerEm, hmtx["space"][0]


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of ``text`` set in DejaVu Sans at ``size`` (in the units of ``size``);
    italic text is taken as wide as upright text (DejaVu Sans Oblique is slanted, not wider)."""
    metrics = _metrics(bold)
    if metrics is None:
        return len(text) * size * FALLBACK_EM
    widths, em, fallback = metrics
    return sum(widths.get(ord(c), fallback) for c in text) * size / em
