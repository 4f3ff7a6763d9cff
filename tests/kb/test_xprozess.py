"""FIM processes (XProzess 2.0): the real library file in, the same metadata and model out."""

from __future__ import annotations

import base64
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import SHARED
from tests.kb.helpers import snapshot
from workbench import bpmn, metrics
from workbench.bpmn import namespaces as ns
from workbench.cli import main
from workbench.kb.xprozess import NS, read_xprozess
from workbench.kb.yamlio import load_yaml, strip_lines
from workbench.repository import Repository

FIM = SHARED / "data" / "fim" / "fim-prozess-mutterschutz-anzeige.xprozess.xml"
X = {"x": NS}
#: The counts the README of data/fim states for the decoded model.
README_COUNTS = {"Pools": 3, "Prozesse": 3, "Lanes": 0, "Teilprozesse": 12,
                 "Aufrufaktivitäten": 2, "Aufgaben (alle Arten)": 0, "Gateways": 11,
                 "Ereignisse": 8, "Sequenzflüsse": 33, "Nachrichtenflüsse": 9,
                 "Diagramm-Formen": 38, "Diagramm-Kanten": 44}
README_GROUPS = {  # id: (type, name, Handlungsgrundlagen)
    "01": ("1", "Anzeige empfangen", 1), "02": ("3", "Zuständigkeit prüfen", 1),
    "03": ("3", "Anzeige formell prüfen", 1), "04": ("4", "Anzeige fachlich prüfen", 2),
    "05": ("4", "Notwendigkeit von Überwachungsmaßnahmen prüfen", 1),
    "06": ("2", "Auf zuständige Behörde hinweisen", 1), "07": ("7", "Korrektur anfordern", 1),
    "08": ("2", "Anzeige zurückweisen", 1), "09": ("7", "Zusätzliche Informationen einholen", 3),
    "10": ("2", "Überwachungsmaßnahmen einleiten", 1),
    "11": ("5", "Über Erhebung einer Geldbuße entscheiden", 1),
    "12": ("2", "Erhebung der Geldbuße veranlassen", 1),
}
ENTRY = """
          - id: mutterschutz
            name: Mutterschutz-Anzeige
            fachbereich: Ordnung
            prozesstyp: Kernprozess
"""

pytestmark = pytest.mark.skipif(not FIM.exists(), reason="shared FIM file missing")


def _with_leistung(kb: Path) -> Path:
    path = kb / "leistungen.yaml"
    path.write_text(path.read_text(encoding="utf-8") + ENTRY.replace("\n          ", "\n  "),
                    encoding="utf-8")
    return kb


def _import(kb: Path, file: Path = FIM, *extra: str) -> int:
    return main(["import", "xprozess", str(file), "--leistung", "mutterschutz", "--variant",
                 "soll", "--repository", str(kb), *extra])


def _embedded(file: Path = FIM) -> bytes:
    tree = etree.parse(str(file))
    text = tree.find(".//x:prozessmodelldatei/x:inhalt", X).text
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(text))) as archive:
        return archive.read(archive.infolist()[0])


