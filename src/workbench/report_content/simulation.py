"""The simulation section of the Kommune report: Durchlaufzeit IST → SOLL and the bottleneck.

One IST/SOLL run of the Kommune's year (:func:`workbench.simulation.default_plan`), taken from
the simulation cache when the knowledge base is unchanged (fingerprint of its files), so a
repeated batch costs a file read per report.
"""

from __future__ import annotations

# The holiday tables (the package imports every country, about 0.07 CPU-s): imported with this
# part, which the batch's fork server preloads (``workbench.report_content.__preload__``), so
# the kernels forked from it share them instead of each importing them for its simulation.
import holidays.countries  # noqa: F401

from ..simulation import default_plan
from ..simulation.verbund import simulate_cached
from .data import ReportContext
from .fmt import esc, number, percent, table, tiles


def _days(value: float | None) -> str:
    return "–" if value is None else number(value, 1)


def section(ctx: ReportContext, kommune: str) -> str:
    """Escaped HTML: key figures, Leistungen IST vs SOLL, roles, assumptions."""
    result = simulate_cached(ctx.repo, kommune, default_plan())
    by_name = {s["name"]: s for s in result["szenarien"]}
    ist, soll = by_name["IST"], by_name["SOLL"]
    if not ist["leistungen"]:
        return ("<h2>Durchlaufzeit und Kapazität (Simulation)</h2><p>Für diese Kommune gibt es "
                "keine Leistung mit Fallzahl und Modell; es wurde nichts simuliert.</p>")
    head = ist["summe"]
    figures = tiles([
        ("Durchlaufzeit je Fall IST → SOLL",
         f"{_days(head['durchlaufzeit_tage'])} → {_days(soll['summe']['durchlaufzeit_tage'])}",
         "Kalendertage, Mittel über alle Fälle"),
        ("Engpass im IST", esc(head["engpass"] or "–"),
         f"Auslastung {percent(head['engpass_auslastung'])}"),
        ("Rückstand am 31.12. IST → SOLL",
         f"{number(head['rueckstand'])} → {number(soll['summe']['rueckstand'])}",
         "offene Fälle am Jahresende"),
        ("Personalkosten IST → SOLL",
         f"{number(head['kosten'], 0, '€')} → {number(soll['summe']['kosten'], 0, '€')}",
         "simulierte Bearbeitungsminuten × Lohnkosten"),
    ])
    soll_rows = {r["leistung"]: r for r in soll["leistungen"]}
    rows = []
    for r in sorted(ist["leistungen"], key=lambda r: -(r["durchlaufzeit_tage"] or 0)):
        s = soll_rows.get(r["leistung"], {})
        rows.append([esc(r["name"]), number(r["faelle"]), _days(r["durchlaufzeit_tage"]),
                     _days(r["durchlaufzeit_p90_tage"]), _days(r["warten_tage"]),
                     esc(s.get("modell", "–")), _days(s.get("durchlaufzeit_tage")),
                     _days(s.get("durchlaufzeit_p90_tage")), number(r["rueckstand"])])
    per_leistung = table(["Leistung", "Fälle", "IST Ø Tage", "IST P90", "davon Warten",
                          "Modell", "SOLL Ø Tage", "SOLL P90", "Rückstand IST"], rows,
                         numeric=(1, 2, 3, 4, 6, 7, 8))
    soll_roles = {r["rolle"]: r for r in soll["rollen"]}
    roles = table(["Rolle", "VZÄ", "Auslastung IST", "Auslastung SOLL", "Warten Ø IST (Min.)"], [
        [esc(r["rolle"]), number(r["vzae"], 1), percent(r["auslastung"]),
         percent(soll_roles.get(r["rolle"], {}).get("auslastung")),
         number(r["warten_minuten"])]
        for r in sorted(ist["rollen"], key=lambda r: -(r["auslastung"] or 0))],
        numeric=(1, 2, 3, 4))
    notes = "".join(f"<li>{esc(line)}</li>" for line in result["annahmen"])
    return (f"<h2>Durchlaufzeit und Kapazität (Simulation)</h2><p>Ein Jahr "
            f"({result['jahr']}) dieser Kommune, Fall für Fall simuliert: jede Leistung mit "
            "ihrer Fallzahl und Saison, jede Rolle mit ihrer Besetzung, Wartezeiten in der "
            "Warteschlange und Liegezeiten. Links heute (IST), rechts mit den gemeinsamen "
            f"SOLL-Prozessen bei gleicher Besetzung.</p>{figures}{per_leistung}"
            "<p class='klein'>Durchlaufzeit in Kalendertagen vom Eingang bis zum Abschluss; "
            "P90: 9 von 10 Fällen sind schneller fertig; „davon Warten“: Zeit, in der der Fall "
            f"auf eine freie Person wartete.</p>{roles}"
            f"<p class='klein'>Annahmen der Simulation:</p><ul class='annahmen klein'>{notes}</ul>")
