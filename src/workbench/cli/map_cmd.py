"""`workbench map` and `workbench landkarte` — process maps as SVG, PNG or PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_INPUT, EXIT_OK, fail

if TYPE_CHECKING:
    from ..maps import Map

FORMATS = (".svg", ".png", ".pdf", ".dot")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `map` and `landkarte` commands."""
    p = sub.add_parser(
        "map", help="Prozesskarte einer Leistung oder BPMN-Datei zeichnen (SVG, PNG, PDF)",
        description="Zeichnet das IST- oder SOLL-Modell einer Leistung der Wissensbasis, beide "
        "im Vergleich, oder eine beliebige BPMN-Datei. Das Format folgt der Endung von -o.")
    p.add_argument("source", metavar="LEISTUNG|DATEI.bpmn",
                   help="ID einer Leistung der Wissensbasis oder Pfad einer BPMN-Datei")
    p.add_argument("--variant", "--variante", dest="variant", default="ist",
                   choices=("ist", "soll", "vergleich"), help="welches Modell (Standard: ist)")
    p.add_argument("--kommune", metavar="SCHLÜSSEL",
                   help="IST-Variante dieser Kommune (sonst das IST des Verbunds)")
    p.add_argument("--stil", default="auto", choices=("auto", "di"),
                   help="auto: automatisch angeordnet (Graphviz); di: wie im Modellierungswerkzeug "
                   "gezeichnet (ohne Diagramminformationen: auto)")
    p.add_argument("--diagramm", type=int, default=1, metavar="NR",
                   help="bei --stil di: Nummer des Diagramms (Standard: 1)")
    p.add_argument("--teilprozess", metavar="NAME|ID",
                   help="nur den Inhalt dieses Teilprozesses zeichnen (Name oder ID; Ebenen: "
                   "workbench bpmn ebenen DATEI)")
    p.add_argument("--soll", metavar="DATEI.bpmn",
                   help="bei einer BPMN-Datei und --variant vergleich: die SOLL-Datei")
    p.add_argument("--ohne-kennzahlen", action="store_true",
                   help="Medienbrüche und Verschwendung nicht hervorheben")
    p.add_argument("-o", "--output", required=True, metavar="DATEI",
                   help="Ausgabedatei: .svg, .png, .pdf (oder .dot)")
    _pdf_option(p)
    p.add_argument("--repository", default="processes", metavar="PFAD",
                   help="Ordner der Wissensbasis (Standard: processes)")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("landkarte", help="Prozesslandkarte aller Leistungen zeichnen",
                       description="Alle Leistungen der Wissensbasis auf einem Plakat, nach "
                       "Fachbereich und Prozesstyp, eingefärbt nach Priorität, Digitalanteil "
                       "oder OZG-Reifegrad.")
    p.add_argument("-o", "--output", required=True, metavar="DATEI",
                   help="Ausgabedatei: .svg, .png, .pdf (oder .dot)")
    p.add_argument("--farbe", default="prioritaet",
                   choices=("prioritaet", "digitalanteil", "reifegrad"),
                   help="Einfärbung der Kacheln (Standard: prioritaet)")
    p.add_argument("--titel", default="Prozesslandkarte", help="Überschrift des Plakats")
    p.add_argument("--gruppierung", default="fachbereich", choices=("fachbereich", "themenfeld"),
                   help="Spalten nach Fachbereich oder nach OZG-Themenfeld (aus OZG-ID oder "
                   "LeiKa-Schlüssel; Standard: fachbereich)")
    _pdf_option(p)
    p.add_argument("--repository", default="processes", metavar="PFAD",
                   help="Ordner der Wissensbasis (Standard: processes)")
    p.set_defaults(func=cmd_landkarte)


def _pdf_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pdf-seiten", default="a4", choices=("a4", "ganz"),
                   help="bei .pdf: a4 = A4 quer, eine große Karte in lesbare Teile (Schrift ab "
                   "7 pt) mit Übersichtsseite geteilt (Standard); ganz = eine Seite in "
                   "Kartengröße")


