"""`workbench bpmn metrics DATEI… [--json]` — the metrics of single BPMN files."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..text import german_number
from .common import EXIT_INPUT, EXIT_OK, fail, print_json_lines

if TYPE_CHECKING:
    from .. import indicators
    from ..metrics import ModelMetrics


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
    from .. import bpmn, indicators
    from ..metrics import MetricsError, compute

    exit_code = EXIT_OK
    for name in args.files:
        try:
            defs = bpmn.read(name)
            metrics = compute(defs)
        except bpmn.BpmnRejected as err:
            exit_code = fail(str(err))
            continue
        except MetricsError as err:
            exit_code = fail(f"{name}: {err}")
            continue
        ind = indicators.compute(defs, metrics)
        if args.json:
            print_json_lines([{"file": name, **metrics.as_dict(),
                               "kennzahlen_digitalisierung": ind.as_dict()}])
        else:
            print_metrics(name, metrics, ind)
    return exit_code if exit_code == EXIT_OK else EXIT_INPUT


def _de(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else german_number(value, digits) + suffix


def _share(x: float | None) -> str:
    return "–" if x is None else _de(100 * x, 0, " %")


def print_metrics(name: str, m: ModelMetrics, ind: indicators.Indicators | None = None) -> None:
    """German plain-text view of one model's metrics."""
    from ..bpmn.extensions import PARTICIPANT_ROLES, PHASES

    title = f"„{m.process_name}“" if m.process_name else m.process_id
    phases = ", ".join(
        f"{label}: {'–' if key in m.phases_missing else 'digital' if m.e2e_phases[key] else 'nicht digital'}"
        for key, label in PHASES.items())
    minutes = _de(m.expected_minutes, 1, " Minuten")
    if m.standard_minutes > 0:
        minutes += f" (davon {_de(m.standard_minutes, 1)} Standardwert)"
    waits = _de(m.expected_wait_days, 1, " Tage")
    if m.event_wait_days > 0:
        waits += f" (davon {_de(m.event_wait_days, 1)} an Ereignissen)"
    rows = [
        ("Erwartete Bearbeitungszeit der Verwaltung je Fall", minutes),
        ("Erwarteter Aufwand der Kund:innen je Fall",
         _de(m.customer_minutes, 1, " Minuten") + f", {_de(m.customer_trips, 2)} Wege"),
        ("Erwartete Liegezeit je Fall (Summe)", waits),
        ("Erwartete Medienbrüche je Fall", _de(m.media_breaks, 2)),
        ("Digitalanteil der Bearbeitungszeit", _share(m.digital_share)),
        ("Automatisierbarer Anteil", _share(m.automation_share)),
        ("Verschwendungsschritte", ", ".join(m.waste_steps) or "keine"),
        ("E2E-Phasen", phases),
        ("OZG-Reifegrad (geschätzt, Modell 0–4 v1.1)", str(m.ozg_estimate)),
    ]
    if ind is not None:  # docs/kennzahlen.md, Abschnitt 5a
        rows += [
            ("Analoge Schritte je Fall", _de(ind.analog_steps, 2)
             + f" ({_share(ind.analog_share)})"),
            ("Digitalanteil nach Schritten", _share(ind.digital_share_steps)),
            ("Automatisierte Schritte je Fall", _de(ind.automated_steps, 2)),
            ("Automatisierbar nach Schritten", _share(ind.automatable_share)),
            ("Händische Neuerfassungen je Fall", _de(ind.reentries, 2)),
            ("Scan- und Druckschritte je Fall", _de(ind.scan_print_steps, 2)),
        ]
    print(f"{name}: Prozess {title}, {m.activities} Aktivitäten")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    if len(m.participants) > 1:
        print("  Beteiligte (Pools):")
        for p in m.participants:
            role = f"{PARTICIPANT_ROLES.get(p.role, p.role)}, {p.role_source}"
            figures = (f"{_de(p.expected_minutes, 1)} Minuten, {p.activities} Aktivitäten, "
                       f"Liegezeit {_de(p.expected_wait_days, 1)} Tage, digital "
                       f"{_share(p.digital_share)}" if p.analysed else p.note)
            print(f"    „{p.name or p.id}“ ({role}): {figures}")
    for h in m.handoffs:
        print(f"  Übergabe {h.from_participant} → {h.to_participant} ({h.message_flow_id})")
    for t in m.break_transitions:
        print(f"  Medienbruch {t.source_activity_id} → {t.target_activity_id}: {t.reason_de} "
              f"({_de(t.expected_count, 2)}× je Fall)")
    for sv in m.standard_values:
        print(f"  Standardwert: „{sv.activity_name or sv.activity_id}“ ({sv.activity_id}) "
              f"{_de(sv.minutes, 1)} Minuten – {sv.source_de}")
    for warning in m.warnings:
        print(f"  Warnung: {warning}")
