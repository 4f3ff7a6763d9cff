"""`workbench katalog vorschlagen|uebernehmen|themenfeld`: the analyst's round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.kb.helpers import snapshot
from workbench.cli import main
from workbench.kb.yamlio import load_yaml, strip_lines

HARSUM = Path(__file__).parents[2] / "examples" / "harsum" / "top50.csv"


def _entries(kb: Path) -> dict[str, dict]:
    data = strip_lines(load_yaml(kb / "leistungen.yaml"))
    return {e["id"]: e for e in data["leistungen"]}


def _choose(path: Path, choices: dict[str, str]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    name_col, choice_col = header.index("Leistung") + 1, header.index("Auswahl") + 1
    for row in range(2, sheet.max_row + 1):
        name = sheet.cell(row, name_col).value
        if name in choices:
            sheet.cell(row, choice_col).value = choices[name]
    book.save(path)


def test_suggest_confirm_and_write_keys(kb: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "vorschlaege.xlsx"
    assert main(["katalog", "vorschlagen", str(HARSUM), "-o", str(out), "--repository",
                 str(kb)]) == 0
    printed = capsys.readouterr().out
    assert "49 Zeilen:" in printed and "sicher" in printed
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("Leistung")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Fundsachen"][header.index("Auswahl")] == "1"  # sicher: pre-filled
    assert rows["Briefwahl und Wahlschein"][header.index("Auswahl")] in (None, "")  # unsicher
    assert rows["Fundsachen"][header.index("ID")] == "fundsachen"  # known by name
    # the analyst decides: Briefwahl → candidate with the Briefwahl key, Hundemeldung → the tax
    briefwahl = [header.index(f"Vorschlag {n}: LeiKa") for n in (1, 2, 3)]
    pick = next(str(n + 1) for n, col in enumerate(briefwahl)
                if rows["Briefwahl und Wahlschein"][col] == "99128001000000")
    _choose(out, {"Briefwahl und Wahlschein": pick, "Hundemeldung": "99102013000000",
                  "SEPA-Mandat": "-", "Grabräumung": "7"})
    before = (kb / "leistungen.yaml").read_text(encoding="utf-8")
    assert main(["katalog", "uebernehmen", str(out), "--repository", str(kb)]) == 1
    printed = capsys.readouterr().out
    assert "„7“ ist keine gültige Auswahl" in printed  # rejected with its row, others go on
    after = (kb / "leistungen.yaml").read_text(encoding="utf-8")
    assert "# Kommentar, der beim Import erhalten bleiben muss" in after
    assert after.startswith(before.splitlines()[0])
    entries = _entries(kb)
    assert entries["fundsachen"]["leika"] == "99089017000000"
    assert entries["fundsachen"]["ozg"]["id"] == "10244"
    assert entries["hundemeldung"]["leika"] == "99102013000000"  # a new Leistung, by name
    assert entries["hundemeldung"]["erfassung"] == "steckbrief"
    assert entries["briefwahl_und_wahlschein"]["leika"] == "99128001000000"
    assert entries["sepa_mandat"].get("leika") is None  # "-": in the catalogue, no key
    assert "grabraeumung" not in entries
    assert not list(kb.glob(".*.tmp"))
    # a second run changes nothing
    text = (kb / "leistungen.yaml").read_bytes()
    assert main(["katalog", "uebernehmen", str(out), "--repository", str(kb)]) == 1
    assert (kb / "leistungen.yaml").read_bytes() == text


def test_existing_different_key_is_kept_unless_overwrite(kb: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    path = kb / "leistungen.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: Fundsachen\n", 'name: Fundsachen\n    leika: "99089002000000"\n'),
        encoding="utf-8")
    out = tmp_path / "v.csv"
    assert main(["katalog", "vorschlagen", str(HARSUM), "-o", str(out), "--repository",
                 str(kb)]) == 0
    assert main(["katalog", "uebernehmen", str(out), "--repository", str(kb)]) == 1
    assert "hat schon den LeiKa-Schlüssel 99089002000000" in capsys.readouterr().out
    assert _entries(kb)["fundsachen"]["leika"] == "99089002000000"
    assert main(["katalog", "uebernehmen", str(out), "--repository", str(kb),
                 "--ueberschreiben"]) == 0
    assert _entries(kb)["fundsachen"]["leika"] == "99089017000000"


def test_add_a_themenfeld_as_steckbrief_only(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["katalog", "themenfeld", "Familie & Kind", "--fachbereich", "Familie",
                 "--repository", str(kb)]) == 0
    added = [e for e in _entries(kb).values() if e.get("fachbereich") == "Familie"]
    assert len(added) == 37  # README of the catalogue: 37 OZG-Leistungen in „Familie & Kind“
    assert all(e["erfassung"] == "steckbrief" and len(e["ozg"]["id"]) == 5 for e in added)
    assert "# aus OZG-Themenfeld Familie & Kind" in (kb / "leistungen.yaml").read_text("utf-8")
    # again: nothing new; a Lebenslage works the same way
    assert main(["katalog", "themenfeld", "Familie & Kind", "--repository", str(kb)]) == 0
    assert "0 neu" in capsys.readouterr().out
    assert main(["katalog", "themenfeld", "Geburt", "--repository", str(kb)]) == 0


@pytest.mark.parametrize(("args", "message"), [
    (["katalog", "themenfeld", "Familie"], "Meinten Sie: Familie & Kind?"),
    (["katalog", "vorschlagen", "fehlt.csv"], "fehlt.csv"),
    (["katalog", "uebernehmen", "HARSUM"], "Spalten „Leistung“ und „Auswahl“ fehlen"),
    (["katalog", "vorschlagen", "HARSUM", "--katalog", "/nicht/da"], "OZG-Katalog"),
])
def test_bad_input_is_refused_in_german(kb: Path, args: list[str], message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(kb)
    args = [str(HARSUM) if a == "HARSUM" else a for a in args]
    assert main([*args, "--repository", str(kb)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ") and message in err, err
    assert snapshot(kb) == before


def test_catalogue_from_a_configured_folder(kb: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.kb.ozg_catalog import SHIPPED

    folder = tmp_path / "katalog"
    shutil.copytree(SHIPPED, folder)
    monkeypatch.setenv("WERKBENCH_OZG_KATALOG", str(folder))
    assert main(["katalog", "themenfeld", "Querschnitt", "--repository", str(kb)]) == 0
    assert sum(e.get("erfassung") == "steckbrief" for e in _entries(kb).values()) >= 18
