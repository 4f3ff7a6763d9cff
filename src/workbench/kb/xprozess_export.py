"""Writing a model of the knowledge base as an XProzess 2.0 message (``alleInhalte.export.0303``).

The BPMN file is embedded the way the FIM library does it: one zip entry, Deflate, base64 in
one line. When the model came from an XProzess import, the kept message
(``<variante>.xprozess.xml``) supplies every metadata element unchanged; the Aktivitätengruppen
follow the model (removed sub-processes drop out, renamed ones carry the new name). Otherwise
Prozessklasse and Prozess are built from the catalogue entry and the Steckbrief. The output
is deterministic: the message UUID and the zip timestamps derive from the content and the
given Erstellungszeitpunkt (default: the Stand of ``verbund.yaml``), never from the clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from .. import bpmn
from ..bpmn.safexml import parse_xml
from ..fileio import atomic_write_bytes
from .xprozess import NS, XProzessError
from .xprozess_import import sidecar_path

_X = {"x": NS}
PRODUCT = "Prozess-Werkbench"
_CODE_LISTS = {
    "nachrichtentyp": ("urn:xoev-de:xprozess:codeliste:nachricht", "1.0"),
    "modellierungsmethode": ("urn:xoev-de:xprozess:codeliste:modellierungsmethode", "2019-08-05"),
    "mimeType": ("urn:xoev-de:xprozess:codeliste:mimetype", "2020-01-20"),
    "art": ("urn:xoev-de:mv:em:codeliste:xprozess:handlungsgrundlagenart", "2019-04-16"),
}


def _q(local: str) -> str:
    return f"{{{NS}}}{local}"


def _sub(parent: etree._Element, local: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, _q(local))
    if text is not None:
        el.text = text
    return el


def _code(parent: etree._Element, local: str, value: str) -> etree._Element:
    uri, version = _CODE_LISTS["modellierungsmethode" if local == "code" else local]
    el = _sub(parent, local)
    el.set("listURI", uri)
    el.set("listVersionID", version)
    etree.SubElement(el, "code").text = value  # code elements have no namespace (XÖV)
    return el


def embed_model(model: bytes, entry: str, when: dt.datetime) -> str:
    """Base64 of a one-entry zip (Deflate) holding the model, deterministic for equal input."""
    buffer = io.BytesIO()
    info = zipfile.ZipInfo(entry, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, model, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _timestamp(text: str | None, stand: dt.date | None) -> dt.datetime:
    if text:
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise XProzessError(f"Zeitpunkt '{text}' ist kein Datum (JJJJ-MM-TT oder "
                                "JJJJ-MM-TTThh:mm).") from None
    elif stand is not None:
        value = dt.datetime(stand.year, stand.month, stand.day)
    else:
        raise XProzessError("verbund.yaml nennt keinen Stand; bitte den Erstellungszeitpunkt "
                            "mit --zeitpunkt JJJJ-MM-TT angeben.")
    if value.year < 1980:
        raise XProzessError(f"Zeitpunkt {value:%d.%m.%Y} liegt vor 1980 (ZIP kann ihn nicht "
                            "speichern).")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _header(root: etree._Element, message_id: str, when: dt.datetime, author: str) -> None:
    root.set("produkt", PRODUCT)
    root.set("produkthersteller", "Prozess-Werkbench-Projekt")
    root.set("xprozessVersion", "2.0")
    head = root.find("x:nachrichtenkopf", _X)
    if head is None:
        head = etree.Element(_q("nachrichtenkopf"))
        root.insert(0, head)
    for child in list(head):
        head.remove(child)
    _sub(head, "nachrichtUUID", message_id)
    _code(head, "nachrichtentyp", "0303")
    _sub(head, "erstellungszeitpunkt", when.isoformat().replace("+00:00", "Z"))
    _sub(head, "autor", author)
    etree.indent(head, space="    ", level=1)


def _groups_follow_model(prozess: etree._Element, defs: bpmn.Definitions) -> list[str]:
    notes = []
    path = "x:prozessstrukturbeschreibung/x:strukturbeschreibungFIM/x:aktivitaetengruppe"
    groups = prozess.findall(path, _X)
    seen = set()
    for group in groups:
        ref = (group.findtext("x:subProzessID", "", _X) or "").strip()
        element = defs.get(ref)
        gid = (group.findtext("x:id", "", _X) or "").strip()
        if element is None:
            group.getparent().remove(group)
            notes.append(f"Aktivitätengruppe {gid} entfällt: ihr Teilprozess '{ref}' ist nicht "
                         "mehr im Modell.")
            continue
        seen.add(ref)
        name = group.find("x:name", _X)
        if name is not None and element.name and " ".join((name.text or "").split()) != element.name:
            notes.append(f"Aktivitätengruppe {gid} heißt jetzt „{element.name}“ wie ihr Teilprozess.")
            name.text = element.name
    structure = prozess.find("x:prozessstrukturbeschreibung/x:strukturbeschreibungFIM", _X)
    if structure is not None and not len(structure):
        outer = structure.getparent()
        outer.getparent().remove(outer)  # the schema requires at least one group
    extra = [a for a in defs.activities() if a.get_ext("fimGroupId") and a.id not in seen]
    if extra:
        notes.append("Teilprozesse mit FIM-Angaben ohne Aktivitätengruppe in der gespeicherten "
                     "Nachricht (nicht als Gruppe exportiert): "
                     + ", ".join(f"„{a.label}“" for a in extra) + ".")
    return notes


def _from_sidecar(path: Path, steckbrief: dict[str, Any]) -> tuple[etree._Element, list[str]]:
    try:
        root, _ = parse_xml(path.read_bytes(), source=path.name)
    except bpmn.BpmnRejected as err:
        raise XProzessError(f"{path.name}: gespeicherte XProzess-Angaben nicht lesbar: "
                            f"{err.reason}") from None
    if etree.QName(root).namespace != NS or root.find("x:prozessbibliothek/x:prozess", _X) is None:
        raise XProzessError(f"{path.name}: keine gespeicherte XProzess-Nachricht mit Prozess.")
    notes = []
    klasse = root.find("x:prozesskatalog/x:prozessklasse", _X)
    wanted = [i for i in steckbrief.get("rechtsgrundlagen") or []]
    if klasse is not None:
        have = [" ".join((g.findtext("x:name", "", _X)).split())
                for g in klasse.iterfind("x:handlungsgrundlage", _X)]
        names = [str(i.get("name", "")) if isinstance(i, dict) else str(i) for i in wanted]
        if [n for n in names if n] != have and wanted:
            notes += _set_grundlagen(klasse, wanted)
    return root, notes


def _set_grundlagen(klasse: etree._Element, items: list[Any]) -> list[str]:
    """Replace the Handlungsgrundlagen of a Prozessklasse by the Steckbrief's."""
    old = klasse.findall("x:handlungsgrundlage", _X)
    anchor = old[0] if old else None
    for el in old:
        klasse.remove(el)
    skipped = []
    new = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("art") or "").strip():
            skipped.append(str(item.get("name") if isinstance(item, dict) else item))
            continue
        el = etree.Element(_q("handlungsgrundlage"))
        _sub(el, "name", str(item.get("name", "")))
        _code(el, "art", str(item["art"]))
        if item.get("uri"):
            _sub(el, "uri", str(item["uri"]))
        new.append(el)
    position = (list(klasse).index(anchor) if anchor is not None and anchor in klasse
                else _position_after(klasse, ("definition", "bezeichnung", "name")))
    for offset, el in enumerate(new):
        klasse.insert(position + offset, el)
    if skipped:
        return ["Rechtsgrundlagen ohne Art-Code (Codeliste Handlungsgrundlagenart) nicht "
                "exportiert: " + "; ".join(skipped) + "."]
    return []


