"""`workbench import xprozess` and `workbench export xprozess` — FIM processes (XProzess 2.0)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from .common import EXIT_OK, fail, print_table

RepositoryOption = Callable[[argparse.ArgumentParser], None]


def add_import_parser(isub: argparse._SubParsersAction, add_repository_option: RepositoryOption) -> None:
    q = isub.add_parser("xprozess", help="FIM-Prozess (XProzess 2.0) als Modell mit Steckbrief "
                        "übernehmen",
                        description="Entpackt das eingebettete BPMN-Modell sicher, übernimmt es "
                        "verlustfrei als Modell der Leistung und füllt den Steckbrief aus den "
                        "XProzess-Metadaten (LeiKa-Schlüssel, Rechtsgrundlagen, Status).")
    q.add_argument("file", metavar="DATEI")
    q.add_argument("--leistung", required=True, metavar="ID")
    q.add_argument("--variant", default="ist", choices=("ist", "soll"),
                   help="als IST oder als SOLL-Ausgangspunkt (Musterprozess) übernehmen")
    q.add_argument("--kommune", metavar="SCHLÜSSEL", help="kommunale IST-Variante")
    q.add_argument("--prozess", metavar="ID", help="bei mehreren Prozessen in der Datei: welcher")
    q.add_argument("--katalog", metavar="PFAD", help="OZG-/LeiKa-Katalog (Standard: mitgeliefert)")
    q.add_argument("--ueberschreiben", action="store_true", help="vorhandenes Modell ersetzen")
    add_repository_option(q)
    q.set_defaults(func=cmd_import_xprozess)


def add_export_parser(esub: argparse._SubParsersAction, add_repository_option: RepositoryOption) -> None:
    q = esub.add_parser("xprozess", help="ein Modell als XProzess-2.0-Nachricht schreiben",
                        description="Schreibt Prozessklasse und Prozess mit dem eingebetteten "
                        "BPMN-Modell (Base64 eines ZIP-Archivs, wie in der FIM-Bibliothek).")
    q.add_argument("leistung", metavar="LEISTUNG")
    q.add_argument("--variant", required=True, choices=("ist", "soll"))
    q.add_argument("--kommune", metavar="SCHLÜSSEL")
    q.add_argument("-o", "--output", required=True, metavar="DATEI", help=".xml")
    q.add_argument("--zeitpunkt", metavar="JJJJ-MM-TT",
                   help="Erstellungszeitpunkt der Nachricht (Standard: Stand aus verbund.yaml)")
    add_repository_option(q)
    q.set_defaults(func=cmd_export_xprozess)


def cmd_import_xprozess(args: argparse.Namespace) -> int:
    from ..kb.imports import attribute_gaps
    from ..kb.ozg_catalog import CatalogError, load_catalog
    from ..kb.xprozess import XProzessError
    from ..kb.xprozess_import import describe_groups, import_xprozess
    from ..repository import RepositoryError

    root = Path(args.repository)
    try:
        catalog = load_catalog(args.katalog)
    except CatalogError as err:
        return fail(str(err))
    try:
        result = import_xprozess(root, Path(args.file), args.leistung, args.variant,
                                 kommune=args.kommune, overwrite=args.ueberschreiben,
                                 process_id=args.prozess, catalog=catalog)
    except XProzessError as err:
        return fail(str(err))
    except RepositoryError as err:
        return fail(f"{err} – nichts übernommen.")
    print(f"Übernommen: {result.model_path} (FIM-Prozess, {args.variant.upper()})")
    print_table([(label, n) for label, n in result.counts.items()], ("Element", "Anzahl"))
    fim = result.steckbrief.get("fim", {})
    print(f"\nLeiKa-Schlüssel: {result.steckbrief.get('leika', '–')}"
          + (f" (OZG {fim['ozg_id']} „{fim['ozg_leistung']}“)" if fim.get("ozg_id") else ""))
    print(f"Rechtsgrundlagen im Steckbrief: {len(result.steckbrief.get('rechtsgrundlagen', []))}")
    if fim.get("status"):
        print(f"Status laut FIM: Code {fim['status']} ({fim.get('status_liste', '')}), "
              f"fachlich freigegeben von {fim.get('fachlich_freigegeben_von', '–')}")
    if result.groups:
        print(f"\nFIM-Aktivitätengruppen an den Teilprozessen ({len(result.groups)}):")
        for line in describe_groups(result.groups):
            print(f"  {line}")
    for note in result.notes:
        print(f"Hinweis: {note}")
    from .. import bpmn

    defs = bpmn.read(result.model_path)
    gaps = attribute_gaps(defs)
    decisions = [g for g in defs.flow_nodes() if g.local_name == "exclusiveGateway"
                 and len(g.outgoing) > 1 and any(f.probability is None for f in g.outgoing)]
    if decisions:
        gaps.append(f"Wahrscheinlichkeiten fehlen an {len(decisions)} Entscheidungen (die Zweige "
                    "werden sonst gleich verteilt).")
    if gaps:
        print("Für die Potenzialrechnung fehlen Werkbench-Attribute:")
        for gap in gaps:
            print(f"  – {gap}")
    print("Geschrieben: " + ", ".join(str(p) for p in result.written))
    return EXIT_OK


def cmd_export_xprozess(args: argparse.Namespace) -> int:
    from ..kb.ozg_catalog import CatalogError, load_catalog
    from ..kb.xprozess import XProzessError
    from ..kb.xprozess_export import export_xprozess
    from ..repository import RepositoryError

    try:
        path, notes = export_xprozess(Path(args.repository), args.leistung, args.variant,
                                      Path(args.output), kommune=args.kommune,
                                      timestamp=args.zeitpunkt, catalog=load_catalog())
    except (RepositoryError, XProzessError, CatalogError) as err:
        return fail(str(err))
    for note in notes:
        print(f"Hinweis: {note}")
    print(f"Geschrieben: {path} (XProzess 2.0)")
    return EXIT_OK
