"""Maps on paper: A4 landscape pages, split into readable parts when a map is large
(``workbench map … -o karte.pdf``)."""

from __future__ import annotations

from .document import map_document, map_pdf
from .plan import PrintPlan, Tile, plan

__all__ = ["PrintPlan", "Tile", "map_document", "map_pdf", "plan"]
