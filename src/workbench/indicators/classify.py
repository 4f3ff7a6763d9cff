"""What a single step is: analog, digital, automated, automatable, a scan or print by a person.

Pure predicates on one :class:`~workbench.bpmn.Activity`; the German definitions are in
``docs/kennzahlen.md`` (section „Kennzahlen zur Digitalisierung“).
"""

from __future__ import annotations

from ..activity_types import activity_type
from ..bpmn import Activity
from ..bpmn.extensions import MEDIA, MEDIUM_CLASS
from ..metrics import AUTOMATABLE  # automation classes that count as automatable

#: Media that hold data a person can type over (what is said in person or by phone is captured
#: for the first time, not re-entered).
STORED_ANALOG = frozenset({"papier", "scan"})
#: Activity types whose work is printing or scanning paper.
SCAN_PRINT_TYPES = frozenset({"drucken", "scannen"})
#: Activity types whose work is typing existing data over (a re-entry by itself).
REENTRY_TYPES = frozenset({"daten_uebertragen"})
#: Activity types whose work is typing data in; with a known other type (prüfen, Bescheid …)
#: a step works *with* the data and is never a re-entry.
ENTRY_TYPES = frozenset({"daten_erfassen", "daten_uebertragen"})


def medium_class(a: Activity) -> str | None:
    """``analog``, ``digital``, ``scan`` or None (no medium stated)."""
    return MEDIUM_CLASS.get(str(a.medium)) if a.medium else None


def is_analog(a: Activity) -> bool:
    """Paper, in person or by phone."""
    return medium_class(a) == "analog"


def is_digital(a: Activity) -> bool:
    """E-Mail, Fachverfahren, Online-Portal or automatic."""
    return medium_class(a) == "digital"


def is_automated(a: Activity) -> bool:
    """Runs without a person (medium ``automatisch``)."""
    return a.medium == "automatisch"


def automation_class(a: Activity) -> str | None:
    """The step's ``wb:automation``, else the default of its activity type."""
    if a.automation:
        return str(a.automation)
    kind = activity_type(str(a.activity_type) if a.activity_type else None)
    return kind.automation if kind else None


def is_automatable(a: Activity) -> bool:
    """Already automatic, or rule-based/AI automatable by its class."""
    return is_automated(a) or automation_class(a) in AUTOMATABLE


def is_scan_print(a: Activity) -> bool:
    """A person prints or scans: medium ``scan``, or activity type drucken/scannen by hand."""
    if a.medium == "scan":
        return True
    return str(a.activity_type or "") in SCAN_PRINT_TYPES and not is_automated(a)


def is_manual_entry(a: Activity) -> bool:
    """A person works in a digital medium (types into a system, a portal or an e-mail)."""
    return is_digital(a) and not is_automated(a)


def system_of(a: Activity) -> str:
    """The step's system, whitespace-normalized ('' when none)."""
    return " ".join(str(a.system or "").split())


def reentry_reason(source: Activity, target: Activity, *, staff: bool = True) -> str | None:
    """German reason when a person types data of ``source`` into ``target``, else None.

    That is the case when the target is a manual digital step of the administration's staff
    (``staff``: not a step of Bürger:innen, Unternehmen or an external body) that types data in (activity
    type daten_erfassen/daten_uebertragen, or no type stated) and the data comes from paper or
    a scan, or from another system (both name one). Data told in person or by phone and typed
    in is a first capture, not a re-entry."""
    kind_b = str(target.activity_type or "")
    if not staff or not is_manual_entry(target) or (kind_b and kind_b not in ENTRY_TYPES):
        return None
    if source.medium in STORED_ANALOG:
        return f"von {_medium_label(source)} in {_where(target)}"
    sa, sb = system_of(source), system_of(target)
    if sa and sb and sa.casefold() != sb.casefold() and not is_automated(source):
        return f"von {sa} in {sb}"
    return None


def _medium_label(a: Activity) -> str:
    return MEDIA.get(str(a.medium), str(a.medium))


def _where(a: Activity) -> str:
    return system_of(a) or _medium_label(a)
