"""Figures of one simulated scenario: per Leistung, per role, in total — plain JSON data.

Durchlaufzeit runs from the arrival of a case to the end of its last step, in calendar days;
it is reported over the cases that arrived in the simulated year (mean, P50, P90). Waiting
in the queue is the time a case waits for a free person of a role (calendar days), handling
the working minutes spent on it. The Rückstand counts cases that arrived in the year and were
not finished on 31 December. Utilisation is the handling minutes started in the year divided
by the working minutes the role's staff was present. Definitions: ``docs/kennzahlen.md``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .calendar import DAY
from .engine import Pool, Stream


def _r(value: float | None, digits: int = 6) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits) + 0.0


def leistung_row(stream: Stream, *, name: str, variant: str, period_end_cal: float
                 ) -> dict[str, Any]:
    """The figures of one Leistung's cases."""
    done = stream.done_cal
    finished = np.isfinite(done)
    lead = (done - stream.arrival_cal)[finished] / DAY
    open_at_end = int(np.sum(~finished | (done > period_end_cal)))
    n = len(done)
    return {
        "leistung": stream.key, "name": name, "modell": variant, "faelle": n,
        "erledigt": int(finished.sum()),
        "durchlaufzeit_tage": _r(lead.mean()) if len(lead) else None,
        "durchlaufzeit_p50_tage": _r(np.percentile(lead, 50)) if len(lead) else None,
        "durchlaufzeit_p90_tage": _r(np.percentile(lead, 90)) if len(lead) else None,
        "warten_tage": _r(stream.queue_cal[finished].mean() / DAY) if len(lead) else None,
        "bearbeitung_minuten": _r(stream.handling.mean()) if n else None,
        "kosten_je_fall": _r(stream.cost.mean()) if n else None,
        "kosten": _r(stream.cost.sum()),
        "rueckstand": open_at_end,
        "unfertig": int((~finished).sum()),
    }


def role_row(pool: Pool, vzae: float, period_work_minutes: float,
             origin: str) -> dict[str, Any]:
    """The figures of one role (staff pool)."""
    present = pool.effective * period_work_minutes
    return {
        "rolle": pool.name, "vzae": _r(vzae), "besetzung": origin,
        "personen_anwesend": _r(pool.effective), "plaetze": pool.servers,
        "auslastung": _r(pool.busy / present) if present > 0 else None,
        "stunden": _r(pool.busy / 60.0),
        "warten_minuten": _r(pool.waited / pool.requests) if pool.requests else 0.0,
        "rueckstand": pool.queue_at_end,
    }


def totals(rows: list[dict[str, Any]], roles: list[dict[str, Any]],
           streams: list[Stream]) -> dict[str, Any]:
    """Whole-Kommune figures: cases, mean lead time, cost, backlog and the bottleneck role."""
    leads = [(s.done_cal - s.arrival_cal)[np.isfinite(s.done_cal)] / DAY for s in streams]
    lead = np.concatenate(leads) if leads else np.zeros(0)
    busiest = max(roles, key=lambda r: (r["auslastung"] or 0.0, r["rolle"]), default=None)
    return {
        "faelle": int(sum(r["faelle"] for r in rows)),
        "durchlaufzeit_tage": _r(lead.mean()) if len(lead) else None,
        "durchlaufzeit_p90_tage": _r(np.percentile(lead, 90)) if len(lead) else None,
        "kosten": _r(sum(r["kosten"] or 0.0 for r in rows)),
        "rueckstand": int(sum(r["rueckstand"] for r in rows)),
        "unfertig": int(sum(r["unfertig"] for r in rows)),
        "engpass": busiest["rolle"] if busiest else None,
        "engpass_auslastung": busiest["auslastung"] if busiest else None,
    }
