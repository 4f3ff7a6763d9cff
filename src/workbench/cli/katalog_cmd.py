"""`workbench katalog vorschlagen|uebernehmen|themenfeld` — the national catalogue as a source."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .common import EXIT_OK, fail, print_import_report, print_table

RepositoryOption = Callable[[argparse.ArgumentParser], None]


def add_parsers(katalog: argparse.ArgumentParser, add_repository_option: RepositoryOption) -> None:
    """Subcommands of ``workbench katalog`` (without one it shows the catalogue)."""
    sub = katalog.add_subparsers(dest="katalog_command", metavar="AKTION", required=False)
    q = sub.add_parser("vorschlagen", help="eigene Leistungsliste mit LeiKa/OZG abgleichen: "
                       "Vorschläge mit Sicherheit, bis zu drei Kandidaten je Zeile",
                       description="Gleicht eine Liste (CSV/XLSX, Spalte „Leistung“) mit dem "
                       "LeiKa/OZG-Katalog ab und schreibt eine Tabelle zum Bestätigen.")
    q.add_argument("file", metavar="LISTE")
    q.add_argument("-o", "--output", metavar="DATEI", default="vorschlaege.xlsx",
                   help="Tabelle zum Bestätigen (.xlsx oder .csv; Standard: vorschlaege.xlsx)")
    q.add_argument("--katalog", metavar="PFAD", help="OZG-/LeiKa-Katalog (Standard: mitgeliefert)")
    add_repository_option(q)
    q.set_defaults(func=cmd_vorschlagen)
    q = sub.add_parser("uebernehmen", help="bestätigte Vorschläge (Spalte „Auswahl“) in "
                       "leistungen.yaml schreiben")
    q.add_argument("file", metavar="VORSCHLAEGE")
    q.add_argument("--katalog", metavar="PFAD")
    q.add_argument("--ueberschreiben", action="store_true",
                   help="einen anderen vorhandenen LeiKa-Schlüssel ersetzen")
    add_repository_option(q)
    q.set_defaults(func=cmd_uebernehmen)
    q = sub.add_parser("themenfeld", help="alle OZG-Leistungen eines Themenfelds oder einer "
                       "Lebenslage als Leistungen (nur Steckbrief) aufnehmen")
    q.add_argument("name", metavar="THEMENFELD|LEBENSLAGE")
    q.add_argument("--fachbereich", default="", help="Fachbereich der neuen Leistungen")
    q.add_argument("--katalog", metavar="PFAD")
    add_repository_option(q)
    q.set_defaults(func=cmd_themenfeld)


def _catalog(path: str | None):
    from ..kb.ozg_catalog import load_catalog

    return load_catalog(path)


def cmd_vorschlagen(args: argparse.Namespace) -> int:
    from ..kb.catalog_match import CatalogMatcher
    from ..kb.catalog_suggest import STATUS_DE, read_list, suggest, write_suggestions
    from ..kb.ozg_catalog import CatalogError
    from ..kb.tabular import TableError

    try:
        catalog = _catalog(args.katalog)
        rows = read_list(Path(args.file))
        results = suggest(rows, CatalogMatcher(catalog))
        known = _known_names(Path(args.repository))
        path = write_suggestions(results, Path(args.output), known)
    except (CatalogError, TableError) as err:
        return fail(str(err))
    table = []
    for r in results:
        best = r.best
        table.append((r.row, r.name[:50], STATUS_DE[r.status].split(" –")[0],
                      best.entry.key if best else "", (best.entry.name[:50] if best else ""),
                      f"{best.score:.2f}".replace(".", ",") if best else ""))
    print_table(table, ("Zeile", "Leistung", "Status", "LeiKa", "bester Vorschlag", "Wert"))
    counts = Counter(r.status for r in results)
    print(f"\n{len(results)} Zeilen: {counts['sicher']} sicher, {counts['unsicher']} unsicher, "
          f"{counts['kein Treffer']} ohne Treffer (Katalog: {catalog.source}).")
    print(f"Geschrieben: {path} – bitte in der Spalte „Auswahl“ 1, 2, 3, einen LeiKa-Schlüssel "
          "oder - eintragen und mit `workbench katalog uebernehmen` übernehmen.")
    return EXIT_OK


def _known_names(root: Path) -> dict[str, str]:
    """Catalogue names (casefolded) → IDs of the knowledge base, when it exists."""
    from ..kb.yamlio import YamlFileError, load_yaml

    path = root / "leistungen.yaml"
    try:
        data = load_yaml(path) if path.exists() else None
    except YamlFileError:
        return {}
    entries = data.get("leistungen") if isinstance(data, dict) else None
    return {str(e.get("name", "")).casefold(): str(e.get("id")) for e in entries or []
            if isinstance(e, dict) and e.get("id")}


def cmd_uebernehmen(args: argparse.Namespace) -> int:
    from ..kb.catalog_suggest import apply_suggestions
    from ..kb.ozg_catalog import CatalogError
    from ..kb.tabular import TableError

    root = Path(args.repository)
    if not root.is_dir():
        return fail(f"Wissensbasis '{root}' nicht gefunden.")
    try:
        return print_import_report(apply_suggestions(root, Path(args.file), _catalog(args.katalog),
                                         overwrite=args.ueberschreiben))
    except (CatalogError, TableError) as err:
        return fail(str(err))


def cmd_themenfeld(args: argparse.Namespace) -> int:
    from ..kb.catalog_suggest import add_area
    from ..kb.ozg_catalog import CatalogError

    root = Path(args.repository)
    if not root.is_dir():
        return fail(f"Wissensbasis '{root}' nicht gefunden.")
    try:
        return print_import_report(add_area(root, _catalog(args.katalog), args.name,
                                fachbereich=args.fachbereich))
    except CatalogError as err:
        return fail(str(err))
