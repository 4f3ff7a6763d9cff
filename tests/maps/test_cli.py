"""`workbench map` and `workbench landkarte`."""

from __future__ import annotations

import argparse

import pytest

from workbench.cli import map_cmd
from workbench.cli.common import GermanParser

from .conftest import REFERENCE, ROOT, needs_dot

pytestmark = needs_dot
KB = ROOT / "processes"


def run(*argv: str) -> int:
    parser = GermanParser(prog="workbench")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=GermanParser)
    map_cmd.register(sub)
    args: argparse.Namespace = parser.parse_args(list(argv))
    return args.func(args)


def test_map_of_a_bpmn_file(tmp_path, ist, capsys):
    source = tmp_path / "ist.bpmn"
    source.write_bytes(ist.to_bytes())
    assert run("map", str(source), "-o", str(tmp_path / "karte.svg")) == 0
    assert (tmp_path / "karte.svg").read_text(encoding="utf-8").startswith("<svg")
    assert "Karte geschrieben" in capsys.readouterr().out


def test_map_di_style_of_a_reference_model(tmp_path):
    out = tmp_path / "a41.svg"
    assert run("map", str(REFERENCE / "A.4.1.bpmn"), "--stil", "di", "-o", str(out)) == 0
    assert "karte-di" in out.read_text(encoding="utf-8")


def test_file_comparison_needs_soll(tmp_path, ist, soll, capsys):
    a, b = tmp_path / "ist.bpmn", tmp_path / "soll.bpmn"
    a.write_bytes(ist.to_bytes())
    b.write_bytes(soll.to_bytes())
    assert run("map", str(a), "--variant", "vergleich", "-o", str(tmp_path / "v.svg")) == 2
    assert "--soll" in capsys.readouterr().err
    assert run("map", str(a), "--variant", "vergleich", "--soll", str(b), "-o",
               str(tmp_path / "v.svg")) == 0


@pytest.mark.skipif(not (KB / "leistungen.yaml").exists(), reason="Beispiel-Wissensbasis fehlt")
def test_map_of_a_leistung(tmp_path):
    for variant in ("ist", "soll", "vergleich"):
        out = tmp_path / f"{variant}.png"
        assert run("map", "gewerbeanmeldung", "--variant", variant, "--repository", str(KB),
                   "-o", str(out)) == 0
        assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.skipif(not (KB / "leistungen.yaml").exists(), reason="Beispiel-Wissensbasis fehlt")
def test_landkarte(tmp_path):
    out = tmp_path / "landkarte.svg"
    assert run("landkarte", "--farbe", "digitalanteil", "--repository", str(KB), "-o",
               str(out)) == 0
    assert "leistung-kachel" in out.read_text(encoding="utf-8")


def test_errors_are_german_one_liners(tmp_path, capsys):
    assert run("map", str(tmp_path / "fehlt.bpmn"), "-o", str(tmp_path / "k.svg")) == 2
    assert "Datei nicht gefunden" in capsys.readouterr().err
    assert run("map", "x.bpmn", "-o", str(tmp_path / "k.gif")) == 2
    assert "Ausgabeformat" in capsys.readouterr().err
    assert run("map", "gibtsnicht", "--repository", str(tmp_path / "leer"), "-o",
               str(tmp_path / "k.svg")) == 2
    assert "Wissensbasis" in capsys.readouterr().err
