"""`workbench report` on the shipped example knowledge base with the test templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reports.conftest import REPORT_NB, VERBUND_NB
from workbench.cli.common import GermanParser
from workbench.cli.report_cmd import register


def run_cli(*argv: str) -> int:
    parser = GermanParser(prog="workbench")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["report", *argv])
    return args.func(args)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    shutil.copy(REPORT_NB, folder / "report_kommune.ipynb")
    shutil.copy(VERBUND_NB, folder / "report_verbund.ipynb")
    return folder


def test_report_all_members_and_verbund(tmp_path, example_copy, templates, capsys):
    out = tmp_path / "berichte"
    code = run_cli("--alle", "--repository", str(example_copy), "--vorlage", str(templates),
                   "--out", str(out), "--jobs", "2")
    printed = capsys.readouterr().out
    assert code == 0, printed
    names = {p.name for p in out.glob("*.html")}
    assert {"verbund.html", "index.html", "033560002_grasberg.html",
            "033560007_osterholz-scharmbeck-stadt.html", "033565401_samtgemeinde-hambergen.html"} <= names
    assert len(names) == 1 + 1 + 8
    grasberg = (out / "033560002_grasberg.html").read_text(encoding="utf-8")
    assert "Stand 2026-11-24" in grasberg  # from verbund.yaml, not the clock
    assert "Top 5" in grasberg
    assert "9 erstellt" in printed and "Kommune" in printed

    code = run_cli("--kommune", "033560002", "--repository", str(example_copy), "--vorlage",
                   str(templates), "--out", str(out), "--top", "3", "--stand", "2027-01-31")
    printed = capsys.readouterr().out
    assert code == 0 and "1 erstellt" in printed
    grasberg = (out / "033560002_grasberg.html").read_text(encoding="utf-8")
    assert "Top 3" in grasberg and "Stand 2027-01-31" in grasberg
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "verbund.html" in index and "aus früherem Lauf" in index  # earlier reports still listed


def test_report_input_errors(tmp_path, example_copy, templates, capsys):
    common = ["--repository", str(example_copy), "--out", str(tmp_path / "o")]
    assert run_cli("--alle", "--vorlage", str(tmp_path / "fehlt"), *common) == 2
    assert "Berichtsvorlage" in capsys.readouterr().err
    assert run_cli("--kommune", "12345", "--vorlage", str(templates), *common) == 2
    assert "Unbekannte Kommune" in capsys.readouterr().err
    assert run_cli("--alle", "--stand", "24.11.2026", "--vorlage", str(templates), *common) == 2
    assert "JJJJ-MM-TT" in capsys.readouterr().err
    assert run_cli("--alle", "--format", "docx", "--vorlage", str(templates), *common) == 2
    assert "erlaubt: html, pdf" in capsys.readouterr().err
    assert run_cli("--alle", "--repository", str(tmp_path / "nix"), "--out", "x") == 2
    with pytest.raises(SystemExit):
        run_cli("--jobs", "2")  # --alle or --kommune is required
