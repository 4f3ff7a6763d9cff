"""`workbench bpmn metrics DATEI… [--json]` — the metrics of single BPMN files."""

from __future__ import annotations

import argparse

from .. import bpmn
from ..bpmn.extensions import PHASES
from ..metrics import MetricsError, ModelMetrics, compute
from ..text import german_number
from .common import EXIT_INPUT, EXIT_OK, fail, print_json_lines


def register(sub: argparse._SubParsersAction) -> None:
    """No top-level command: ``metrics`` lives in the ``bpmn`` group (see register_bpmn)."""
    return None


def register_bpmn(bsub: argparse._SubParsersAction) -> None:
    """Add ``metrics`` to the subparsers of the ``bpmn`` command group."""
    p = bsub.add_parser("metrics", help="Kennzahlen je Modell: Zeiten, Medienbrüche, "
                        "Digitalanteil, E2E-Phasen, OZG-Schätzung")
    p.add_argument("files", nargs="+", metavar="DATEI")
    p.add_argument("--json", action="store_true", help="eine JSON-Zeile je Datei")
    p.set_defaults(func=cmd_metrics)


def cmd_metrics(args: argparse.Namespace) -> int:
    """Print the metrics of each file; rejected files → German message, exit code 2."""
    exit_code = EXIT_OK
    for name in args.files:
        try:
            metrics = compute(bpmn.read(name))
        except bpmn.BpmnRejected as err:
            exit_code = fail(str(err))
            continue
        except MetricsError as err:
            exit_code = fail(f"{name}: {err}")
            continue
        if args.json:
            print_json_lines([{"file": name, **metrics.as_dict()}])
        else:
            print_metrics(name, metrics)
    return exit_code if exit_code == EXIT_OK else EXIT_INPUT


def _de(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else german_number(value, digits) + suffix


def print_metrics(name: str, m: ModelMetrics) -> None:
    """German plain-text view of one model's metrics."""
    title = f"„{m.process_name}“" if m.process_name else m.process_id
    phases = ", ".join(
        f"{label}: {'–' if key in m.phases_missing else 'digital' if m.e2e_phases[key] else 'nicht digital'}"
        for key, label in PHASES.items())
    def share(x):
        return ("–" if x is None else _de(100 * x, 0, " %"))
    rows = [
        ("Erwartete Bearbeitungszeit je Fall", _de(m.expected_minutes, 1, " Minuten")),
        ("Erwartete Liegezeit je Fall (Summe)", _de(m.expected_wait_days, 1, " Tage")),
        ("Erwartete Medienbrüche je Fall", _de(m.media_breaks, 2)),
        ("Digitalanteil der Bearbeitungszeit", share(m.digital_share)),
        ("Automatisierbarer Anteil", share(m.automation_share)),
        ("Verschwendungsschritte", ", ".join(m.waste_steps) or "keine"),
        ("E2E-Phasen", phases),
        ("OZG-Reifegrad (geschätzt)", str(m.ozg_estimate)),
    ]
    print(f"{name}: Prozess {title}, {m.activities} Aktivitäten")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    for t in m.break_transitions:
        print(f"  Medienbruch {t.source_activity_id} → {t.target_activity_id}: {t.reason_de} "
              f"({_de(t.expected_count, 2)}× je Fall)")
    for warning in m.warnings:
        print(f"  Warnung: {warning}")
