"""CSS for the workshop view: the map large and readable on a projector."""

from __future__ import annotations

from IPython.display import HTML

WORKSHOP_CSS = """
<style>
.wb-workshop { font-size: 16px; }
.wb-workshop .widget-label, .wb-workshop input, .wb-workshop select { font-size: 16px; }
.wb-workshop .wb-kartenrahmen { max-height: none !important; }
.wb-workshop .wb-kartenrahmen svg { width: 100%; height: auto; }
.wb-workshop .wb-befundliste { font-size: 15px; }
</style>
"""


def workshop_css() -> HTML:
    """Display this in a notebook (or Voilà page) to switch the editor to projector size."""
    return HTML(WORKSHOP_CSS)
