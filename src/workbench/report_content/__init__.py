"""Report content: escaped HTML sections for the papermill report templates.

The templates (``workbench/templates/report_kommune.ipynb``, ``report_verbund.ipynb``) call these and
display what comes back; no logic a report depends on lives in a notebook.
"""

from . import common, kommune, verbund
from .data import ReportContext, load_context
from .fmt import show

__all__ = ["ReportContext", "common", "kommune", "load_context", "show", "verbund"]