def _canonical_without_wb(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for el in root.iter():
        for key in [k for k in el.attrib if k.startswith("{" + ns.WB + "}")]:
            del el.attrib[key]
    etree.cleanup_namespaces(root)
    return etree.tostring(root, method="c14n")


def test_real_fim_file_imports_with_the_readme_counts(kb: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _with_leistung(kb)
    assert _import(kb) == 0
    out = capsys.readouterr().out
    doc = read_xprozess(FIM)
    from workbench.kb.xprozess_import import model_counts

    assert model_counts(doc.model) == README_COUNTS
    for label, count in README_COUNTS.items():
        assert re.search(rf"^{re.escape(label)}\s+{count}$", out, re.M), label
    assert "LeiKa-Schlüssel: 99006028261000 (OZG 10313 „Mutterschutzmeldung“)" in out
    assert "Für die Potenzialrechnung fehlen Werkbench-Attribute" in out
    assert "Minuten fehlt bei 14 von 14 Aktivitäten" in out
    # the Steckbrief holds key, legal bases with links, name, Bezeichnung, status, releaser
    steckbrief = strip_lines(load_yaml(kb / "mutterschutz" / "steckbrief.yaml"))
    assert steckbrief["leika"] == "99006028261000"
    assert [r["name"] for r in steckbrief["rechtsgrundlagen"]] == [
        "§ 27 MuSchG", "§ 29 MuSchG", "§ 5 ArbSchG"]
    assert steckbrief["rechtsgrundlagen"][0]["uri"] == \
        "https://www.gesetze-im-internet.de/muschg_2018/__27.html"
    fim = steckbrief["fim"]
    assert fim["name"] == "Anzeige zur Beschäftigung einer schwangeren oder stillenden Frau bearbeiten"
    assert fim["bezeichnung"].startswith("Benachrichtigung über die Beschäftigung")
    assert fim["status"] == "2"
    assert fim["fachlich_freigegeben_von"].endswith("(BMFSFJ)")
    assert fim["ozg_id"] == "10313"
    # catalogue: key and OZG-ID written, comments kept
    catalogue = (kb / "leistungen.yaml").read_text(encoding="utf-8")
    assert "# Kommentar, der beim Import erhalten bleiben muss" in catalogue
    repo = Repository.load(kb)
    row = repo.leistung("mutterschutz")
    assert (row["leika"], row["ozg_id"]) == ("99006028261000", "10313")
    assert repo.steckbriefe.set_index("leistung").loc["mutterschutz", "rechtsgrundlagen"] == [
        "§ 27 MuSchG", "§ 29 MuSchG", "§ 5 ArbSchG"]
    # Aktivitätengruppen on their sub-processes
    defs = repo.model("mutterschutz", "soll")
    groups = {a.get_ext("fimGroupId"): a for a in defs.activities() if a.get_ext("fimGroupId")}
    assert sorted(groups) == sorted(README_GROUPS)
    for gid, (typ, name, _) in README_GROUPS.items():
        assert groups[gid].is_sub_process
        assert (groups[gid].get_ext("fimGroupType"), groups[gid].get_ext("fimGroupName"),
                groups[gid].name) == (typ, name, name)
    assert {g.id: len(g.rechtsgrundlagen) for g in doc.gruppen} == {
        k: v[2] for k, v in README_GROUPS.items()}
    # the kept message has neither the model nor the PDFs
    side = (kb / "mutterschutz" / "soll.xprozess.xml").read_bytes()
    assert len(side) < 100_000 and b"UEsDB" not in side and b"beschreibungsdatei" not in side


def test_import_is_lossless(kb: Path) -> None:
    _with_leistung(kb)
    assert _import(kb) == 0
    stored = (kb / "mutterschutz" / "soll.bpmn").read_bytes()
    assert _canonical_without_wb(stored) == _canonical_without_wb(_embedded())
    assert stored.count(b"wb:fimGroupType=") == 12
    assert b"adonis:attribute" in stored  # vendor data kept


def test_metrics_and_di_map_work_on_the_fim_model(kb: Path, tmp_path: Path) -> None:
    _with_leistung(kb)
    assert _import(kb) == 0
    defs = Repository.load(kb).model("mutterschutz", "soll")
    result = metrics.compute(defs)
    assert result.process_name == "Aufsichtsbehörde / Bundesministerium der Verteidigung"
    assert result.activities >= 10  # the collapsed FIM groups count as steps
    out = tmp_path / "karte.svg"
    assert main(["map", "mutterschutz", "--variant", "soll", "--stil", "di", "--repository",
                 str(kb), "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert svg.count("Anzeige empfangen") >= 1
    # the author's vertical pools: three pool bands taller than wide
    pools = [defs.diagrams[0].shape_for(p.id) for p in defs.participants]
    assert len(pools) == 3
    assert all(s.is_horizontal is False and s.bounds.height > s.bounds.width for s in pools)
    assert svg.count("Aufsichtsbehörde") >= 2 and "Arbei" in svg


def test_export_then_import_reproduces_model_and_metadata(kb: Path, tmp_path: Path) -> None:
    _with_leistung(kb)
    assert _import(kb) == 0
    message = tmp_path / "export.xml"
    args = ["export", "xprozess", "mutterschutz", "--variant", "soll", "-o", str(message),
            "--repository", str(kb)]
    assert main(args) == 0
    first = message.read_bytes()
    assert main(args) == 0
    assert message.read_bytes() == first  # deterministic
    second_kb = tmp_path / "zweite"
    shutil.copytree(kb, second_kb)
    for path in (second_kb / "mutterschutz").iterdir():
        path.unlink()
    assert _import(second_kb, message) == 0
    assert (second_kb / "mutterschutz" / "soll.bpmn").read_bytes() == \
        (kb / "mutterschutz" / "soll.bpmn").read_bytes()
    one = strip_lines(load_yaml(kb / "mutterschutz" / "steckbrief.yaml"))
    two = strip_lines(load_yaml(second_kb / "mutterschutz" / "steckbrief.yaml"))
    assert one["fim"].pop("quelle") != two["fim"].pop("quelle")
    assert one == two
    a, b = read_xprozess(FIM), read_xprozess(message)
    assert a.gruppen == b.gruppen
    assert a.rechtsgrundlagen() == b.rechtsgrundlagen()
    assert a.status() == b.status()
    klasse_a, klasse_b = (etree.tostring(d.klasse, method="c14n") for d in (a, b))
    assert klasse_a == klasse_b


# The element order of XProzess 2.0 (propOrder of the JAXB classes generated from the official
# schema, as published in fusion-jena/GerPS-onto, MIT): what we write must follow it.
ORDER = {
    "nachrichtenkopf": ["nachrichtUUID", "nachrichtentyp", "erstellungszeitpunkt", "leser",
                        "autor"],
    "prozessklasse": ["id", "version", "gliederungsebene", "uebergeordneteProzessklasseID",
                      "abgeloesteProzessklasse", "name", "bezeichnung", "definition",
                      "handlungsgrundlage", "zwecksetzung", "operativesZiel", "handlungsform",
                      "verfahrensart", "fachlichFreigebendeStelle",
                      "verwaltungspolitischeKodierung", "merkmal", "klassifikation",
                      "schlagwort", "zustandsangaben"],
    "prozess": ["id", "version", "name", "bezeichnung", "fachlichFreigebendeStelle",
                "klassifikation", "schlagwort", "prozesssteckbrief",
                "prozessstrukturbeschreibung", "prozessmodell", "zustandsangaben"],
    "prozessmodelldatei": ["dateiname", "modellierungsmethode", "mimeType", "inhalt"],
    "handlungsgrundlage": ["name", "art", "uri"],
    "klassifikation": ["ordnungsrahmenName", "ordnungsrahmenVersion", "klasseID", "klasseName"],
}
REQUIRED = {"nachrichtenkopf": {"nachrichtUUID", "nachrichtentyp", "erstellungszeitpunkt"},
            "prozessklasse": {"id", "name"}, "prozess": {"id", "name"},
            "prozessmodelldatei": {"dateiname", "modellierungsmethode", "mimeType", "inhalt"},
            "handlungsgrundlage": {"name", "art"}, "klassifikation": {"ordnungsrahmenName",
                                                                      "klasseID"}}


def _check_order(root: etree._Element) -> None:
    assert etree.QName(root).localname == "alleInhalte.export.0303"
    assert {"produkt", "produkthersteller", "xprozessVersion"} <= set(root.attrib)
    assert [etree.QName(c).localname for c in root] == [
        "nachrichtenkopf", "prozesskatalog", "prozessbibliothek"]
    for parent, order in ORDER.items():
        for el in root.iter(f"{{{NS}}}{parent}"):
            children = [etree.QName(c).localname for c in el]
            positions = [order.index(c) for c in children]
            assert positions == sorted(positions), (parent, children)
            assert REQUIRED[parent] <= set(children), (parent, children)


def test_export_follows_the_xprozess_element_order(kb: Path, tmp_path: Path) -> None:
    _with_leistung(kb)
    assert _import(kb) == 0
    for leistung, variant in (("mutterschutz", "soll"), ("hundeanmeldung", "ist")):
        out = tmp_path / f"{leistung}.xml"
        assert main(["export", "xprozess", leistung, "--variant", variant, "-o", str(out),
                     "--repository", str(kb)]) == 0
        _check_order(etree.parse(str(out)).getroot())
    _check_order(etree.parse(str(FIM)).getroot())  # the check itself holds for the FIM file


def test_model_without_fim_origin_round_trips(kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "hund.xml"
    assert main(["export", "xprozess", "hundeanmeldung", "--variant", "ist", "-o", str(out),
                 "--repository", str(kb)]) == 0
    doc = read_xprozess(out)
    assert doc.process_id == "hundeanmeldung" and doc.leika_key is None
    assert doc.model.to_bytes() == (kb / "hundeanmeldung" / "ist.bpmn").read_bytes()
    second = tmp_path / "zweite"
    shutil.copytree(kb, second)
    (second / "fundsachen" / "ist.bpmn").unlink(missing_ok=True)
    assert main(["import", "xprozess", str(out), "--leistung", "fundsachen", "--variant",
                 "ist", "--repository", str(second)]) == 0
    assert (second / "fundsachen" / "ist.bpmn").read_bytes() == \
        (kb / "hundeanmeldung" / "ist.bpmn").read_bytes()


# --------------------------------------------------------------------------- hostile files


def _replace_model(payload: bytes, target: Path, *, raw_text: str | None = None) -> Path:
    text = FIM.read_text(encoding="utf-8")
    start = text.index("<xprozess:inhalt>") + len("<xprozess:inhalt>")
    end = text.index("</xprozess:inhalt>", start)
    content = raw_text if raw_text is not None else base64.b64encode(payload).decode("ascii")
    target.write_text(text[:start] + content + text[end:], encoding="utf-8")
    return target


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _hostile(tmp_path: Path, kind: str) -> Path:
    target = tmp_path / f"{kind}.xml"
    model = _embedded()
    if kind == "zip-bomb":
        return _replace_model(_zip({"BPMN DI-Export.xml": b"<" + b" " * (40 * 2**20)}), target)
    if kind == "nested-zip":
        return _replace_model(_zip({"BPMN DI-Export.xml": _zip({"inner.xml": model})}), target)
    if kind == "zip-in-zip-name":
        return _replace_model(_zip({"modell.zip": _zip({"inner.xml": model})}), target)
    if kind == "many-entries":
        return _replace_model(_zip({f"m{i}.xml": model[:100] for i in range(40)}), target)
    if kind == "dtd-outer":
        text = FIM.read_text(encoding="utf-8").replace(
            '?>\n', '?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>\n', 1)
        target.write_text(text, encoding="utf-8")
        return target
    if kind == "dtd-inner":
        evil = model.replace(b"?>\n", b'?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', 1)
        return _replace_model(_zip({"BPMN DI-Export.xml": evil}), target)
    if kind == "base64-garbage":
        return _replace_model(b"", target, raw_text="UEsDB!!nicht-base64$$")
    if kind == "not-zip":
        return _replace_model(b"\x00\x01\x02garbage" * 100, target)
    if kind == "broken-zip":
        return _replace_model(_zip({"BPMN DI-Export.xml": model})[:5000], target)
    if kind == "wrong-namespace":
        text = FIM.read_text(encoding="utf-8").replace(
            "http://www.regierung-mv.de/xprozess/2", "http://example.org/xprozess/3", 1)
        target.write_text(text, encoding="utf-8")
        return target
    if kind == "not-bpmn":
        return _replace_model(_zip({"BPMN DI-Export.xml": b"<html><body/></html>"}), target)
    raise AssertionError(kind)


HOSTILE = {
    "zip-bomb": "ZIP-Bombe", "nested-zip": "verschachtelte Archive",
    "zip-in-zip-name": "verschachtelte Archive", "many-entries": "Einträge",
    "dtd-outer": "DTD", "dtd-inner": "DTD", "base64-garbage": "kein gültiges Base64",
    "not-zip": "weder ein ZIP-Archiv noch XML", "broken-zip": "beschädigt",
    "wrong-namespace": "Keine XProzess-2.0-Nachricht", "not-bpmn": "Keine BPMN-Datei",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_xprozess_files_write_nothing(kb: Path, tmp_path: Path, kind: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _with_leistung(kb)
    before = snapshot(kb)
    assert _import(kb, _hostile(tmp_path, kind)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ") and "Traceback" not in err
    assert HOSTILE[kind] in err, err
    assert f"{kind}.xml" in err  # names the file
    assert snapshot(kb) == before


def test_existing_model_is_not_replaced_without_flag(kb: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(kb)
    assert main(["import", "xprozess", str(FIM), "--leistung", "hundeanmeldung", "--variant",
                 "ist", "--repository", str(kb)]) == 2
    assert "existiert bereits" in capsys.readouterr().err
    assert snapshot(kb) == before


def test_fim_group_attributes_are_documented() -> None:
    from workbench.bpmn.extensions import ATTRIBUTES, FIM_ATTRIBUTES

    doc = (Path(__file__).parents[2] / "docs" / "bpmn-erweiterungen.md").read_text(encoding="utf-8")
    for name in FIM_ATTRIBUTES:
        assert name.startswith("fim") and name in ATTRIBUTES
        assert f"`wb:{name}`" in doc
    assert bpmn  # imported for the type of the model
