"""CSS for the workshop view: the map large and readable on a projector."""

from __future__ import annotations

from IPython.display import HTML

WORKSHOP_CSS = """
<style>
.wb-workshop { font-size: 16px; }
.wb-workshop .widget-label, .wb-workshop input, .wb-workshop select { font-size: 16px; }
.wb-workshop .wb-workshop-formular { padding-right: 12px; }
.wb-workshop .wb-workshop-formular .widget-inline-hbox { margin-top: 2px; margin-bottom: 2px; }
.wb-workshop .wb-kartenrahmen { max-height: none !important; overflow: hidden !important;
  border: none !important; }
.wb-workshop .wb-kartenrahmen svg { display: block; width: 100%; height: auto;
  max-height: calc(100vh - 90px); }
.wb-workshop .wb-befundliste { font-size: 15px; }
/* the Voilà page on the projector: the notebook's explanations stay in the notebook */
body[data-voila] .jp-MarkdownCell { display: none; }
</style>
"""


def workshop_css() -> HTML:
    """Display this in a notebook (or Voilà page) to switch the editor to projector size."""
    return HTML(WORKSHOP_CSS)
