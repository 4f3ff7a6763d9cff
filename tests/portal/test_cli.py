"""`workbench portal`: summary in German, exit codes, refusals without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workbench.cli import main


def test_cli_builds_and_summarises(example_copy: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    code = main(["portal", "--out", str(out), "--repository", str(example_copy)])
    text = capsys.readouterr().out
    assert code == 0
    assert "Wissensportal: 14 Prozesse veröffentlicht, 2 ausgelassen." in text
    assert "  - Gaststättenerlaubnis (gaststaettenerlaubnis): Status „entwurf“" in text
    assert f"Startseite: {(out / 'index.html').resolve()}" in text
    assert (out / "index.html").is_file() and (out / "suche.html").is_file()
    code = main(["portal", "--out", str(out), "--repository", str(example_copy), "--entwuerfe",
                 "--pruefintervall", "365"])
    text = capsys.readouterr().out
    assert code == 0 and "16 Prozesse veröffentlicht, 0 ausgelassen" in text
    assert "Prüfung überfällig (auf der Seite markiert):" in text
    assert "  - Gaststättenerlaubnis (gaststaettenerlaubnis): zuletzt geprüft am 30.06.2022" in text


def test_cli_refuses_bad_input(example_copy: Path, tmp_path: Path, capsys) -> None:
    cases = [
        (["--out", str(example_copy / "site")], "liegt in der Wissensbasis"),
        (["--out", str(example_copy / "verbund.yaml")], "ist eine Datei, kein Ordner"),
        (["--stichtag", "24.11.2026"], "ist kein Datum (JJJJ-MM-TT)"),
        (["--pruefintervall", "0"], "positive Zahl von Tagen"),
        (["--weitere-wissensbasis", str(tmp_path / "fehlt")], "nicht gefunden"),
    ]
    for extra, message in cases:
        code = main(["portal", "--repository", str(example_copy), "--out",
                     str(tmp_path / "site"), *extra])
        err = capsys.readouterr().err
        assert code == 2 and message in err, (extra, err)
        assert "Traceback" not in err
    assert not (example_copy / "site").exists()


def test_broken_glossary_is_refused_in_german(example_copy: Path, tmp_path: Path) -> None:
    (example_copy / "glossar.yaml").write_text("begriffe:\n  - erklaerung: ohne Begriff\n",
                                               encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "workbench"), "portal", "--repository",
                           str(example_copy), "--out", str(tmp_path / "site")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2, done.stderr
    assert "Eintrag 1 hat kein Feld „begriff“" in done.stderr and "Traceback" not in done.stderr
