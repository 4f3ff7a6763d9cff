"""Edits as patches to the XML tree: one layer for the modeler, the step-table editor and imports.

Whatever an edit does not touch stays byte-for-byte; an edit that would lose content is refused
with :class:`EditRefused` and nothing is written.
"""

from .errors import EditRefused
from .merge import MergeResult, merge_canvas_xml

__all__ = ["EditRefused", "MergeResult", "merge_canvas_xml"]
