"""`workbench diff LEISTUNG …` and `workbench bpmn diff A B` — the semantic model diff."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from .common import EXIT_OK, fail
from .kb_cmd import add_repository_option, open_repository

if TYPE_CHECKING:
    from ..diff import ModelDiff


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("diff", help="IST/SOLL oder Kommune/Verbund semantisch vergleichen")
    p.add_argument("leistung", metavar="LEISTUNG")
    p.add_argument("--kommune", metavar="SCHLÜSSEL",
                   help="ohne --ist-soll: eigenes IST der Kommune gegen das Verbund-IST")
    p.add_argument("--ist-soll", action="store_true",
                   help="IST (der Kommune, sonst des Verbunds) gegen SOLL (Standard ohne "
                        "--kommune)")
    p.add_argument("--json", action="store_true", help="das Ergebnis als JSON")
    p.add_argument("--nur-schritte", action="store_true",
                   help="nur Aktivitäten, keine Ereignisse und Gateways")
    add_repository_option(p)
    p.set_defaults(func=cmd_diff)


def register_bpmn(bsub: argparse._SubParsersAction) -> None:
    p = bsub.add_parser("diff", help="zwei BPMN-Dateien semantisch vergleichen")
    p.add_argument("a", metavar="DATEI_A", help="Bezug (z. B. IST)")
    p.add_argument("b", metavar="DATEI_B", help="Vergleich (z. B. SOLL)")
    p.add_argument("--json", action="store_true", help="das Ergebnis als JSON")
    p.add_argument("--nur-schritte", action="store_true", help="nur Aktivitäten")
    p.set_defaults(func=cmd_bpmn_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    from ..diff import diff_models
    from ..repository import RepositoryError

    try:
        repo = open_repository(args.repository)
        repo.leistung(args.leistung)
        name = repo.kommune(args.kommune)["name"] if args.kommune else None
    except RepositoryError as err:
        return fail(str(err))
    if args.kommune and not args.ist_soll:
        if args.kommune not in repo.ist_variants(args.leistung):
            print(f"{name} hat für '{args.leistung}' kein eigenes IST-Modell; es gilt das "
                  "Verbund-IST – keine Abweichungen.")
            return EXIT_OK
        a, b = repo.model(args.leistung, "ist"), repo.model(args.leistung, "ist", args.kommune)
        labels = ("Verbund-IST", f"IST {name}")
        title = f"Abweichungen von {name} gegenüber dem Verbund-IST"
    else:
        a, b = repo.model(args.leistung, "ist", args.kommune), repo.model(args.leistung, "soll")
        labels = (f"IST {name}" if name else "IST", "SOLL")
        title = f"{labels[0]} → SOLL"
    if a is None or b is None:
        missing = labels[0] if a is None else labels[1]
        return fail(f"Für '{args.leistung}' fehlt das Modell {missing} (oder es ist nicht "
                    "lesbar; `workbench validate` zeigt warum).")
    return _print(diff_models(a, b, a_label=labels[0], b_label=labels[1]),
                  f"{args.leistung}: {title}", args)


def cmd_bpmn_diff(args: argparse.Namespace) -> int:
    from .. import bpmn
    from ..diff import diff_models

    try:
        a, b = bpmn.read(args.a), bpmn.read(args.b)
    except bpmn.BpmnRejected as err:
        return fail(str(err))
    return _print(diff_models(a, b, a_label=args.a, b_label=args.b), f"{args.a} → {args.b}",
                  args)


def _print(diff: ModelDiff, title: str, args: argparse.Namespace) -> int:
    if args.json:
        print(json.dumps(diff.to_json(), ensure_ascii=False, indent=1))
        return EXIT_OK
    print(title)
    print(diff.summary(steps_only=True) + (" · " + diff.summary(steps_only=False)
                                           if not args.nur_schritte else ""))
    lines = diff.lines(steps_only=args.nur_schritte)
    for line in lines:
        print(f"  {line}")
    if not lines:
        print("  keine Unterschiede")
    return EXIT_OK
