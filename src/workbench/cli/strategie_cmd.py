"""`workbench strategie [baum|status|import]` — the strategy register of the knowledge base."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..text import german_number
from .common import EXIT_FINDINGS, EXIT_OK, fail, print_import_report, print_table

DEFAULT_REPOSITORY = "processes"


def _repo_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repository", "-r", default=DEFAULT_REPOSITORY, metavar="PFAD",
                   help="Ordner der Wissensbasis (Standard: processes)")


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``strategie`` to the command line."""
    p = sub.add_parser("strategie", help="Strategie: Zielbaum, Status der Maßnahmen und Key "
                       "Results, Import eines Maßnahmenkatalogs",
                       description="Zeigt die Strategie aus processes/strategie/ (ohne Aktion: "
                       "den Zielbaum). Format: docs/strategie.md.")
    _repo_option(p)
    p.add_argument("--json", action="store_true", help="als JSON ausgeben")
    p.set_defaults(func=cmd_baum)
    sub2 = p.add_subparsers(dest="strategie_command", metavar="AKTION", required=False)
    q = sub2.add_parser("baum", help="Vision → Handlungsfelder → Ziele → Maßnahmen → Leistungen")
    _repo_option(q)
    q.add_argument("--json", action="store_true", help="als JSON ausgeben")
    q.set_defaults(func=cmd_baum)
    q = sub2.add_parser("status", help="Maßnahmen mit letzter Ampel und Trend; Key Results des "
                        "Quartals mit Fortschritt (berechnete Werte zum Stichtag)")
    _repo_option(q)
    q.add_argument("--stand", metavar="JJJJ-MM-TT",
                   help="Stichtag (Standard: 'stand' aus verbund.yaml)")
    q.add_argument("--quartal", metavar="JJJJ-Qn",
                   help="Quartal der Key Results (Standard: das Quartal des Stichtags, sonst das "
                        "letzte mit OKR)")
    q.add_argument("--json", action="store_true", help="als JSON ausgeben")
    q.set_defaults(func=cmd_status)
    q = sub2.add_parser("import", help="Maßnahmenkatalog (CSV/XLSX) in strategie/massnahmen.yaml "
                        "übernehmen")
    q.add_argument("file", metavar="DATEI")
    _repo_option(q)
    q.set_defaults(func=cmd_import)
    return p


def _load(path: str) -> tuple[Any, Any, list[Any]] | int:
    """(knowledge base, strategy, findings), or the exit code after a German message when the
    knowledge base cannot be loaded or has no readable strategy."""
    from ..repository import Repository, RepositoryError
    from ..strategy import strategy_of

    try:
        repo = Repository.load(path)
    except RepositoryError as err:
        return fail(str(err))
    strategy, findings = strategy_of(repo)
    if strategy is None:
        return _no_strategy(repo, findings)
    return repo, strategy, findings


def _no_strategy(repo: Any, findings: list[Any]) -> int:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        for f in errors:
            print(str(f))
        return fail("Die Strategie ist nicht lesbar (siehe oben).", EXIT_FINDINGS)
    return fail(f"{repo.root}: keine Strategie (Ordner strategie/ fehlt). Vorlage und Format: "
                "docs/strategie.md.")


def _exit_code(findings: list[Any]) -> int:
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK


def _errors_note(findings: list[Any]) -> None:
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        print(f"\nAchtung: {len(errors)} Fehler in der Strategie – `workbench validate` zeigt sie.")


def cmd_baum(args: argparse.Namespace) -> int:
    from ..strategy.model import STATUS
    from ..strategy.views import tree

    loaded = _load(args.repository)
    if isinstance(loaded, int):
        return loaded
    repo, strategy, findings = loaded
    names = dict(zip(repo.leistungen["id"].astype(str), repo.leistungen["name"].astype(str),
                     strict=True))
    data = tree(strategy, names)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return _exit_code(findings)
    print(data["titel"])
    print(f"Vision: {data['vision']}")
    for field in data["handlungsfelder"]:
        print(f"├─ {field['name']}")
        for goal in field["ziele"]:
            prio = f" [Priorität {goal['prioritaet']}]" if goal["prioritaet"] else ""
            fokus = f" (Fokus {goal['fokus']})" if goal["fokus"] else ""
            print(f"│  ├─ {goal['nr'] + ' ' if goal['nr'] else ''}{goal['name']}{prio}{fokus}")
            if not goal["massnahmen"]:
                print("│  │  └─ (keine Maßnahme)")
            for m in goal["massnahmen"]:
                leist = ", ".join(f"{x['name']}{' (SOLL)' if x['soll'] else ''}"
                                  for x in m["leistungen"])
                print(f"│  │  ├─ M{m['nr'] or '?'} {m['name']} – {STATUS[m['status']]}"
                      + (f" → {leist}" if leist else ""))
    _errors_note(findings)
    return _exit_code(findings)


def _stand(args: argparse.Namespace, repo: Any) -> dt.date | None:
    if args.stand:
        return dt.date.fromisoformat(args.stand)
    return repo.verbund.stand


