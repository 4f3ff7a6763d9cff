"""Report content: escaped HTML sections for the papermill report templates.

The templates (``workbench/templates/report_kommune.ipynb``, ``report_verbund.ipynb``) call these and
display what comes back; no logic a report depends on lives in a notebook.

The package imports its parts on first use: the batch's own process needs only ``data`` and
``fingerprint`` and need not load matplotlib and IPython for the sections. A warm report kernel
imports the parts in ``__preload__`` when it starts (:mod:`workbench.reports.kernel_state`), so no
report pays for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import common, kommune, verbund
    from .data import ReportContext, load_context
    from .fmt import show

__all__ = ["ReportContext", "common", "kommune", "load_context", "show", "verbund"]
#: Parts a warm report kernel imports at start: everything the shipped templates use.
__preload__ = ("common", "data", "fmt", "kommune", "links", "simulation", "strategie", "verbund")
_FROM = {"ReportContext": "data", "load_context": "data", "show": "fmt"}
_PARTS = ("common", "kommune", "verbund")


def __getattr__(name: str) -> Any:
    if name in _FROM:
        value = getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
    elif name in _PARTS:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
