"""Issue 11, items 5 and 6: ordinary mistakes and absurd numbers in the knowledge base become
findings with file and line – never a traceback, never "inf" in a report.

Every hostile file is written by the test into a copy of the shipped example.
"""

from __future__ import annotations

import csv
import io
import math
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from workbench.cli import main
from workbench.limits import EINWOHNER_MAX, FALLZAHL_MAX, FALLZAHL_WARN, MINUTES_MAX
from workbench.repository import Repository

LILIENTHAL, OHZ = "033560005", "033560007"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    target = tmp_path / "processes"
    shutil.copytree(EXAMPLE, target)
    return target


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


def _findings(kb: Path, file: str, severity: str | None = None) -> list:
    repo = Repository.load(kb)
    return [f for f in repo.validate() if f.file == file
            and (severity is None or f.severity == severity)]


# ------------------------------------------------------------------ 5: verbund.yaml
@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e308", "2.5", "0", "true", "[1]"])
def test_top_n_that_is_no_length_is_a_finding_with_line(kb, value):
    path = kb / "verbund.yaml"
    _replace(path, "top_n: 5", f"top_n: {value}")
    repo = Repository.load(kb)
    found = [f for f in repo.findings if f.file == "verbund.yaml" and "top_n" in f.location]
    assert found and found[0].severity == "error"
    assert found[0].location.startswith(f"Zeile {_line_of(path, 'top_n:')}")
    assert repo.verbund.parameter["top_n"] == 5  # the default applies


@pytest.mark.parametrize("value", [".nan", ".inf", "1e308", "-5", "9000"])
def test_working_hours_must_be_finite_and_plausible(kb, value):
    _replace(kb / "verbund.yaml", "jahresarbeitszeit_stunden: 1600",
             f"jahresarbeitszeit_stunden: {value}")
    repo = Repository.load(kb)
    assert repo.verbund.jahresarbeitszeit == 1600.0
    assert any(f.severity == "error" and "jahresarbeitszeit" in f.location
               for f in repo.findings)


@pytest.mark.parametrize("value", [".nan", ".inf", "1e308", "-5"])
def test_flat_cost_rate_must_be_finite_and_plausible(kb, value):
    _replace(kb / "verbund.yaml", "  lohnkosten:", f"  personalkostensatz_euro_stunde: {value}\n"
             "  lohnkosten_alt:")
    repo = Repository.load(kb)
    assert repo.verbund.personalkostensatz == 60.0
    assert any(f.severity == "error" and "personalkostensatz" in f.location
               for f in repo.findings)


def test_impossible_stand_keeps_the_rest_of_the_file(kb):
    _replace(kb / "verbund.yaml", "stand: 2026-11-24", "stand: 2026-13-45")
    repo = Repository.load(kb)
    found = [f for f in repo.findings if f.file == "verbund.yaml"]
    assert [f.severity for f in found] == ["error"] and "2026-13-45" in found[0].message
    assert found[0].location == f"Zeile {_line_of(kb / 'verbund.yaml', 'stand:')}"
    assert repo.verbund.name == "Verbund im Landkreis Osterholz"
    assert repo.verbund.parameter["jahresarbeitszeit_stunden"] == 1600


def test_top_n_nan_potenzial_runs(kb, capsys):
    _replace(kb / "verbund.yaml", "top_n: 5", "top_n: .nan")
    assert main(["potenzial", "--kommune", LILIENTHAL, "--repository", str(kb)]) == 0
    assert "Traceback" not in capsys.readouterr().err


# ------------------------------------------------------------------ 5: CSV
@pytest.mark.parametrize("name", ["kommunen.csv", "fallzahlen.csv"])
def test_csv_field_beyond_the_limit_is_a_finding_and_the_rest_is_read(kb, name):
    path = kb / name
    lines = path.read_text(encoding="utf-8").splitlines()
    before = len(getattr(Repository.load(kb), name.split(".")[0]))
    lines[3] = lines[3] + ',"' + "x" * 200_000  # an unclosed quote swallows the rest of the line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    repo = Repository.load(kb)
    found = [f for f in repo.findings if f.file == name and f.code == "csv"]
    assert found and found[0].location == "Zeile 4" and "131.072" in found[0].message
    assert len(getattr(repo, name.split(".")[0])) == before - 1