def cmd_status(args: argparse.Namespace) -> int:
    from ..potential import PotentialError
    from ..strategy.kpis import evaluate, kpi_data, quarter_of
    from ..strategy.model import LIGHTS, STATUS
    from ..strategy.views import TREND_DE, status_rows

    loaded = _load(args.repository)
    if isinstance(loaded, int):
        return loaded
    repo, strategy, findings = loaded
    try:
        stand = _stand(args, repo)
    except ValueError:
        return fail(f"--stand '{args.stand}' ist kein Datum der Form JJJJ-MM-TT.")
    if args.quartal and args.quartal not in strategy.quarters():
        return fail(f"Für das Quartal '{args.quartal}' gibt es keine OKR; vorhanden: "
                    f"{', '.join(strategy.quarters()) or 'keine'}.")
    try:
        data = kpi_data(repo, strategy, stand)
    except PotentialError as err:
        return fail(str(err))
    quarters = strategy.quarters()
    quarter = args.quartal or (quarter_of(data.stand) if quarter_of(data.stand) in quarters
                               else (quarters[-1] if quarters else ""))
    rows = status_rows(strategy, data.stand)
    krs = evaluate(data, quarter) if quarter else []
    if args.json:
        print(json.dumps({
            "stand": data.stand.isoformat(), "quartal": quarter,
            "massnahmen": [{
                "id": r.measure.id, "nr": r.measure.nr, "name": r.measure.name,
                "status": r.measure.status, "modus": r.measure.modus,
                "start": _iso(r.measure.start), "ende": _iso(r.measure.ende),
                "ampel": ({"datum": r.latest.datum.isoformat(), "zeit": r.latest.zeit,
                           "sache": r.latest.sache, "kosten": r.latest.kosten,
                           "text": r.latest.text} if r.latest else None),
                "trend": r.trend} for r in rows],
            "key_results": [{
                "objective": v.objective.id, "key_result": v.kr.id, "text": v.kr.text,
                "einheit": v.kr.einheit, "start": v.kr.start, "zielwert": v.kr.zielwert,
                "aktuell": v.aktuell, "fortschritt": v.fortschritt, "quelle": v.quelle,
                "abfrage": v.kr.abfrage or None} for v in krs],
        }, ensure_ascii=False, indent=1))
        return _exit_code(findings)
    print(f"{strategy.titel} – Stand {data.stand:%d.%m.%Y}")
    print()
    print_table([[r.measure.nr, r.measure.name[:60], STATUS[r.measure.status],
                  _date(r.measure.start), _date(r.measure.ende),
                  " / ".join(LIGHTS[x] for x in (r.latest.zeit, r.latest.sache, r.latest.kosten))
                  if r.latest else "–", _date(r.latest.datum) if r.latest else "",
                  TREND_DE[r.trend]] for r in rows],
                ("Nr", "Maßnahme", "Status", "Start", "Ende", "Ampel Zeit/Sache/Kosten",
                 "vom", "Trend"))
    if quarter:
        print(f"\nKey Results {quarter}:")
        print_table([[v.objective.id, v.kr.text[:60], _num(v.kr.start), _num(v.kr.zielwert),
                      _num(v.aktuell), v.kr.einheit,
                      "–" if v.fortschritt is None else f"{100 * v.fortschritt:.0f} %",
                      "berechnet" if v.kr.abfrage else "eingetragen"] for v in krs],
                    ("Objective", "Key Result", "Start", "Ziel", "aktuell", "Einheit",
                     "Fortschritt", "Wert"))
    if strategy.hinweis:
        print(f"\nHinweis: {strategy.hinweis}")
    _errors_note(findings)
    return _exit_code(findings)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "–"


def _num(value: float | None) -> str:
    return german_number(value, 1).removesuffix(",0")


def cmd_import(args: argparse.Namespace) -> int:
    from ..kb.tabular import TableError
    from ..strategy.imports import import_massnahmen
    from ..text import ascii_fold

    loaded = _load(args.repository)
    if isinstance(loaded, int):
        return loaded
    repo, strategy, _findings = loaded

    def spellings(pairs: list[tuple[str, str]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, spelling in pairs:
            if spelling:
                out[str(spelling).casefold()] = key
                out[ascii_fold(str(spelling))] = key
        return out

    goals = spellings([(g.id, x) for g in strategy.ziele for x in (g.id, g.nr, g.name)])
    leistungen = spellings([(str(i), x) for i, n in zip(repo.leistungen["id"],
                                                        repo.leistungen["name"], strict=True)
                            for x in (str(i), str(n))])
    kommunen = spellings([(str(k), x) for k, n in zip(repo.kommunen["schluessel"],
                                                      repo.kommunen["name"], strict=True)
                          for x in (str(k), str(n))])
    try:
        report = import_massnahmen(Path(repo.root), Path(args.file), goals=goals,
                                   leistungen=leistungen, kommunen=kommunen)
    except TableError as err:
        return fail(str(err))
    return print_import_report(report)


__all__ = ["register"]