def _save(result: Map, args: argparse.Namespace) -> str:
    """Write the map; a PDF on A4 landscape pages unless ``--pdf-seiten ganz``. Returns a
    German note on the pages written ("" for other formats)."""
    if Path(args.output).suffix.lower() != ".pdf" or args.pdf_seiten == "ganz":
        result.save(args.output)
        return ""
    from ..fileio import atomic_write_bytes
    from ..mapprint import map_pdf

    data, layout = map_pdf(result.svg, result.title)
    atomic_write_bytes(Path(args.output), data)
    smallest = f"{layout.smallest_pt:.1f}".replace(".", ",")
    if not layout.split:
        return f" (A4 quer, eine Seite, kleinste Schrift {smallest} pt)"
    return (f" (A4 quer, {len(layout.tiles) + 1} Seiten: Übersicht und {len(layout.tiles)} "
            f"Teile, kleinste Schrift {smallest} pt)")


def _check_output(path: str) -> str | None:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        return (f"Unbekanntes Ausgabeformat '{suffix or path}'; möglich sind: "
                + ", ".join(FORMATS) + ".")
    return None


def _errors() -> tuple[type[BaseException], ...]:
    from ..bpmn import BpmnRejected
    from ..bpmn.levels import LevelError
    from ..maps import ExportUnavailable, GraphvizFailed, GraphvizMissing, MapTooLarge, NoDiagram
    from ..maps.kb import MapInputError
    from ..reports.pdf import PdfError

    found: list[type[BaseException]] = [BpmnRejected, LevelError, ExportUnavailable, GraphvizFailed,
                                        GraphvizMissing, NoDiagram, MapInputError, MapTooLarge,
                                        PdfError]
    try:
        from ..repository import RepositoryError

        found.append(RepositoryError)
    except ImportError:  # pragma: no cover - the repository module ships with the package
        pass
    try:
        from ..metrics import MetricsError

        found.append(MetricsError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(found)


def cmd_map(args: argparse.Namespace) -> int:
    problem = _check_output(args.output)
    if problem:
        return fail(problem)
    errors = _errors()
    try:
        result = _build_map(args)
        if result is None:
            return EXIT_INPUT
        pages = _save(result, args)
    except errors as err:
        return fail(str(err))
    for warning in result.warnings:
        print(f"Hinweis: {warning}", file=sys.stderr)
    print(f"Karte geschrieben: {args.output}{pages}")
    return EXIT_OK


def _build_map(args: argparse.Namespace) -> Map | None:
    from .. import bpmn
    from ..maps import Highlights, compare_models, comparison_map, process_map
    from ..maps.kb import leistung_map

    source = Path(args.source)
    diagram = max(args.diagramm - 1, 0)
    if args.teilprozess and args.variant == "vergleich":
        fail("--teilprozess zeichnet eine Ebene eines Modells; für den Vergleich bitte ohne "
             "--teilprozess aufrufen.")
        return None
    if source.suffix.lower() == ".bpmn" or source.is_file():
        model = bpmn.read(source)
        if args.teilprozess:
            from ..bpmn.levels import level_model

            model = level_model(model, args.teilprozess)
        if args.variant == "vergleich":
            if not args.soll:
                fail("Für den Vergleich einer BPMN-Datei bitte die SOLL-Datei mit --soll angeben.")
                return None
            soll = bpmn.read(args.soll)
            if args.ohne_kennzahlen:
                return comparison_map(model, soll)
            return compare_models(model, soll)
        return process_map(model, style=args.stil, diagram=diagram,
                           with_metrics=not args.ohne_kennzahlen,
                           highlights=Highlights() if args.ohne_kennzahlen else None)
    from ..repository import Repository

    repo = Repository.load(args.repository)
    return leistung_map(repo, args.source, args.variant, kommune=args.kommune, style=args.stil,
                        diagram=diagram, with_metrics=not args.ohne_kennzahlen,
                        teilprozess=args.teilprozess)


def cmd_landkarte(args: argparse.Namespace) -> int:
    problem = _check_output(args.output)
    if problem:
        return fail(problem)
    errors = _errors()
    try:
        from ..maps.kb import repository_landscape
        from ..repository import Repository

        repo = Repository.load(args.repository)
        result = repository_landscape(repo, args.farbe, title=args.titel,
                                      group_by=args.gruppierung)
        pages = _save(result, args)
    except errors as err:
        return fail(str(err))
    except Exception as err:  # the prioritization may fail on an incomplete knowledge base
        if args.farbe == "prioritaet" and type(err).__name__ == "PotentialError":
            return fail(f"{err} Tipp: --farbe digitalanteil braucht kein Bewertungsmodell.")
        raise
    for warning in result.warnings:
        print(f"Hinweis: {warning}", file=sys.stderr)
    print(f"Landkarte geschrieben: {args.output}{pages}")
    return EXIT_OK
