"""Advance widths of DejaVu Sans, the font every map is drawn and printed in, read from the
font file (its TrueType tables, fontTools for any other layout) instead of estimated per
character.

The system copy (``fonts-dejavu``, the one Chromium prints with) is preferred; matplotlib's
bundled copy is the fallback. Without either, widths fall back to :data:`FALLBACK_EM` per
character – a generous estimate, so a layout never falls short.
"""

from __future__ import annotations

import importlib.util
import struct
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
    data = path.read_bytes()
    found = read_metrics(data)
    return found if found is not None else _metrics_by_fonttools(path)


def read_metrics(data: bytes) -> tuple[dict[int, int], int, int] | None:
    """Advance width per code point, units per em and the space's advance, read straight from
    the TrueType tables (``head``, ``hhea``, ``hmtx`` and the Unicode ``cmap`` subtable of
    format 12, the one fontTools' ``getBestCmap`` picks first): what :func:`_metrics_by_fonttools`
    reads, without importing and decoding fontTools' tables (most of a map kernel's font cost).
    None for any other font layout."""
    try:
        count = struct.unpack_from(">H", data, 4)[0]
        tables = {data[12 + 16 * i:16 + 16 * i]: struct.unpack_from(">II", data, 20 + 16 * i)
                  for i in range(count)}
        head, hhea, hmtx, cmap = (tables[t][0] for t in (b"head", b"hhea", b"hmtx", b"cmap"))
        em = struct.unpack_from(">H", data, head + 18)[0]
        metrics_count = struct.unpack_from(">H", data, hhea + 34)[0]
        advances = struct.unpack_from(f">{2 * metrics_count}H", data, hmtx)[0::2]
        subtables = struct.unpack_from(">H", data, cmap + 2)[0]
        offset = None
        for i in range(subtables):
            platform, encoding, at = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
            if (platform, encoding) == (3, 10):
                offset = cmap + at
        if offset is None or struct.unpack_from(">H", data, offset)[0] != 12:
            return None
        groups = struct.unpack_from(">I", data, offset + 12)[0]
        widths: dict[int, int] = {}
        last = advances[-1]
        for start, end, glyph in struct.iter_unpack(">III",
                                                    data[offset + 16:offset + 16 + 12 * groups]):
            for code in range(start, end + 1):
                gid = glyph + code - start
                widths[code] = advances[gid] if gid < metrics_count else last
    except (struct.error, KeyError, IndexError):
        return None
    if 32 not in widths:
        return None
    return widths, em, widths[32]


def _metrics_by_fonttools(path: Path) -> tuple[dict[int, int], int, int]:
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
