"""`workbench simulation KOMMUNE [--szenario DATEI] [--json]` — Durchlaufzeit, Auslastung,
Rückstand und Kosten je Szenario (diskrete Ereignissimulation eines Jahres)."""

from __future__ import annotations

import argparse
import json
import sys
import time

from ..text import german_number
from .common import EXIT_INPUT, EXIT_OK, fail, print_table

DEFAULT_REPOSITORY = "processes"


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``simulation`` command."""
    p = sub.add_parser("simulation", help="Ein Jahr einer Kommune simulieren: Durchlaufzeit, "
                       "Auslastung je Rolle, Rückstand, Kosten; IST, SOLL und Was-wäre-wenn")
    p.add_argument("kommune", metavar="KOMMUNE", nargs="?",
                   help="Gemeindeschlüssel oder Name (ohne Angabe mit --alle: alle Mitglieder)")
    p.add_argument("--alle", action="store_true", help="alle Mitglieder des Verbunds")
    p.add_argument("--szenario", metavar="DATEI",
                   help="Szenariodatei (YAML); ohne Angabe: IST und SOLL")
    p.add_argument("--repository", default=DEFAULT_REPOSITORY, metavar="PFAD",
                   help=f"Wissensbasis (Standard: {DEFAULT_REPOSITORY})")
    p.add_argument("--seed", type=int, help="Zufallsstartwert (überschreibt die Szenariodatei)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="parallele Prozesse bei --alle (Standard: 1)")
    p.add_argument("--json", action="store_true", help="Ergebnis als JSON")
    p.set_defaults(func=cmd_simulation)
    return p


def cmd_simulation(args: argparse.Namespace) -> int:
    """Run the plan for one Kommune (or all) and print the comparison."""
    from dataclasses import replace

    from ..repository import Repository, RepositoryError
    from ..simulation import ScenarioError, default_plan, load_plan
    from ..simulation.verbund import simulate_cached, simulate_members

    if not args.kommune and not args.alle:
        return fail("Bitte eine Kommune (Schlüssel oder Name) oder --alle angeben.")
    try:
        repo = Repository.load(args.repository)
        plan = load_plan(args.szenario) if args.szenario else default_plan()
        if args.seed is not None:
            plan = replace(plan, seed=args.seed)
        started = time.perf_counter()
        if args.alle:
            keys = [str(k) for k in repo.kommunen["schluessel"]]
            results = simulate_members(repo.root, keys, plan, workers=max(1, args.workers))
        else:
            results = [simulate_cached(repo, args.kommune, plan)]
    except (RepositoryError, ScenarioError) as err:
        return fail(str(err), EXIT_INPUT)
    elapsed = time.perf_counter() - started
    if args.json:
        print(json.dumps(results if args.alle else results[0], ensure_ascii=False, indent=1,
                         sort_keys=True))
        return EXIT_OK
    for result in results:
        print_result(result)
    print(f"({german_number(elapsed, 1)} s)", file=sys.stderr)
    return EXIT_OK


def _n(value: float | None, digits: int = 1, unit: str = "") -> str:
    return "–" if value is None else german_number(value, digits, unit)


def print_result(result: dict) -> None:
    """German tables: scenarios, Durchlaufzeit per Leistung, utilisation per role."""
    print(f"Simulation {result['kommune_name']} ({result['kommune']}), Jahr {result['jahr']}")
    print()
    print_table([[s["name"], _n(s["summe"]["faelle"], 0), _n(s["summe"]["durchlaufzeit_tage"]),
                  _n(s["summe"]["durchlaufzeit_p90_tage"]), _n(s["summe"]["rueckstand"], 0),
                  _n(s["summe"]["kosten"], 0, "€"), s["summe"]["engpass"] or "–",
                  _n(100 * (s["summe"]["engpass_auslastung"] or 0), 0, "%")]
                 for s in result["szenarien"]],
                ["Szenario", "Fälle", "DLZ Ø Tage", "DLZ P90", "Rückstand", "Kosten",
                 "Engpass", "Auslastung"])
    for s in result["szenarien"]:
        print(f"\n{s['name']} – je Leistung")
        print_table([[r["name"], r["modell"], _n(r["faelle"], 0), _n(r["durchlaufzeit_tage"]),
                      _n(r["durchlaufzeit_p50_tage"]), _n(r["durchlaufzeit_p90_tage"]),
                      _n(r["warten_tage"]), _n(r["bearbeitung_minuten"]),
                      _n(r["kosten_je_fall"], 2, "€"), _n(r["rueckstand"], 0)]
                     for r in s["leistungen"]],
                    ["Leistung", "Modell", "Fälle", "DLZ Ø", "P50", "P90", "Warten Ø",
                     "Min./Fall", "€/Fall", "Rückstand"])
        print(f"\n{s['name']} – je Rolle")
        print_table([[r["rolle"], _n(r["vzae"], 1), r["besetzung"],
                      _n(100 * (r["auslastung"] or 0), 0, "%"), _n(r["warten_minuten"], 0),
                      _n(r["rueckstand"], 0)] for r in s["rollen"]],
                    ["Rolle", "VZÄ", "Besetzung", "Auslastung", "Warten Ø Min.", "Rückstand"])
    print("\nAnnahmen:")
    for line in result["annahmen"]:
        print(f"  – {line}")
    for hint in result["hinweise"][:10]:
        print(f"  Hinweis: {hint}")
    print()
