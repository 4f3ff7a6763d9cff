"""The workshop map as large as its pane: the number of columns per row chosen for the pane.

The map's own automatic wrap aims at a whole 16:9 screen; in the workshop view the map has a
pane of about 1350 × 990 px beside the editor, nearly 4:3, and a map wrapped for 16:9 showed
there at about 65–75 % of its size. Here the map is drawn with a few row counts and the one
that shows largest in the pane wins (measured on the drawn SVG, not estimated).
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


def shown_scale(svg: str, pane: tuple[float, float] = PANE_PX) -> float:
    """The scale at which the SVG shows when fitted into the pane."""
    width, height = svg_size(svg)
    return min(pane[0] / width, pane[1] / height)


def candidates(model: object) -> list[int | str]:
    """Wraps worth drawing: the map's own ("auto") and 1 to :data:`MAX_ROWS` even rows."""
    columns = build_scene(model).columns  # type: ignore[arg-type]
    out: list[int | str] = ["auto"]
    for rows in range(1, MAX_ROWS + 1):
        wrap = math.ceil(columns / rows)
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
