"""`workbench validate|katalog|uebersicht|import …` — the knowledge base ``processes/``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import katalog_cmd, xprozess_cmd
from .common import EXIT_FINDINGS, EXIT_OK, fail, print_import_report, print_json_lines, print_table

if TYPE_CHECKING:  # the commands import the library lazily (fast `workbench --help`)
    from .. import bpmn
    from ..repository import Repository

DEFAULT_REPOSITORY = "processes"


def add_repository_option(parser: argparse.ArgumentParser) -> None:
    """The common ``--repository PATH`` option (default ``processes/``)."""
    parser.add_argument("--repository", "-r", default=DEFAULT_REPOSITORY, metavar="PFAD",
                        help="Ordner der Wissensbasis (Standard: processes)")


def open_repository(path: str) -> Repository:
    """Load the knowledge base or raise RepositoryError with a German message."""
    from ..repository import Repository

    return Repository.load(path)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="Wissensbasis prüfen (Exit 1 bei Fehlern)")
    p.add_argument("path", nargs="?", metavar="PFAD", help="Ordner der Wissensbasis")
    add_repository_option(p)
    p.add_argument("--json", action="store_true", help="eine JSON-Zeile je Befund")
    p.add_argument("--nur-fehler", action="store_true", help="nur Fehler zeigen")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("katalog", help="den Leistungskatalog zeigen; abgleichen mit LeiKa/OZG "
                                       "(vorschlagen, uebernehmen, themenfeld)")
    add_repository_option(p)
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--fachbereich", help="nur diesen Fachbereich")
    p.set_defaults(func=cmd_katalog)
    katalog_cmd.add_parsers(p, add_repository_option)

    p = sub.add_parser("import", help="Katalog, Fallzahlen, BPMN-Modelle, Schritttabellen oder "
                                      "FIM-Prozesse (XProzess) übernehmen")
    isub = p.add_subparsers(dest="import_command", metavar="ART", required=True)
    q = isub.add_parser("katalog", help="Leistungsliste (CSV/XLSX) in leistungen.yaml übernehmen")
    q.add_argument("file", metavar="DATEI")
    add_repository_option(q)
    q.set_defaults(func=cmd_import_katalog)
    q = isub.add_parser("fallzahlen", help="Fallzahlen (CSV/XLSX) in fallzahlen.csv übernehmen")
    q.add_argument("file", metavar="DATEI")
    q.add_argument("--quelle", default="Import", help="Quelle, wenn die Datei keine nennt")
    add_repository_option(q)
    q.set_defaults(func=cmd_import_fallzahlen)
    q = isub.add_parser("bpmn", help="BPMN-Modell eines anderen Werkzeugs übernehmen")
    q.add_argument("file", metavar="DATEI")
    _model_target(q)
    q.set_defaults(func=cmd_import_bpmn)
    q = isub.add_parser("schritte", help="Schritttabelle (CSV/XLSX) als BPMN-Modell übernehmen")
    q.add_argument("file", metavar="DATEI")
    _model_target(q)
    q.add_argument("--aktualisieren", action="store_true",
                   help="Änderungen als Patch auf das vorhandene Modell anwenden (Diagramm, "
                        "Pools und Erweiterungen bleiben erhalten)")
    q.set_defaults(func=cmd_import_schritte)
    xprozess_cmd.add_import_parser(isub, add_repository_option)

    p = sub.add_parser("export", help="Modelle als Schritttabelle oder XProzess ausgeben")
    esub = p.add_subparsers(dest="export_command", metavar="ART", required=True)
    q = esub.add_parser("schritte", help="ein Modell als Schritttabelle (CSV/XLSX) schreiben")
    q.add_argument("leistung", metavar="LEISTUNG")
    q.add_argument("--variant", required=True, choices=("ist", "soll"))
    q.add_argument("--kommune", metavar="SCHLÜSSEL")
    q.add_argument("-o", "--output", required=True, metavar="DATEI", help=".csv oder .xlsx")
    add_repository_option(q)
    q.set_defaults(func=cmd_export_schritte)
    xprozess_cmd.add_export_parser(esub, add_repository_option)


def _model_target(q: argparse.ArgumentParser) -> None:
    q.add_argument("--leistung", required=True, metavar="ID")
    q.add_argument("--variant", required=True, choices=("ist", "soll"))
    q.add_argument("--kommune", metavar="SCHLÜSSEL", help="kommunale IST-Variante")
    q.add_argument("--ueberschreiben", action="store_true", help="vorhandenes Modell ersetzen")
    q.add_argument("--erzwingen", action="store_true",
                   help="auch ein nicht auswertbares Modell übernehmen (ohne Prozess oder ohne "
                        "erreichbares Ende); Berichte zählen es dann als fehlend")
    add_repository_option(q)


def _print_findings(findings: list, *, as_json: bool) -> None:
    from ..kb.findings import SEVERITY_DE

    if as_json:
        print_json_lines(f.as_dict() for f in findings)
        return
    rows = [(SEVERITY_DE[f.severity], f.file, f.location, f.message) for f in findings]
    if rows:
        print_table(rows, ("Schwere", "Datei", "Stelle", "Befund"))


def cmd_validate(args: argparse.Namespace) -> int:
    from ..kb.findings import sort_findings
    from ..repository import RepositoryError
    from ..strategy import strategy_of

    try:
        repo = open_repository(args.path or args.repository)
    except RepositoryError as err:
        return fail(str(err))
    findings = repo.validate()
    strategy_findings = strategy_of(repo)[1]
    if strategy_findings:
        findings = sort_findings(findings + strategy_findings)
    shown = [f for f in findings if f.severity == "error"] if args.nur_fehler else findings
    _print_findings(shown, as_json=args.json)
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    if not args.json:
        print(f"\n{repo.root}: {len(repo.leistungen)} Leistungen, {len(repo.kommunen)} Kommunen, "
              f"{len(repo.model_files())} Modelle – {counts['error']} Fehler, "
              f"{counts['warning']} Warnungen, {counts['info']} Hinweise.")
        if counts["error"]:
            print("Bitte die Fehler beheben; Warnungen und Hinweise sind Datenqualitätsbefunde.")
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


def cmd_katalog(args: argparse.Namespace) -> int:
    from ..repository import RepositoryError

    try:
        repo = open_repository(args.repository)
    except RepositoryError as err:
        return fail(str(err))
    frame = repo.leistungen.copy()
    if args.fachbereich:
        frame = frame[frame["fachbereich"] == args.fachbereich]
    frame["ist_varianten"] = [len(repo.ist_variants(i)) for i in frame["id"]]
    frame["steckbrief"] = frame["id"].isin(repo.steckbriefe["leistung"])
    if args.format == "csv":
        print(frame.to_csv(index=False), end="")
    elif args.format == "json":
        print_json_lines(json.loads(frame.to_json(orient="records", force_ascii=False)))
    else:
        rows = [(r.id, r.name, r.fachbereich, r.prozesstyp,
                 _grade(r.reifegrad_ist, r.reifegrad_ziel), r.erfassung,
                 "ja" if r.steckbrief else "nein", r.ist_varianten or "")
                for r in frame.itertuples()]
        print_table(rows, ("ID", "Leistung", "Fachbereich", "Prozesstyp", "OZG Ist→Ziel",
                           "Erfassung", "Steckbrief", "IST-Varianten"))
        print(f"\n{len(frame)} Leistungen im Katalog „{repo.verbund.name}“.")
    return EXIT_OK


def _grade(ist: object, ziel: object) -> str:
    def fmt(v: object) -> str:
        return "–" if v is None or str(v) in ("<NA>", "nan") else str(v)

    return f"{fmt(ist)}→{fmt(ziel)}"


def cmd_import_katalog(args: argparse.Namespace) -> int:
    from ..kb.imports import import_katalog
    from ..kb.tabular import TableError

    root = Path(args.repository)
    if not root.is_dir():
        return fail(f"Wissensbasis '{root}' nicht gefunden.")
    try:
        return print_import_report(import_katalog(root, Path(args.file)))
    except TableError as err:
        return fail(str(err))


def cmd_import_fallzahlen(args: argparse.Namespace) -> int:
    from ..kb.imports import import_fallzahlen
    from ..kb.tabular import TableError
    from ..repository import RepositoryError

    try:
        repo = open_repository(args.repository)
        kommunen = {k.casefold(): k for k in repo.kommunen["schluessel"]}
        kommunen |= {str(n).casefold(): k for k, n in zip(repo.kommunen["schluessel"],
                                                          repo.kommunen["name"], strict=True)}
        leistungen = {i.casefold(): i for i in repo.leistungen["id"]}
        leistungen |= {str(n).casefold(): i for i, n in zip(repo.leistungen["id"],
                                                            repo.leistungen["name"], strict=True)}
        return print_import_report(import_fallzahlen(repo.root, Path(args.file), kommunen, leistungen,
                                               args.quelle))
    except (RepositoryError, TableError) as err:
        return fail(str(err))


def cmd_import_bpmn(args: argparse.Namespace) -> int:
    from .. import bpmn
    from ..repository import RepositoryError

    try:
        repo = open_repository(args.repository)
        target = repo.model_path(args.leistung, args.variant, args.kommune)
        repo.leistung(args.leistung)
        if args.kommune:
            repo.kommune(args.kommune)
        defs = bpmn.read(args.file)
    except RepositoryError as err:
        return fail(str(err))
    except bpmn.BpmnRejected as err:
        return fail(f"{err} – nichts übernommen.")
    return _store_model(repo, args, defs, target)


def _store_model(repo: Repository, args: argparse.Namespace, defs: bpmn.Definitions,
                 target: Path) -> int:
    from .. import bpmn
    from ..kb.imports import attribute_gaps, computable_problem

    if target.exists() and not args.ueberschreiben:
        return fail(f"{target} existiert bereits. Mit --ueberschreiben ersetzen.")
    refusal = computable_problem(defs)
    if refusal and not getattr(args, "erzwingen", False):
        return fail(f"{refusal} – nichts übernommen. Mit --erzwingen trotzdem übernehmen "
                    "(Berichte zählen das Modell dann als fehlend).")
    if refusal:
        print(f"Warnung: {refusal} Übernommen, weil --erzwingen angegeben ist; Berichte zählen "
              "das Modell als fehlend, bis es korrigiert ist.", file=sys.stderr)
    for warning in defs.warnings:
        print(f"Warnung: {warning}")
    try:
        path = repo.save_model(args.leistung, args.variant, defs, args.kommune)
    except bpmn.BpmnRejected as err:
        return fail(f"{err} – nichts übernommen.")
    except OSError as err:
        return fail(f"{target}: konnte nicht geschrieben werden ({err.strerror or err}).")
    print(f"Übernommen: {path} (Diagramm: {'ja' if defs.has_di else 'automatisch'}, "
          f"{len(defs.activities())} Aktivitäten)")
    gaps = attribute_gaps(defs)
    if gaps:
        print("Für die Potenzialrechnung fehlen Werkbench-Attribute:")
        for gap in gaps:
            print(f"  – {gap}")
    return EXIT_OK


def cmd_import_schritte(args: argparse.Namespace) -> int:
    from ..repository import RepositoryError
    from ..steptable import StepTableError, read_step_table, step_table_to_bpmn

    try:
        repo = open_repository(args.repository)
        target = repo.model_path(args.leistung, args.variant, args.kommune)
        row = repo.leistung(args.leistung)
        pool = repo.kommune(args.kommune)["name"] if args.kommune else repo.verbund.name
        table = read_step_table(Path(args.file))
        from ..steptable.links import resolve_replaces

        resolve_replaces(table, repo.model(args.leistung, "ist") if args.variant == "soll"
                         else None)
        if args.aktualisieren:
            return _update_model(repo, args, table)
        label = "SOLL" if args.variant == "soll" else "IST"
        defs = step_table_to_bpmn(table, name=f"{row['name']} – {label}", pool=str(pool),
                                  process_id=f"{args.leistung}_{args.variant}"
                                  + (f"_{args.kommune}" if args.kommune else ""))
    except (RepositoryError, StepTableError) as err:
        return fail(f"{err} – nichts übernommen.")
    for finding in table.findings:
        print(f"Hinweis: {finding}")
    return _store_model(repo, args, defs, target)


def _update_model(repo: Repository, args: argparse.Namespace, table: object) -> int:
    """``import schritte --aktualisieren``: the table's changes as patches to the model."""
    from .. import bpmn
    from ..bpmn.write import check_readable
    from ..edit import EditRefused
    from ..edit.steps import apply_step_table

    if args.ueberschreiben:
        return fail("--aktualisieren und --ueberschreiben schließen sich aus: --aktualisieren "
                    "ändert das vorhandene Modell, --ueberschreiben ersetzt es.")
    current = repo.model(args.leistung, args.variant, args.kommune)
    source = repo.model_source(args.leistung, args.variant, args.kommune)
    if current is None:
        return fail(f"Kein {args.variant.upper()}-Modell für '{args.leistung}' vorhanden, das "
                    "aktualisiert werden könnte. Bitte ohne --aktualisieren importieren.")
    for finding in table.findings:  # type: ignore[attr-defined]
        print(f"Hinweis: {finding}")
    try:
        original = (repo.root / source).read_bytes() if source else None
        result = apply_step_table(current, table, original=original)  # type: ignore[arg-type]
    except EditRefused as err:
        return fail(f"{err} Nichts geschrieben.")
    except OSError as err:
        return fail(f"{source}: konnte nicht gelesen werden ({err.strerror or err}).")
    if not result.changed:
        print(f"Keine Änderung: die Tabelle entspricht {source}.")
        return EXIT_OK
    for line in result.changes:
        print(f"  {line}")
    try:
        target = repo.model_path(args.leistung, args.variant, args.kommune)
        check_readable(result.xml, str(target))
        path = repo.save_model_bytes(args.leistung, args.variant, result.xml, args.kommune)
    except bpmn.BpmnRejected as err:
        return fail(f"{err} – nichts geschrieben.")
    except OSError as err:
        return fail(f"{args.leistung}: konnte nicht geschrieben werden ({err.strerror or err}).")
    print(f"Aktualisiert: {path} ({len(result.changes)} Änderung(en); alles Übrige unverändert)")
    return EXIT_OK


def cmd_export_schritte(args: argparse.Namespace) -> int:
    from ..repository import RepositoryError
    from ..steptable import bpmn_to_step_table, write_step_table

    try:
        repo = open_repository(args.repository)
        defs = repo.model(args.leistung, args.variant, args.kommune)
    except RepositoryError as err:
        return fail(str(err))
    if defs is None:
        return fail(f"Kein {args.variant.upper()}-Modell für '{args.leistung}' vorhanden.")
    from ..steptable.links import replaces_as_numbers

    frame = bpmn_to_step_table(defs)
    if args.variant == "soll":
        frame = replaces_as_numbers(frame, repo.model(args.leistung, "ist"))
    path = write_step_table(frame, args.output)
    print(f"Geschrieben: {path} (aus {repo.model_source(args.leistung, args.variant, args.kommune)})")
    return EXIT_OK
