"""`workbench bpmn ebenen DATEI [--teilprozess NAME]` — the levels of a model (drill-down)."""

from __future__ import annotations

import argparse

from .common import EXIT_OK, fail, print_json_lines, print_table


def register(sub: argparse._SubParsersAction) -> None:
    """No top-level command: ``ebenen`` lives in the ``bpmn`` group (see register_bpmn)."""
    return None


def register_bpmn(bsub: argparse._SubParsersAction) -> None:
    """Add ``ebenen`` to the subparsers of the ``bpmn`` command group."""
    p = bsub.add_parser(
        "ebenen", help="Prozess und Teilprozesse mit der Bearbeitungszeit ihres Inhalts",
        description="Listet den Prozess und jeden Teilprozess mit Inhalt: erwartete Ausführungen "
        "je Fall und die erwartete Bearbeitungszeit der Schritte darin (ein Teilprozess mit "
        "Inhalt zählt mit dieser Summe, nicht mit eigenen Minuten). Mit --teilprozess: die "
        "Kennzahlen einer Ebene, je Ausführung des Teilprozesses.")
    p.add_argument("file", metavar="DATEI.bpmn")
    p.add_argument("--teilprozess", metavar="NAME|ID",
                   help="Kennzahlen dieses Teilprozesses (Name oder ID)")
    p.add_argument("--json", action="store_true", help="eine JSON-Zeile je Ebene")
    p.set_defaults(func=cmd_levels)


def cmd_levels(args: argparse.Namespace) -> int:
    from .. import bpmn
    from ..bpmn.levels import LevelError
    from ..drilldown import level_metrics, level_rows
    from ..metrics import MetricsError
    from ..text import german_number
    from .metrics_cmd import print_metrics

    try:
        model = bpmn.read(args.file)
        if args.teilprozess:
            found = level_metrics(model, args.teilprozess)
            if args.json:
                print_json_lines([{"file": args.file, "teilprozess": args.teilprozess,
                                   **found.as_dict()}])
            else:
                print_metrics(f"{args.file} (Werte je Ausführung des Teilprozesses)", found)
            return EXIT_OK
        rows, notes = level_rows(model)
    except (bpmn.BpmnRejected, LevelError) as err:
        return fail(str(err))
    except MetricsError as err:
        return fail(f"{args.file}: {err}")

    def number(value: float | None, digits: int = 1) -> str:
        return "–" if value is None else german_number(value, digits)

    if args.json:
        print_json_lines([{"id": r.level.id, "name": r.level.name, "kind": r.level.kind,
                           "depth": r.level.depth, "parent": r.level.parent,
                           "steps": r.level.steps, "executions": r.executions,
                           "minutes_per_execution": r.minutes_per_execution,
                           "minutes_per_case": r.minutes_per_case,
                           "standard_minutes_per_case": r.standard_minutes_per_case,
                           "missing_minutes": r.missing_minutes} for r in rows])
        return EXIT_OK
    if not rows:
        print(f"{args.file}: keine Prozesse mit Inhalt.")
        return EXIT_OK
    print_table([("  " * r.level.depth + (r.level.name or r.level.id), r.level.kind,
                  r.level.steps, number(r.executions, 2), number(r.minutes_per_execution),
                  number(r.minutes_per_case),
                  number(r.standard_minutes_per_case) if r.standard_minutes_per_case else "",
                  r.missing_minutes or "") for r in rows],
                ["Ebene", "Art", "Schritte", "Ausführungen je Fall", "Minuten je Ausführung",
                 "Minuten je Fall", "davon Standardwerte", "ohne Minuten"])
    print("Ein Teilprozess mit Inhalt zählt mit der Summe seiner Schritte; Karte einer Ebene: "
          "workbench map DATEI --teilprozess NAME -o karte.svg")
    for note in notes:
        print(f"Hinweis: {note}")
    return EXIT_OK
