"""What the pages say: Steckbrief, step list with minutes/medium/system, diff, variants,
role and system pages, glossary, search documents – checked against the shipped example."""

from __future__ import annotations

import json
import re
from pathlib import Path

from workbench.portal.glossary import load_glossary


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_process_page(built: tuple[Path, object]) -> None:
    site, _ = built
    page = _text(site, "prozess/hundeanmeldung.html")
    assert "<h1>Hundeanmeldung</h1>" in page
    assert "von Digitalisierungsbeauftragte:r Verbund am 25.08.2026" in page
    assert "§ 3 NKAG (Steuern)" in page
    # SOLL step 6 of hundeanmeldung/soll.bpmn: 8 minutes, Fachverfahren, DMS/E-Akte, Steueramt
    row = re.search(r'<tr id="soll-schritt-6">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[:6] == ["6", "Ermäßigung anhand der hochgeladenen Nachweise prüfen", "Steueramt",
                         "Fachverfahren/digital", "DMS/E-Akte", "8"]
    assert "Was sich von IST zu SOLL ändert" in page and "Schritte:" in page
    # Samtgemeinde Hambergen keeps its own IST of the Hundeanmeldung
    assert "Samtgemeinde Hambergen (033565401): Schritte:" in page
    data = json.loads(re.search(r'<script type="application/json" id="schritt-daten">(.*?)</script>',
                                page, re.S).group(1))
    assert data["Schritt_6"]["minuten"] == 8 and data["Schritt_6"]["medium"] == "Fachverfahren/digital"
    assert data["Schritt_6"]["anker"] == "soll-schritt-6"
    assert (site / "bilder" / "hundeanmeldung-soll.svg").read_text(encoding="utf-8").startswith("<svg")


def test_role_and_system_pages_list_their_processes(built: tuple[Path, object]) -> None:
    site, _ = built
    role = _text(site, "rolle/steueramt.html")
    assert "<h1>Rolle: Steueramt</h1>" in role
    for lid in ("hundeanmeldung", "ersatzhundesteuermarke"):
        assert f'href="../prozess/{lid}.html"' in role
    assert "Steuerfall prüfen und freigeben" in role
    assert 'href="rolle/steueramt.html"' in _text(site, "rollen.html")
    system = _text(site, "system/dms-e-akte.html")
    assert "<h1>System: DMS/E-Akte</h1>" in system and "Ermäßigung anhand der hochgeladenen" in system
    legal = _text(site, "rechtsgrundlagen.html")
    assert "§ 3 NKAG (Steuern)" in legal


def test_glossary_ships_the_domain_vocabulary(built: tuple[Path, object]) -> None:
    site, _ = built
    terms, source = load_glossary()
    names = [t.term for t in terms]
    for wanted in ("Medienbruch", "Fallzahl", "OZG-Reifegrad", "VZÄ", "Prozesssteckbrief"):
        assert wanted in names
    assert "DOMAIN.md" in source
    page = _text(site, "glossar.html")
    assert '<dt id="begriff-medienbruch">Medienbruch</dt>' in page


def test_search_documents_cover_steps_roles_systems(built: tuple[Path, object]) -> None:
    site, _ = built
    script = _text(site, "assets/suche-index.js")
    data = json.loads(script.removeprefix("window.WB_SUCHE = ").rstrip().removesuffix(";"))
    docs = data["dokumente"]
    assert data["felder"] == ["titel", "text", "rollen", "systeme", "rechtsgrundlagen"]
    kinds = {d["art"] for d in docs}
    assert kinds == {"Prozess", "Schritt", "Rolle", "System", "Rechtsgrundlage", "Begriff", "Ziel",
                     "Maßnahme"}
    step = next(d for d in docs if d["titel"] == "Steuermarke per Post versenden")
    assert step["url"].startswith("prozess/hundeanmeldung.html#soll-schritt-")
    assert [d["id"] for d in docs] == list(range(len(docs)))


def test_broken_files_are_reported_not_fatal(example_copy: Path, tmp_path: Path) -> None:
    from tests.portal.conftest import build

    (example_copy / "hundeanmeldung" / "soll.bpmn").write_text("<kein xml", encoding="utf-8")
    (example_copy / "fundsachen" / "steckbrief.yaml").write_text("leistung: [kaputt",
                                                                 encoding="utf-8")
    summary = build(example_copy, tmp_path / "site")
    assert ("fundsachen", "Fundsachen", "Steckbrief nicht lesbar (workbench validate zeigt den "
            "Fehler)") in summary.left_out
    assert any(n.startswith("hundeanmeldung/soll.bpmn: Modell nicht lesbar") for n in summary.notes)
    page = (tmp_path / "site" / "prozess" / "hundeanmeldung.html").read_text(encoding="utf-8")
    assert "Ablauf: IST (Verbund)" in page and "Modell nicht lesbar" in page