def _position_after(parent: etree._Element, locals_: tuple[str, ...]) -> int:
    for local in locals_:
        found = parent.find(f"x:{local}", _X)
        if found is not None:
            return list(parent).index(found) + 1
    return len(parent)


def _fresh(leistung: dict[str, Any], steckbrief: dict[str, Any], catalog_name: str,
           bezeichnung: str | None) -> tuple[etree._Element, list[str]]:
    """A new message for a model that did not come from XProzess."""
    root = etree.Element(_q("alleInhalte.export.0303"), nsmap={"xprozess": NS})
    etree.SubElement(root, _q("nachrichtenkopf"))
    key = str(leistung.get("leika") or "").strip() or str(steckbrief.get("leika") or "").strip()
    pid = key or str(leistung["id"])
    katalog = _sub(root, "prozesskatalog")
    _sub(katalog, "name", f"Prozesskatalog {catalog_name}")
    klasse = _sub(katalog, "prozessklasse")
    _sub(klasse, "id", pid)
    _sub(klasse, "version", "1")
    _sub(klasse, "name", str(leistung["name"]))
    if bezeichnung:
        _sub(klasse, "bezeichnung", bezeichnung)
    if steckbrief.get("kurzbeschreibung"):
        _sub(klasse, "definition", " ".join(str(steckbrief["kurzbeschreibung"]).split()))
    notes = _set_grundlagen(klasse, list(steckbrief.get("rechtsgrundlagen") or []))
    bibliothek = _sub(root, "prozessbibliothek")
    _sub(bibliothek, "name", f"Prozessbibliothek {catalog_name}")
    prozess = _sub(bibliothek, "prozess")
    _sub(prozess, "id", pid)
    _sub(prozess, "version", "1")
    _sub(prozess, "name", str(leistung["name"]))
    if bezeichnung:
        _sub(prozess, "bezeichnung", bezeichnung)
    if key:
        klass = _sub(prozess, "klassifikation")
        _sub(klass, "ordnungsrahmenName", "FIM Prozesskatalog")
        _sub(klass, "klasseID", key)
        _sub(klass, "klasseName", str(leistung["name"]))
    modell = _sub(prozess, "prozessmodell")
    datei = _sub(modell, "prozessmodelldatei")
    _sub(datei, "dateiname", "BPMN DI-Export")
    methode = _sub(datei, "modellierungsmethode")
    _code(methode, "code", "10")
    _sub(methode, "freitext", "BPMN 2.0")
    _code(datei, "mimeType", "1")
    _sub(datei, "inhalt", "")
    if not key:
        notes.append("Die Leistung hat keinen LeiKa-Schlüssel; Prozessklasse und Prozess tragen "
                     f"ihre ID '{pid}'.")
    etree.indent(root, space="    ")
    return root, notes


