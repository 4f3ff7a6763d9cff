"""Build the example's BPMN models in processes/ from the workshop step tables in schritte/.

Run from the project root:  .venv/bin/python examples/osterholz/build_models.py
Each table goes through the same path an analyst uses (`workbench import schritte`), so the
shipped models are exactly what the step-table import produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.cli import main

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1] / "processes"


def build() -> int:
    """Import every step table; returns the number of failures."""
    failures = 0
    for table in sorted((HERE / "schritte").glob("*/*.csv")):
        leistung = table.parent.name
        variant, _, kommune = table.stem.partition(".")
        args = ["import", "schritte", str(table), "--leistung", leistung, "--variant", variant,
                "--repository", str(REPOSITORY), "--ueberschreiben"]
        if kommune:
            args += ["--kommune", kommune]
        if main(args) != 0:
            failures += 1
    return failures


if __name__ == "__main__":
    sys.exit(1 if build() else 0)