def _row(page: str, anchor: str) -> list[str]:
    row = re.search(rf'<tr id="{anchor}">(.*?)</tr>', page, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_step_list_shows_documents_and_legal_basis(built: tuple[Path, object]) -> None:
    site, _ = built
    page = _text(site, "prozess/hundeanmeldung.html")
    assert "<th>Formulare/Dokumente</th><th>Rechtsgrundlage</th>" in page
    # hundeanmeldung/soll.bpmn: Schritt_6 reads the data object "Nachweise zur Ermäßigung",
    # Schritt_9 writes "Hundesteuerbescheid" and carries wb:rechtsgrundlage="§ 3 NKAG (Steuern)"
    assert _row(page, "soll-schritt-6")[7:9] == ["Nachweise zur Ermäßigung (Eingang)",
                                                 "Hundesteuersatzung der jeweiligen Kommune"]
    assert _row(page, "soll-schritt-9")[7:9] == ["Hundesteuerbescheid (Ergebnis)",
                                                 "§ 3 NKAG (Steuern)"]
    assert '<a href="../rechtsgrundlagen.html#3-nkag-steuern">§ 3 NKAG (Steuern)</a>' in page
    data = json.loads(re.search(r'<script type="application/json" id="schritt-daten">(.*?)</script>',
                                page, re.S).group(1))
    assert data["Schritt_9"]["rechtsgrundlagen"] == ["§ 3 NKAG (Steuern)"]
    assert data["Schritt_6"]["dokumente"] == [{"name": "Nachweise zur Ermäßigung",
                                               "text": "Nachweise zur Ermäßigung (Eingang)"}]
    # the legal-basis directory counts the steps that name it (§ 3 NKAG: Schritt_9 only)
    legal = _text(site, "rechtsgrundlagen.html")
    row = re.search(r'<tr id="3-nkag-steuern">(.*?)</tr>', legal, re.S).group(1)
    assert re.findall(r'<td class="zahl">(\d+)</td>', row) == ["1"]


def test_search_finds_steps_by_document_and_legal_basis(built: tuple[Path, object]) -> None:
    site, _ = built
    script = _text(site, "assets/suche-index.js")
    docs = json.loads(script.removeprefix("window.WB_SUCHE = ").rstrip().removesuffix(";"))["dokumente"]
    step = next(d for d in docs if d["titel"] == "Steuerbescheid ins Postfach zustellen"
                and "soll-" in d["url"])
    assert step["rechtsgrundlagen"] == "§ 3 NKAG (Steuern)" and "Hundesteuerbescheid" in step["text"]
    step = next(d for d in docs if d["url"] == "prozess/anmeldung_einwohner.html#soll-schritt-19")
    assert step["rechtsgrundlagen"] == ("§ 19 BMG (Mitwirkung des Wohnungsgebers) "
                                        "§ 23 BMG (Erfüllung der allgemeinen Meldepflicht)")
    process = next(d for d in docs if d["url"] == "prozess/hundeanmeldung.html")
    assert "Nachweise zur Ermäßigung" in process["text"]


def test_miwg_model_with_data_stores(example_copy: Path, tmp_path: Path) -> None:
    """A real vendor file (MIWG C.4.0, Employee onboarding) as the SOLL of a released Leistung:
    its data stores appear per step."""
    import shutil

    from tests.conftest import MIWG
    from tests.portal.conftest import build

    shutil.copy(MIWG / "C.4.0.bpmn", example_copy / "gewerbeanmeldung" / "soll.bpmn")
    build(example_copy, tmp_path / "site")
    page = _text(tmp_path / "site", "prozess/gewerbeanmeldung.html")
    rows = [_row(page, a) for a in re.findall(r'<tr id="(soll-schritt-\d+)">', page)]
    by_name = {r[1]: r for r in rows}
    assert by_name["Create domain account"][7] == (
        "Employee Details (Datenspeicher, Eingang) User Management (Datenspeicher, Ergebnis)")
    assert by_name["Update payroll system"][7] == "Payroll system (Datenspeicher, Ergebnis)"


def test_vendor_encodings_are_shown_not_fatal(example_copy: Path, tmp_path: Path) -> None:
    """A model file in windows-1252 or UTF-16 (as vendor tools write them, and as the byte-
    preserving save keeps them) is published like a UTF-8 one: the viewer gets its text."""
    from tests.portal.conftest import build

    path = example_copy / "hundeanmeldung" / "soll.bpmn"
    text = path.read_text(encoding="utf-8")
    body = re.sub(r"^<\?xml[^>]*\?>", "", text)
    names = re.findall(r'<bpmn:(?:task|userTask)[^>]* name="([^"]*[äöüß][^"]*)"', text)
    assert names, "the example SOLL should name a step with an umlaut"
    for encoding, declared in (("cp1252", "windows-1252"), ("utf-16", "UTF-16")):
        path.write_bytes(f'<?xml version="1.0" encoding="{declared}"?>{body}'.encode(encoding))
        site = tmp_path / encoding
        build(example_copy, site)
        page = _text(site, "prozess/hundeanmeldung.html")
        assert names[0] in page
