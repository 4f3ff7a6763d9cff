"""`workbench portal [--out site/]` — the knowledge base as a static, offline website."""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from .common import EXIT_OK, fail
from .kb_cmd import add_repository_option, open_repository


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("portal", help="Wissensportal: statische, offline lesbare Website mit Suche")
    p.add_argument("--out", "-o", default="site", metavar="ORDNER",
                   help="Zielordner (Standard: site); ein zweiter Lauf schreibt nur Geändertes")
    p.add_argument("--entwuerfe", action="store_true",
                   help="auch Steckbriefe ohne „status: freigegeben“ veröffentlichen (als Entwurf markiert)")
    p.add_argument("--pruefintervall", type=int, metavar="TAGE",
                   help="Prüfdatum älter als so viele Tage wird markiert (Standard: "
                        "parameter.pruefintervall_tage in verbund.yaml, sonst 730)")
    p.add_argument("--stichtag", metavar="JJJJ-MM-TT",
                   help="Bezugstag für das Alter der Prüfung (Standard: stand aus verbund.yaml)")
    p.add_argument("--weitere-wissensbasis", action="append", default=[], metavar="PFAD",
                   help="weitere Wissensbasis (anderer Verbund) für „dieselbe Leistung anderswo“ "
                        "über den LeiKa-Schlüssel; mehrfach möglich")
    add_repository_option(p)
    p.set_defaults(func=cmd_portal)


def cmd_portal(args: argparse.Namespace) -> int:
    from ..portal import build_portal
    from ..portal.glossary import GlossaryError
    from ..repository import RepositoryError

    started = time.perf_counter()
    if args.pruefintervall is not None and args.pruefintervall <= 0:
        return fail("--pruefintervall muss eine positive Zahl von Tagen sein.")
    try:
        reference = dt.date.fromisoformat(args.stichtag) if args.stichtag else None
    except ValueError:
        return fail(f"--stichtag '{args.stichtag}' ist kein Datum (JJJJ-MM-TT).")
    try:
        repo = open_repository(args.repository)
        others = [open_repository(p) for p in args.weitere_wissensbasis]
    except RepositoryError as err:
        return fail(str(err))
    out = Path(args.out)
    root = repo.root.resolve()
    if out.exists() and not out.is_dir():
        return fail(f"{out}: ist eine Datei, kein Ordner. Bitte einen Ordner für das Portal angeben.")
    if out.resolve() == root or root in out.resolve().parents:
        return fail(f"{out}: liegt in der Wissensbasis {repo.root}. Das Portal bitte außerhalb "
                    "erzeugen (z. B. --out site).")
    try:
        summary = build_portal(repo, out, drafts=args.entwuerfe, interval_days=args.pruefintervall,
                               reference=reference, others=others)
    except GlossaryError as err:
        return fail(str(err))
    print(f"Wissensportal: {len(summary.published)} Prozesse veröffentlicht, "
          f"{len(summary.left_out)} ausgelassen.")
    if summary.left_out:
        print("Ausgelassen (nicht freigegeben; mit --entwuerfe als Entwurf aufnehmen):")
        for lid, name, reason in summary.left_out:
            print(f"  - {name} ({lid}): {reason}")
    if summary.overdue:
        print("Prüfung überfällig (auf der Seite markiert):")
        for lid, name, date in summary.overdue:
            print(f"  - {name} ({lid}): zuletzt geprüft am {date}")
    for note in summary.notes:
        print(f"Hinweis: {note}")
    print(f"{len(summary.changed_files)} von {summary.file_count} Dateien geschrieben, "
          f"{len(summary.rebuilt_records)} Prozesse neu aufbereitet"
          + (f", {len(summary.removed_files)} entfernt" if summary.removed_files else "")
          + f" ({time.perf_counter() - started:.1f} s).")
    print(f"Startseite: {(out / 'index.html').resolve()}")
    return EXIT_OK
