"""Scenarios side by side: one table of totals, one table per Leistung, one bar chart (SVG)."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

SCENARIO_COLUMNS = {
    "szenario": "Szenario", "faelle": "Fälle", "durchlaufzeit_tage": "Durchlaufzeit Ø (Tage)",
    "durchlaufzeit_p90_tage": "Durchlaufzeit P90 (Tage)", "rueckstand": "Rückstand 31.12.",
    "kosten": "Personalkosten (€)", "engpass": "Engpass-Rolle",
    "engpass_auslastung": "Auslastung Engpass",
}


def scenario_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per scenario with the whole-Kommune figures."""
    rows = [{"szenario": s["name"], **s["summe"]} for s in result["szenarien"]]
    return pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))


def leistung_table(result: dict[str, Any]) -> pd.DataFrame:
    """Mean Durchlaufzeit per Leistung (rows) and scenario (columns), in days."""
    data = {s["name"]: {r["name"]: r["durchlaufzeit_tage"] for r in s["leistungen"]}
            for s in result["szenarien"]}
    return pd.DataFrame(data)


def role_table(result: dict[str, Any]) -> pd.DataFrame:
    """Utilisation per role (rows) and scenario (columns)."""
    data = {s["name"]: {r["rolle"]: r["auslastung"] for r in s["rollen"]}
            for s in result["szenarien"]}
    return pd.DataFrame(data)


def lead_time_svg(result: dict[str, Any]) -> str:
    """Bars of mean and P90 Durchlaufzeit per scenario (deterministic SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from ..charts import _RC
    from ..text import german_number

    table = scenario_table(result)
    with plt.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.45 * len(table)))
        y = range(len(table))
        ax.barh([i + 0.2 for i in y], table["durchlaufzeit_p90_tage"].fillna(0), height=0.4,
                color="#90caf9", label="P90")
        ax.barh([i - 0.2 for i in y], table["durchlaufzeit_tage"].fillna(0), height=0.4,
                color="#1565c0", label="Mittelwert")
        ax.set_yticks(list(y), table["szenario"])
        ax.invert_yaxis()
        ax.set_xlabel("Durchlaufzeit je Fall (Kalendertage)")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: german_number(v, 1)))
        ax.legend(loc="lower right", frameon=False)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": None})
        plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]
