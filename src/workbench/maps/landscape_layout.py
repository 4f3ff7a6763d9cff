"""Layout of the Prozesslandkarte: which Fachbereiche share a row band and how many tiles a
cell holds per row, chosen so the poster has a near-A-format aspect ratio.

The sizes are estimates in points of the graphviz table ``landscape.py`` writes; the chosen
layout is checked against the real drawing there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

A_RATIO = math.sqrt(2)  # the A paper formats: long side / short side
RATIO_RANGE = (1.2, 1.6)  # accepted long side / short side
TILE_W, TILE_H = 135.0, 66.0  # a tile with its cell spacing
CELL_PAD = 28.0  # padding, border and spacing of a Fachbereich cell around its tiles
HEAD_W, HEAD_H = 150.0, 50.0  # the column with the process types; a Fachbereich header
EMPTY_H = 40.0  # a process-type row without tiles in this band
TITLE_H, SUBTITLE_H, LEGEND_ROW_H, BAND_GAP = 40.0, 20.0, 30.0, 16.0
LEGEND_ENTRY_W = 135.0
MAX_PER_ROW = 6


@dataclass(frozen=True)
class Grid:
    """Fachbereiche of each row band, tiles per row inside a cell, legend entries per row."""

    bands: tuple[tuple[str, ...], ...]
    per_row: int
    legend_per_row: int
    width: float
    height: float

    @property
    def ratio(self) -> float:
        """Long side / short side."""
        return max(self.width, self.height) / min(self.width, self.height)


def ratio_ok(width: float, height: float) -> bool:
    """True when width × height is within :data:`RATIO_RANGE` (either orientation)."""
    ratio = max(width, height) / min(width, height)
    return RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]


def _column_width(counts: Mapping[str, int], per_row: int, header_chars: int) -> float:
    widest = max((min(n, per_row) for n in counts.values()), default=1)
    return max(widest * TILE_W + CELL_PAD, min(header_chars, 18) * 8.5 + 24, TILE_W + CELL_PAD)


def _split(widths: Sequence[float], parts: int) -> list[int]:
    """Contiguous split of ``widths`` into ``parts`` groups with the smallest widest group;
    returns the sizes of the groups."""
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(parts + 1)]
    cut = [[0] * (n + 1) for _ in range(parts + 1)]
    best[0][0] = 0.0
    for k in range(1, parts + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                value = max(best[k - 1][j], prefix[i] - prefix[j])
                if value < best[k][i]:
                    best[k][i], cut[k][i] = value, j
    sizes, i = [], n
    for k in range(parts, 0, -1):
        sizes.append(i - cut[k][i])
        i = cut[k][i]
    return sizes[::-1]


def estimate(columns: Sequence[str], types: Sequence[str],
             counts: Mapping[tuple[str, str], int], parts: int, per_row: int,
             legend_entries: int, subtitle: bool) -> Grid:
    """The estimated poster size of one layout."""
    widths = [_column_width({t: counts.get((t, c), 0) for t in types}, per_row, len(c))
              for c in columns]
    sizes = _split(widths, parts)
    bands, start, band_w, height = [], 0, [], 0.0
    for size in sizes:
        band = tuple(columns[start:start + size])
        band_w.append(HEAD_W + sum(widths[start:start + size]) + 8 * (size + 1))
        rows = 0.0
        for kind in types:
            lines = max(math.ceil(counts.get((kind, c), 0) / per_row) for c in band)
            rows += lines * TILE_H + CELL_PAD if lines else EMPTY_H
        height += HEAD_H + rows + BAND_GAP
        bands.append(band)
        start += size
    width = max(band_w)
    legend_per_row = max(1, min(legend_entries, int((width - 40) // LEGEND_ENTRY_W)))
    legend_rows = 1 + math.ceil(legend_entries / legend_per_row) if legend_entries else 0
    height += TITLE_H + (SUBTITLE_H if subtitle else 0) + legend_rows * LEGEND_ROW_H + 40
    return Grid(tuple(bands), per_row, legend_per_row, width + 40, height)


def candidates(columns: Sequence[str], types: Sequence[str],
               counts: Mapping[tuple[str, str], int], legend_entries: int,
               subtitle: bool) -> list[Grid]:
    """All layouts, best first: landscape near √2 and compact before the others."""
    grids = [estimate(columns, types, counts, parts, per_row, legend_entries, subtitle)
             for parts in range(1, len(columns) + 1) for per_row in range(1, MAX_PER_ROW + 1)]

    def score(grid: Grid) -> tuple[float, float]:
        off = abs(math.log(grid.ratio / A_RATIO))
        portrait = 0.15 if grid.height > grid.width else 0.0
        inside = 0.0 if RATIO_RANGE[0] + 0.05 <= grid.ratio <= RATIO_RANGE[1] - 0.05 else 1.0
        return (inside + portrait, round(off, 1), grid.width * grid.height)

    unique = {(g.bands, g.per_row): g for g in grids}
    return sorted(unique.values(), key=score)
