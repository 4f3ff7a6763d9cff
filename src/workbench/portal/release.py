"""Release rules of the portal: which Leistungen are published, which reviews are overdue.

A Steckbrief carries ``status: freigegeben`` when its process may be shown to staff. Everything
else (``entwurf``, no status, no Steckbrief) stays out unless drafts are asked for. A review date
(``zuletzt_geprueft``) older than the interval, counted back from the reference date (the
``stand`` of ``verbund.yaml``, never today), is marked on the page and in the build summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..kb.steckbriefe import PORTAL_STATUS, REVIEW_MAX_AGE_DAYS

RELEASED = "freigegeben"
DRAFT = "entwurf"
STATUS_VALUES = PORTAL_STATUS
#: Default review interval in days (``parameter.pruefintervall_tage`` in verbund.yaml overrides).
DEFAULT_INTERVAL_DAYS = REVIEW_MAX_AGE_DAYS


@dataclass(frozen=True)
class Release:
    """The release decision for one Leistung."""

    leistung: str
    status: str  # freigegeben | entwurf | '' (none given)
    published: bool
    reason: str  # German, why it is left out ('' when published as released)
    reviewed: dt.date | None
    overdue: bool


def status_of(steckbrief: dict[str, Any] | None) -> str:
    """The normalised status of a raw Steckbrief ('' when missing)."""
    if not steckbrief:
        return ""
    return str(steckbrief.get("status") or "").strip().lower()


def decide(leistung: str, steckbrief: dict[str, Any] | None, *, drafts: bool,
           reference: dt.date | None, interval_days: int) -> Release:
    """Publish or leave out one Leistung, and whether its review is overdue."""
    status = status_of(steckbrief)
    if steckbrief is None:
        reason = "kein Steckbrief"
    elif status == RELEASED:
        reason = ""
    elif not status:
        reason = "kein Status im Steckbrief (status: freigegeben fehlt)"
    else:
        reason = f"Status „{status}“"
    reviewed = (steckbrief or {}).get("zuletzt_geprueft")
    if not isinstance(reviewed, dt.date):
        reviewed = None
    overdue = bool(reviewed and reference and (reference - reviewed).days > interval_days)
    published = status == RELEASED or (drafts and steckbrief is not None)
    return Release(leistung, status, published, reason, reviewed, overdue)


def interval_from(parameter: dict[str, Any], override: int | None) -> int:
    """The review interval in days: the command-line value, else verbund.yaml, else 730."""
    if override is not None:
        return int(override)
    value = parameter.get("pruefintervall_tage")
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return int(value)
    return DEFAULT_INTERVAL_DAYS
