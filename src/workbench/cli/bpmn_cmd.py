"""`workbench bpmn inspect|roundtrip|lint` — BPMN files outside the knowledge base."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, fail, print_json_lines


def register(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """Add the `bpmn` command group; returns its subparsers for further commands."""
    group = sub.add_parser("bpmn", help="BPMN-Dateien prüfen, zählen, umschreiben")
    bsub = group.add_subparsers(dest="bpmn_command", metavar="BEFEHL", required=True)

    p = bsub.add_parser("inspect", help="Elemente je Datei zählen, Warnungen zeigen")
    p.add_argument("files", nargs="+", metavar="DATEI")
    p.add_argument("--json", action="store_true", help="eine JSON-Zeile je Datei")
    p.set_defaults(func=cmd_inspect)

    p = bsub.add_parser("roundtrip", help="einlesen und als Standard-BPMN 2.0 wieder schreiben")
    p.add_argument("input", metavar="EINGABE")
    p.add_argument("output", metavar="AUSGABE")
    p.set_defaults(func=cmd_roundtrip)

    p = bsub.add_parser("lint", help="Modellierungsregeln und BPMN-Schema prüfen")
    p.add_argument("files", nargs="+", metavar="DATEI")
    p.add_argument("--ohne-xsd", action="store_true", help="Schemaprüfung auslassen")
    p.add_argument("--json", action="store_true", help="eine JSON-Zeile je Befund")
    p.set_defaults(func=cmd_lint)
    return bsub


def cmd_inspect(args: argparse.Namespace) -> int:
    from .. import bpmn
    from ..bpmn.inspect import element_counts

    exit_code = EXIT_OK
    for name in args.files:
        try:
            defs = bpmn.read(name)
        except bpmn.BpmnRejected as err:
            exit_code = EXIT_INPUT
            if args.json:
                print_json_lines([{"file": name, "imported": False, "counts": {},
                                   "warnings": [err.reason]}])
            else:
                print(f"{name}: NICHT importiert – {err.reason}")
            continue
        counts = element_counts(defs)
        if args.json:
            print_json_lines([{"file": name, "imported": True, "counts": counts,
                               "warnings": [str(w) for w in defs.warnings]}])
            continue
        print(f"{name}: importiert, {sum(counts.values())} Elemente")
        for local, count in counts.items():
            print(f"  {local:<32} {count:>6}")
        for warning in defs.warnings:
            print(f"  Warnung: {warning}")
    return exit_code


def cmd_roundtrip(args: argparse.Namespace) -> int:
    from .. import bpmn

    try:
        defs = bpmn.read(args.input)
    except bpmn.BpmnRejected as err:
        return fail(str(err))
    for warning in defs.warnings:
        print(f"Warnung: {warning}")
    try:
        bpmn.write(defs, args.output)
    except bpmn.BpmnRejected as err:
        return fail(str(err))
    except OSError as err:
        return fail(f"{args.output}: konnte nicht geschrieben werden ({err.strerror}).")
    print(f"Geschrieben: {Path(args.output)}")
    return EXIT_OK


def cmd_lint(args: argparse.Namespace) -> int:
    from .. import bpmn
    from ..bpmn.lint import has_errors, lint
    from ..bpmn.xsd import validate_xsd

    exit_code = EXIT_OK
    for name in args.files:
        try:
            defs = bpmn.read(name)
        except bpmn.BpmnRejected as err:
            print(fail(str(err)) and "", end="")
            exit_code = EXIT_INPUT
            continue
        findings = [w for w in defs.warnings if w.code != "duplicate-id"] + lint(defs)
        if not args.ohne_xsd:
            findings += validate_xsd(defs)
        if args.json:
            print_json_lines({"file": name, **f.as_dict()} for f in findings)
        else:
            label = "keine Befunde" if not findings else f"{len(findings)} Befund(e)"
            print(f"{name}: {label}")
            for f in findings:
                sev = {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}[f.severity]
                where = f"Zeile {f.line}: " if f.line else ""
                print(f"  {sev}: {where}{f.message}")
        if has_errors(findings) and exit_code == EXIT_OK:
            exit_code = EXIT_FINDINGS
    return exit_code
