"""Every size and plausibility limit of the workbench in one place (documented in
``docs/sicherheit.md``). Untrusted input beyond a hard limit is refused with a German message;
values beyond a plausibility limit are warnings (or errors, where the value cannot be meant).
"""

from __future__ import annotations

#: Flow nodes up to which a model is drawn as a map (graphviz needs ~30 s for 1000 steps; a
#: larger map is unreadable on a wall anyway). Metrics have no such limit (sparse solves).
MAX_MAP_NODES = 1000
#: Flow nodes of one model beyond which metrics are refused (memory and time stay bounded:
#: a 33,000-step chain takes about 20 s and 250 MB).
MAX_MODEL_NODES = 100_000

#: Fallzahl per Kommune, Leistung and year: above the warning level it is probably a typo,
#: above the error level (more cases than Germany has inhabitants) it cannot be meant.
FALLZAHL_WARN = 5_000_000
FALLZAHL_MAX = 100_000_000
#: Einwohner of one Kommune or Kreis (largest: Berlin, 3.9 million; a whole Land: 18 million).
EINWOHNER_WARN = 4_000_000
EINWOHNER_MAX = 20_000_000
#: Handling minutes of one step per execution (a working week: 2400 min; a working year: 96,000).
MINUTES_WARN = 2_400
MINUTES_MAX = 96_000
#: Waiting days of one step (ten years).
WAIT_DAYS_MAX = 3_650
#: Hard limits of the numeric step attributes (``wb:`` name → (maximum, unit for messages)).
ATTRIBUTE_MAX = {"minutes": (MINUTES_MAX, "Minuten, ein Arbeitsjahr"),
                 "minutesMin": (MINUTES_MAX, "Minuten, ein Arbeitsjahr"),
                 "minutesMax": (MINUTES_MAX, "Minuten, ein Arbeitsjahr"),
                 "waitDays": (WAIT_DAYS_MAX, "Tage, zehn Jahre")}
#: Warning levels of the numeric step attributes (the value is used, but probably a typo).
ATTRIBUTE_WARN = {"minutes": (MINUTES_WARN, "Minuten, eine Arbeitswoche")}
#: Length of the ranking lists.
TOP_N_MAX = 1_000
#: Verbund parameters: a year has 8,760 hours; no hour of work costs more than 10,000 €.
PARAMETER_MAX = {"jahresarbeitszeit_stunden": 8_760, "personalkostensatz_euro_stunde": 10_000}
#: One CSV field (Python's csv module refuses more than 131,072 characters by default).
CSV_FIELD_MAX = 131_072


def german_int(value: float) -> str:
    """1000000 → '1.000.000' (for messages)."""
    return f"{value:,.0f}".replace(",", ".")
