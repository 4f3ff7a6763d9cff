"""The „Musterprozess“ workflow of docs/fim-und-katalog.md, command by command: a FIM reference
process becomes the Verbund's SOLL (catalogue → import → validate → workshop step table →
metrics, levels, map → report sections → export)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLE, SHARED
from workbench import bpmn
from workbench.cli import main
from workbench.kb.yamlio import load_yaml
from workbench.report_content import load_context
from workbench.report_content.kommune import steckbrief_box
from workbench.report_content.verbund import themenfelder

FIM = SHARED / "data" / "fim" / "fim-prozess-mutterschutz-anzeige.xprozess.xml"
ID = "mutterschutz_anzeige"
KEY = "99006028261000"
MINUTES = {"Anzeige empfangen": 5}  # every other activity group: 10 minutes

pytestmark = pytest.mark.skipif(not FIM.exists(), reason="shared FIM file missing")


def _entry(root: Path) -> dict:
    return next(e for e in load_yaml(root / "leistungen.yaml")["leistungen"] if e["id"] == ID)


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_fim_reference_process_becomes_the_verbund_soll(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "processes")
    monkeypatch.chdir(tmp_path)
    kb = tmp_path / "processes"

    # 1. catalogue: suggestion, the analyst's choice in the XLSX, taken over
    (tmp_path / "liste.csv").write_text("Leistung,Fachbereich\nMutterschutz: Anzeige der "
                                        "Beschäftigung einer Schwangeren,Ordnung\n",
                                        encoding="utf-8")
    assert _run("katalog", "vorschlagen", "liste.csv", "-o", "vorschlag.xlsx")[0] == 0
    book = openpyxl.load_workbook(tmp_path / "vorschlag.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("Vorschlag 1: LeiKa") + 1).value[:8] == KEY[:8]
    sheet.cell(2, header.index("ID") + 1).value = ID
    sheet.cell(2, header.index("Auswahl") + 1).value = KEY
    book.save(tmp_path / "vorschlag.xlsx")
    assert _run("katalog", "uebernehmen", "vorschlag.xlsx")[0] == 0
    entry = _entry(kb)
    assert (entry["leika"], entry["ozg"]["id"], entry["erfassung"]) == (KEY, "10313",
                                                                         "steckbrief")

    # 2. the reference process becomes the SOLL; the knowledge base stays valid
    assert _run("import", "xprozess", str(FIM), "--leistung", ID, "--variant", "soll")[0] == 0
    assert _entry(kb)["erfassung"] == "modelliert"
    code, out = _run("validate")
    assert code == 0, out
    model = kb / ID / "soll.bpmn"
    vendor = model.read_bytes().count(b"<adonis:record")
    assert vendor > 0

    # 3. the workshop fills minutes, medium and phase per activity group
    assert _run("export", "schritte", ID, "--variant", "soll", "-o", "soll.csv")[0] == 0
    rows = list(csv.reader((tmp_path / "soll.csv").open(encoding="utf-8-sig"), delimiter=";"))
    head = rows[0]
    groups = 0
    for row in rows[1:]:
        name = row[head.index("Schritt")]
        if row[head.index("Element")] != "Aufgabe" or "(OWi-Verfahren)" in name \
                or name == "Überwachungsmaßnahmen durchführen":  # the call activities: not ours
            continue
        groups += 1
        row[head.index("Minuten")] = str(MINUTES.get(name, 10))
        row[head.index("Medium")] = "email" if name == "Anzeige empfangen" else "fachverfahren"
        row[head.index("Phase")] = "antrag" if name == "Anzeige empfangen" else "bearbeitung"
    assert groups == 12
    with (tmp_path / "soll.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert _run("import", "schritte", "soll.csv", "--leistung", ID, "--variant", "soll",
                "--aktualisieren")[0] == 0
    assert model.read_bytes().count(b"<adonis:record") == vendor  # vendor data untouched

    # 4. metrics: every group counts with its minutes times its expected executions
    code, out = _run("bpmn", "metrics", "--json", str(model))
    assert code == 0
    found = json.loads(out.splitlines()[0])
    defs = bpmn.read(model)
    expected = sum(found["visits"].get(a.id, 0.0) * float(a.minutes)
                   for a in defs.activities() if a.minutes is not None)
    assert found["expected_minutes"] == pytest.approx(expected)
    # the case starts with „Anzeige empfangen“ (5 min) and „Zuständigkeit prüfen“ (10 min)
    assert found["expected_minutes"] > 15.0
    code, out = _run("bpmn", "ebenen", str(model))
    assert code == 0 and "Prozess" in out
    assert _run("map", ID, "--variant", "soll", "--stil", "di", "-o", "muster.svg")[0] == 0
    svg = (tmp_path / "muster.svg").read_text(encoding="utf-8")
    assert "Anzeige empfangen" in svg and "10 Min." in svg

    # 5. report sections: the Steckbrief with key and legal bases, the Themenfeld
    ctx = load_context(kb)
    box = steckbrief_box(ctx, ID)
    assert f"LeiKa {KEY} · OZG 10313 (Mutterschutzmeldung)" in box
    assert "§ 27 MuSchG" in box and "{" not in box
    overview = themenfelder(ctx)
    start = overview.index("Unternehmensführung &amp; -entwicklung")
    line = overview[start:overview.index("</tr>", start)]
    assert "Mutterschutz: Anzeige der Beschäftigung einer Schwangeren" in line

    # 6. passed on as XProzess, read back with the same key
    assert _run("export", "xprozess", ID, "--variant", "soll", "-o", "muster.xml")[0] == 0
    from workbench.kb.xprozess import read_xprozess

    assert read_xprozess(tmp_path / "muster.xml").leika_key == KEY
