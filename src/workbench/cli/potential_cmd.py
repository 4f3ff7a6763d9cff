"""`workbench potenzial` — savings, scores and ranking per Kommune or for the Verbund."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from ..text import german_number
from .common import EXIT_INPUT, EXIT_OK, fail, print_table

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_REPOSITORY = "processes"

#: Output columns: frame column → German header.
COLUMNS: dict[str, str] = {
    "rang": "Rang",
    "leistung_name": "Leistung",
    "fallzahl": "Fallzahl",
    "fallzahl_art": "Fallzahl-Art",
    "stunden_gespart": "Std./Jahr gespart",
    "vzae_gespart": "VZÄ gespart",
    "euro_gespart": "€/Jahr gespart",
    "digital_ist_soll": "Digitalanteil (Schritte) IST → SOLL",
    "neuerfassungen_ist_soll": "Neuerfassungen/Jahr IST → SOLL",
    "nutzen": "Nutzen",
    "eignung": "Eignung",
    "prioritaet": "Priorität",
    "quadrant": "Empfehlung",
    "p_top": "Top-N-Wahrscheinlichkeit",
    "rang_spanne": "Rangspanne",
    "robust": "robust",
}
_DIGITS = {"fallzahl": 0, "stunden_gespart": 1, "vzae_gespart": 2, "euro_gespart": 0,
           "nutzen": 1, "eignung": 1, "prioritaet": 1}
_DISPLAY_ONLY = ("rang_spanne", "digital_ist_soll", "neuerfassungen_ist_soll")


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``potenzial`` command."""
    p = sub.add_parser("potenzial", help="Einsparpotenzial, Bewertung und Rangliste je Kommune "
                       "oder für den Verbund")
    p.add_argument("--repository", default=DEFAULT_REPOSITORY, metavar="PFAD",
                   help=f"Wissensbasis (Standard: {DEFAULT_REPOSITORY})")
    p.add_argument("--kommune", metavar="SCHLÜSSEL",
                   help="Gemeindeschlüssel oder Name; ohne Angabe: Verbund-Rangliste")
    p.add_argument("--top", type=int, metavar="N", help="nur die ersten N Ränge; zugleich N der "
                   "Empfindlichkeitsprüfung (Standard: top_n aus verbund.yaml, sonst 5)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="Ausgabeformat (Standard: table)")
    p.add_argument("--jahr", type=int, metavar="JAHR",
                   help="nur Fallzahlen bis einschließlich dieses Jahres (Standard: alle)")
    p.add_argument("--fallzahl-basis", choices=("letztes_jahr", "mittel", "median"),
                   help="Fallzahl je Kommune und Leistung: letztes gemeldetes Jahr, Mittelwert "
                   "oder Median der letzten N Jahre (Standard: fallzahl_basis aus verbund.yaml, "
                   "sonst letztes_jahr)")
    p.add_argument("--fallzahl-jahre", type=int, metavar="N",
                   help="N für mittel/median (Standard: aus verbund.yaml, sonst 3)")
    p.add_argument("--ziehungen", type=int, default=500, metavar="N",
                   help="Gewichtsziehungen der Empfindlichkeitsprüfung (Standard: 500, 0 = aus)")
    p.add_argument("--seed", type=int, default=20240601, help="Startwert des Zufallsgenerators")
    p.add_argument("--ziel", metavar="ZIEL", help="nur Leistungen, deren Maßnahmen diesem Ziel "
                   "der Strategie dienen (ID aus strategie/strategie.yaml)")
    p.set_defaults(func=cmd_potential)
    return p


def cmd_potential(args: argparse.Namespace) -> int:
    """Load the knowledge base, analyse, print the ranking with its parameters."""
    from ..potential import PotentialError, analyse
    from ..repository import Repository, RepositoryError

    if args.top is not None and args.top < 1:
        return fail("--top muss mindestens 1 sein.")
    if args.ziehungen < 0:
        return fail("--ziehungen darf nicht negativ sein.")
    try:
        repo = Repository.load(args.repository)
        title = "Verbund (alle Mitglieder)"
        if args.kommune:
            row = repo.kommune(args.kommune)
            key, title = str(row["schluessel"]), f"{row['name']} ({row['schluessel']})"
        result = analyse(repo, top=args.top, draws=args.ziehungen, seed=args.seed,
                         fallzahl_jahr=args.jahr, fallzahl_basis=args.fallzahl_basis,
                         fallzahl_jahre=args.fallzahl_jahre)
    except (RepositoryError, PotentialError) as err:
        return fail(str(err), EXIT_INPUT)
    rows = result.frame[result.frame["kommune"].astype(str) == key] if args.kommune else result.verbund
    if args.ziel:
        chosen = _goal_filter(repo, args.ziel)
        if isinstance(chosen, str):
            return fail(chosen)
        rows = rows[rows["leistung"].astype(str).isin(chosen)]
        title += f", Ziel {args.ziel}"
    rows = rows.sort_values("rang", kind="stable")
    top = result.annahmen["top_n"]
    if args.top:
        rows = rows[rows["rang"] <= args.top]
    rows = rows.assign(rang_spanne=[
        "–" if math.isnan(a) else f"{a:.0f}–{b:.0f}"
        for a, b in zip(rows["rang_min"], rows["rang_max"], strict=True)],
        digital_ist_soll=[_pair(a, b, percent=True) for a, b in zip(
            rows["digital_anteil_ist"], rows["digital_anteil_soll"], strict=True)],
        neuerfassungen_ist_soll=[_pair(a, b) for a, b in zip(
            rows["neuerfassungen_pro_jahr_ist"], rows["neuerfassungen_pro_jahr_soll"],
            strict=True)])
    head = _head(title, result, top)
    if args.format == "json":
        print(json.dumps(_json(title, result, rows), ensure_ascii=False, indent=1))
    elif args.format == "csv":
        _csv(rows, result)
    else:
        for line in head:
            print(line)
        print()
        headers = [h.replace("Top-N", f"Top-{top}") for h in COLUMNS.values()]
        print_table([[_cell(c, r[c]) for c in COLUMNS] for _, r in rows.iterrows()], headers)
        if result.hinweise:
            print()
            print(f"Hinweise ({len(result.hinweise)}):")
            for note in result.hinweise[:15]:
                print(f"  - {note}")
            if len(result.hinweise) > 15:
                print(f"  … und {len(result.hinweise) - 15} weitere (--format json zeigt alle).")
    return EXIT_OK


def _goal_filter(repo: Any, goal: str) -> list[str] | str:
    """The Leistungen serving ``goal``, or a German error message."""
    from ..strategy import strategy_of
    from ..strategy.criterion import leistungen_of_goal

    strategy, _ = strategy_of(repo)
    if strategy is None:
        return f"{repo.root}: keine Strategie (strategie/strategie.yaml) – --ziel geht nicht."
    if strategy.goal(goal) is None:
        return (f"Unbekanntes Ziel '{goal}'. Bekannt sind: "
                + ", ".join(g.id for g in strategy.ziele) + ".")
    return leistungen_of_goal(strategy, goal)


def _head(title: str, result: Any, top: int) -> list[str]:
    a = result.annahmen
    return [
        f"Digitalisierungspotenzial – {title}",
        *result.parameter.lines(),
        f"Fehlende Bewertungen: {a['fehlende_bewertung']} ({a['fehlende_bewertung_bedeutung']})",
        f"Normierung berechneter Kriterien: {a['normierung']} ({a['normierung_bedeutung']})",
        f"Empfindlichkeit: {a['ziehungen']} Gewichtsziehungen (Seed {a['seed']}), Top {top}; "
        "robust = in mindestens 90 % oder höchstens 10 % der Ziehungen in den Top " + str(top),
        "Alle Fallzahlen, Zeiten und Gewichte sind Annahmen der Wissensbasis (siehe Hinweise).",
    ]


def _pair(ist: float, soll: float, *, percent: bool = False) -> str:
    """'IST → SOLL' for a table cell; '–' for a missing side."""
    def one(x: float) -> str:
        if x is None or x != x:
            return "–"
        return f"{100 * x:.0f} %" if percent else _cell("fallzahl", x)
    return f"{one(ist)} → {one(soll)}"


def _cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if column == "rang":
        return f"{value:.0f}"
    if column == "robust":
        return "ja" if value else "nein"
    if column == "p_top":
        return f"{100 * value:.0f} %"
    if column in _DIGITS:
        return german_number(value, _DIGITS[column])
    return str(value)


def _records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    keep = [c for c in rows.columns if c not in _DISPLAY_ONLY]
    out = []
    for record in rows[keep].to_dict("records"):
        out.append({k: (None if isinstance(v, float) and math.isnan(v) else
                        v.item() if hasattr(v, "item") else v) for k, v in record.items()})
    return out


def _json(title: str, result: Any, rows: pd.DataFrame) -> dict[str, Any]:
    return {"titel": title, "parameter": result.parameter.as_dict(),
            "annahmen": result.annahmen, "rangliste": _records(rows),
            "efa": _records(result.efa), "hinweise": result.hinweise}


def _csv(rows: pd.DataFrame, result: Any) -> None:
    out = rows.drop(columns=list(_DISPLAY_ONLY)).assign(
        jahresarbeitszeit_stunden=result.parameter.jahresarbeitszeit_stunden,
        lohnkosten=" ".join(result.parameter.cost_lines()),
        fallzahl_basis=result.parameter.basis_text(),
        fehlende_bewertung=result.annahmen["fehlende_bewertung"])
    out.to_csv(sys.stdout, index=False, lineterminator="\n")