def _as_semicolons(path: Path) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("name", ["kommunen.csv", "fallzahlen.csv"])
def test_semicolon_file_is_read_with_a_warning(kb, name):
    expected = Repository.load(kb)
    _as_semicolons(kb / name)
    repo = Repository.load(kb)
    found = [f for f in repo.findings if f.file == name]
    assert [(f.severity, f.location, f.code) for f in found] == [("warning", "Zeile 1",
                                                                  "delimiter")]
    assert repo.kommunen.equals(expected.kommunen) and repo.fallzahlen.equals(expected.fallzahlen)


def test_semicolon_row_in_a_comma_file_names_its_line(kb):
    path = kb / "kommunen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(f'"{OHZ}"'))
    lines[line - 1] = f"{OHZ};Osterholz-Scharmbeck;Stadt;31000;Beispielwert"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    repo = Repository.load(kb)
    found = [f for f in repo.findings if f.file == "kommunen.csv"]
    assert [(f.severity, f.location) for f in found] == [("error", f"Zeile {line}")]
    assert "Semikolon" in found[0].message
    assert OHZ not in set(repo.kommunen["schluessel"]) and len(repo.kommunen) == 7


def test_missing_header_column_is_a_finding(kb):
    _replace(kb / "kommunen.csv", "schluessel,name", "key,name")
    found = _findings(kb, "kommunen.csv", "error")
    assert found and found[0].location == "Zeile 1" and "'schluessel'" in found[0].message


@pytest.mark.parametrize("content", ["", "schluessel,name,typ,einwohner,einwohner_quelle\n",
                                     "schluessel;name\n1;2\n"])
def test_potenzial_without_kommunen_is_a_german_error(kb, capsys, content):
    (kb / "kommunen.csv").write_text(content, encoding="utf-8")
    assert main(["potenzial", "--repository", str(kb)]) == 2
    err = capsys.readouterr().err
    assert "kommunen.csv" in err and "Traceback" not in err


# ------------------------------------------------------------------ 6: plausibility
@pytest.mark.parametrize(("raw", "severity"), [
    ("inf", "error"), ("-inf", "error"), ("nan", "error"), ("1e308", "error"),
    (str(FALLZAHL_MAX + 1), "error"), (str(FALLZAHL_WARN + 1), "warning"), ("-1", "error")])
def test_fallzahl_limits(kb, raw, severity):
    path = kb / "fallzahlen.csv"
    _replace(path, f'"{LILIENTHAL}",hundeanmeldung,2025,', f'"{LILIENTHAL}",hundeanmeldung,2025,'
             f'{raw},X')
    line = _line_of(path, f"hundeanmeldung,2025,{raw}")
    found = [f for f in _findings(kb, "fallzahlen.csv") if f.location == f"Zeile {line}"]
    assert [f.severity for f in found] == [severity]
    fz = Repository.load(kb).fallzahlen
    kept = fz[(fz.kommune == LILIENTHAL) & (fz.leistung == "hundeanmeldung") & (fz.jahr == 2025)]
    assert len(kept) == (1 if severity == "warning" else 0)
    assert fz["fallzahl"].map(math.isfinite).all()


@pytest.mark.parametrize(("raw", "severity"), [
    ("1e29", "error"), ("inf", "error"), (str(EINWOHNER_MAX + 1), "error"),
    ("5000000", "warning")])
def test_einwohner_limits(kb, raw, severity):
    path = kb / "kommunen.csv"
    _replace(path, ",20300,", f",{raw},")
    found = [f for f in _findings(kb, "kommunen.csv")
             if f.location == f"Zeile {_line_of(path, LILIENTHAL)}"]
    assert [f.severity for f in found] == [severity]
    einwohner = Repository.load(kb).kommune(LILIENTHAL)["einwohner"]
    assert (einwohner == float(raw)) if severity == "warning" else math.isnan(einwohner)


