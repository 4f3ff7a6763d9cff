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
#: Length of the ranking lists.
TOP_N_MAX = 1_000
#: One CSV field (Python's csv module refuses more than 131,072 characters by default).
CSV_FIELD_MAX = 131_072


def german_int(value: float) -> str:
    """1000000 → '1.000.000' (for messages)."""
    return f"{value:,.0f}".replace(",", ".")
