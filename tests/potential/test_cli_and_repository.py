"""`workbench bpmn metrics` and `workbench potenzial`; the shipped knowledge base end to end."""

from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import pytest

from workbench.cli import metrics_cmd, potential_cmd
from workbench.cli.common import GermanParser
from workbench.metrics import compute

from ..conftest import EXAMPLE
from .helpers import chain

HAS_REPOSITORY = importlib.util.find_spec("workbench.repository") is not None
needs_repository = pytest.mark.skipif(not HAS_REPOSITORY,
                                      reason="workbench.repository ist noch nicht da")


def run(argv: list[str]) -> int:
    """Our two commands on a parser of their own (the lead wires them into `workbench`)."""
    parser = GermanParser(prog="workbench")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=GermanParser)
    bpmn_group = sub.add_parser("bpmn").add_subparsers(dest="bpmn_command", required=True)
    metrics_cmd.register(sub)
    metrics_cmd.register_bpmn(bpmn_group)
    potential_cmd.register(sub)
    args: argparse.Namespace = parser.parse_args(argv)
    return args.func(args)


def test_bpmn_metrics_json_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kette.bpmn"
    path.write_bytes(chain({"minutes": 4, "medium": "papier"},
                           {"minutes": 6, "medium": "portal"}).to_bytes())
    assert run(["bpmn", "metrics", str(path), str(path), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    row = json.loads(lines[0])
    for key in ("expected_minutes", "expected_wait_days", "media_breaks", "digital_share",
                "automation_share", "waste_steps", "e2e_phases", "warnings"):
        assert key in row
    assert row["file"] == str(path)
    assert row["expected_minutes"] == 10
    assert row["media_breaks"] == 1


def test_bpmn_metrics_text_and_rejected_file(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "gut.bpmn"
    good.write_bytes(chain({"minutes": 4, "medium": "papier"}).to_bytes())
    bad = tmp_path / "kaputt.bpmn"
    bad.write_text("<kein xml", encoding="utf-8")
    assert run(["bpmn", "metrics", str(good), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert "Erwartete Bearbeitungszeit der Verwaltung je Fall" in out and "4,0 Minuten" in out
    assert err.count("\n") == 1 and err.startswith("Fehler: ") and "kaputt.bpmn" in err


@needs_repository
def test_potenzial_table_for_a_kommune(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["potenzial", "--repository", str(EXAMPLE), "--kommune", "033560005",
                "--top", "3", "--ziehungen", "50"]) == 0
    out = capsys.readouterr().out
    for text in ("Lilienthal (033560005)", "Jahresarbeitszeit: 1.600 Stunden je VZÄ",
                 "Lohnkosten je Stunde (Kommunen)", "Stand 2025", "Fallzahl-Basis:",
                 "OZG-Reifegradmodell 0–4 (Version 1.1)", "Digitalanteil (Schritte) IST → SOLL",
                 "Fehlende Bewertungen: neutral", "Rang", "Std./Jahr gespart", "Priorität",
                 "Empfehlung", "Top-3-Wahrscheinlichkeit"):
        assert text in out
    ranks = [line.split()[0] for line in out.splitlines() if line[:1].isdigit()]
    assert ranks == ["1", "2", "3"]


@needs_repository
def test_potenzial_json_and_csv_state_the_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["potenzial", "--repository", str(EXAMPLE), "--format", "json",
                "--ziehungen", "20"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["parameter"]["jahresarbeitszeit_stunden"] == 1600
    assert data["annahmen"]["fehlende_bewertung"] == "neutral"
    assert [r["rang"] for r in data["rangliste"]] == list(range(1, len(data["rangliste"]) + 1))
    assert run(["potenzial", "--repository", str(EXAMPLE), "--format", "csv", "--top", "2",
                "--ziehungen", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "lohnkosten" in lines[0] and "fallzahl_basis" in lines[0] and len(lines) == 3


@needs_repository
def test_potenzial_errors_are_one_german_line(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["potenzial", "--repository", str(EXAMPLE), "--kommune", "Atlantis"]) == 2
    assert "Unbekannte Kommune 'Atlantis'" in capsys.readouterr().err
    assert run(["potenzial", "--repository", str(tmp_path / "fehlt")]) == 2
    assert "nicht gefunden" in capsys.readouterr().err


@needs_repository
def test_shipped_knowledge_base_end_to_end() -> None:
    from workbench.potential import analyse
    from workbench.repository import Repository

    repo = Repository.load(EXAMPLE)
    first = analyse(repo, draws=40, seed=3)
    second = analyse(Repository.load(EXAMPLE), draws=40, seed=3)
    frame = first.frame
    assert len(frame) == len(repo.kommunen) * len(repo.leistungen)
    assert frame.equals(second.frame)  # deterministic
    for _, group in frame.groupby("kommune", observed=True):
        ranked = group[group["fallzahl"] > 0]
        assert sorted(ranked["rang"]) == list(range(1, len(ranked) + 1))
        assert group.loc[group["fallzahl"] == 0, "rang"].isna().all()
    landkreis = frame[frame["kommune"] == "03356"]
    assert landkreis.loc[landkreis["leistung"] == "briefwahl", "rang"].isna().all()
    row = frame[(frame["kommune"] == "033560002") & (frame["leistung"] == "briefwahl")].iloc[0]
    ist = compute(repo.model("briefwahl", "ist")).expected_minutes
    soll = compute(repo.model("briefwahl", "soll")).expected_minutes
    assert row["stunden_gespart"] == pytest.approx(row["fallzahl"] * (ist - soll) / 60)
    assert row["vzae_gespart"] == pytest.approx(row["stunden_gespart"] / 1600)
    # € follow the Laufbahn of the lane that does each step (Lohnkostentabelle Kommunen)
    from workbench.labour_costs import KOMMUNEN, cost_per_case

    cost = {}
    for stand in ("ist", "soll"):
        minutes = compute(repo.model("briefwahl", stand)).admin_minutes_by_laufbahn
        cost[stand] = cost_per_case(minutes, KOMMUNEN)
    assert row["euro_gespart"] == pytest.approx(row["fallzahl"] * (cost["ist"] - cost["soll"]))
    assert row["euro_gespart"] != pytest.approx(row["stunden_gespart"] * KOMMUNEN.average)
    assert first.parameter.jahresarbeitszeit_stunden == 1600
    assert sorted(first.verbund["rang"]) == list(range(1, len(repo.leistungen) + 1))
    assert set(first.efa["leistung"]) == set(repo.leistungen["id"])