@pytest.mark.parametrize(("raw", "severity"), [
    ("1e308", "error"), ("inf", "warning"), (str(MINUTES_MAX + 1), "error"),
    ("3000", "warning"), ("NaN", "warning")])
def test_minutes_limits_in_validate_and_metrics(kb, raw, severity):
    from workbench import bpmn
    from workbench.metrics import compute

    path = kb / "gewerbeanmeldung" / "ist.bpmn"
    text = path.read_text(encoding="utf-8")
    first = re.search(r'wb:minutes="[^"]*"', text)
    path.write_text(text[:first.start()] + f'wb:minutes="{raw}"' + text[first.end():],
                    encoding="utf-8")
    found = [f for f in _findings(kb, "gewerbeanmeldung/ist.bpmn")
             if f.code in ("invalid-extension-value", "implausible-extension-value")]
    assert [f.severity for f in found] == [severity] and found[0].location.startswith("Zeile")
    minutes = compute(bpmn.read(path)).expected_minutes
    assert math.isfinite(minutes) and minutes < MINUTES_MAX * 10


def test_step_table_refuses_absurd_minutes(tmp_path):
    from workbench.steptable import StepTableError, read_step_table

    table = tmp_path / "schritte.csv"
    table.write_text("Nr;Element;Name;Minuten\n1;Start;Antrag;\n2;Aufgabe;Prüfen;1e308\n"
                     "3;Ende;Fertig;\n", encoding="utf-8")
    with pytest.raises(StepTableError) as caught:
        read_step_table(table)
    assert "unplausibel" in str(caught.value)


def test_numbers_never_print_inf():
    from workbench.report_content.fmt import esc, number, percent

    for value in (math.inf, -math.inf, math.nan, None):
        assert number(value, 1, "h") == "–" and esc(value) == "–" and percent(value) == "–"


# ------------------------------------------------------------------ 5+6: the batch
@pytest.mark.slow
def test_batch_fails_only_the_affected_report_and_prints_no_inf(kb, tmp_path, capsys):
    """Lilienthal carries absurd numbers, Osterholz-Scharmbeck's row is joined by semicolons:
    Lilienthal's report is written (without "inf"), the other is named as failed, exit 1."""
    _replace(kb / "fallzahlen.csv", f'"{LILIENTHAL}",hundeanmeldung,2025,',
             f'"{LILIENTHAL}",hundeanmeldung,2025,inf,X')
    _replace(kb / "kommunen.csv", ",20300,", ",1e29,")
    path = kb / "gewerbeanmeldung" / "ist.bpmn"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'wb:minutes="[^"]*"', 'wb:minutes="1e308"', text, count=1),
                    encoding="utf-8")
    lines = (kb / "kommunen.csv").read_text(encoding="utf-8").splitlines()
    lines = [f"{OHZ};Osterholz-Scharmbeck;Stadt;31000;X" if t.startswith(f'"{OHZ}"') else t
             for t in lines]
    (kb / "kommunen.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["report", "--kommune", LILIENTHAL, OHZ, "--ohne-verbund", "--repository",
                 str(kb), "--out", str(out), "--jobs", "1", "--ohne-fortschritt"])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    assert re.search(rf"Bericht {OHZ}\s+fehlgeschlagen", captured.out)
    page = next(out.glob(f"{LILIENTHAL}_*.html")).read_text(encoding="utf-8")
    assert "Digitalisierungspotenzial" in page
    for quoted in ("'1e308' ist unplausibel", "'inf' ist keine Zahl", "'1e29' ist unpl"):
        page = page.replace(quoted, "")  # the findings quote the rejected values
    assert not re.search(r"[-−]?\binf\b|\bInfinity\b|\bNaN\b|e\+?[23]\d\b", page)
