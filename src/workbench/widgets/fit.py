"""The workshop map as large as its pane: the number of columns per row chosen for the pane.

The map's own automatic wrap aims at a whole 16:9 screen; in the workshop view the map has a
pane of about 1350 × 990 px beside the editor, nearly 4:3, and a map wrapped for 16:9 showed
there at about 65–75 % of its size. Here the map is drawn with a few row counts and the one
that shows largest in the pane wins (measured on the drawn SVG, not estimated). Wraps between
the even splits count too: a row of 8 of 14 columns can show larger than 7 + 7, because the
rows' heights differ with what they hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..maps.export import svg_size
from ..maps.scene import build_scene

#: The workshop's map pane at 1920 × 1080 (CSS px): 73 % of the width less the padding, the
#: viewport height less the toolbar row (``widgets.style``: ``max-height: calc(100vh - 90px)``).
PANE_PX = (1350.0, 990.0)
MAX_ROWS = 5
#: At most this many wraps besides the map's own and one row (each is one drawing, ~50 ms).
MAX_WRAPS = 10


def shown_scale(svg: str, pane: tuple[float, float] = PANE_PX) -> float:
    """The scale at which the SVG shows when fitted into the pane."""
    width, height = svg_size(svg)
    return min(pane[0] / width, pane[1] / height)


def candidates(model: object) -> list[int | str]:
    """Wraps worth drawing: the map's own ("auto"), one row, and the widths from
    :data:`MAX_ROWS` rows up to two rows (at most :data:`MAX_WRAPS`, evenly spread)."""
    columns = build_scene(model).columns  # type: ignore[arg-type]
    narrowest = max(2, math.ceil(columns / MAX_ROWS))
    widest = max(narrowest, math.ceil(columns / 2) + 1)
    span = list(range(narrowest, min(widest, columns) + 1))
    if len(span) > MAX_WRAPS:
        step = (len(span) - 1) / (MAX_WRAPS - 1)
        span = [span[round(i * step)] for i in range(MAX_WRAPS)]
    out: list[int | str] = ["auto"]
    for wrap in (columns, *span):
        if wrap >= 2 and wrap not in out:
            out.append(wrap)
    return out


def best_wrap(model: object, draw: Callable[[int | str], str],
              pane: tuple[float, float] = PANE_PX) -> int | str:
    """The wrap whose drawing (``draw(wrap)`` → SVG) shows largest in the pane; the map's own
    wrap unless another shows at least 3 % larger."""
    best: tuple[float, int | str] | None = None
    for wrap in candidates(model):
        scale = shown_scale(draw(wrap), pane)
        if best is None or scale > best[0] * 1.03:
            best = (scale, wrap)
    assert best is not None
    return best[1]