def export_xprozess(root: Path, leistung: str, variant: str, output: Path, *,
                    kommune: str | None = None, timestamp: str | None = None,
                    catalog: Any = None) -> tuple[Path, list[str]]:
    """Write the model as XProzess 2.0 message to ``output``; returns the path and notes."""
    from ..repository import Repository, RepositoryError

    repo = Repository.load(root)
    entry = repo.leistung(leistung)
    source = repo.model_source(leistung, variant, kommune)
    if source is None:
        raise RepositoryError(f"Kein {variant.upper()}-Modell für '{leistung}' vorhanden.")
    model_file = repo.root / source
    defs = repo.model(leistung, variant, kommune)
    if defs is None:
        raise RepositoryError(f"{source} ist nicht lesbar (siehe workbench validate).")
    when = _timestamp(timestamp, repo.verbund.stand)
    steckbrief = repo.steckbrief(leistung)
    side = sidecar_path(model_file)
    if side.exists():
        message, notes = _from_sidecar(side, steckbrief)
    else:
        bezeichnung = None
        key = str(entry.get("leika") or steckbrief.get("leika") or "")
        if catalog is not None and catalog.entry(key) is not None:
            bezeichnung = catalog.entry(key).name
        message, notes = _fresh(entry.to_dict(), steckbrief, repo.verbund.name, bezeichnung)
    prozess = message.find("x:prozessbibliothek/x:prozess", _X)
    notes += _groups_follow_model(prozess, defs)
    model = model_file.read_bytes()
    datei = prozess.find("x:prozessmodell/x:prozessmodelldatei", _X)
    name = " ".join((datei.findtext("x:dateiname", "", _X)).split()) or "BPMN DI-Export"
    entry_name = name if re.search(r"\.(xml|bpmn)$", name, re.I) else f"{name}.xml"
    datei.find("x:inhalt", _X).text = embed_model(model, entry_name, when)
    digest = hashlib.sha256(model + etree.tostring(message, method="c14n")).hexdigest()
    message_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:prozess-werkbench:{digest}:{when}"))
    _header(message, message_id, when, repo.verbund.name)
    data = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + etree.tostring(message, encoding="UTF-8") + b"\n")
    return atomic_write_bytes(output, data), notes
