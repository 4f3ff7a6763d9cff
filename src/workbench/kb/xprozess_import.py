"""Taking a FIM process (XProzess 2.0) into the knowledge base.

The decoded BPMN becomes a model of the Leistung (unchanged except for the ``wb:fim*``
attributes on the sub-processes of the Aktivitätengruppen), the XProzess metadata fill the
Steckbrief (LeiKa key, Rechtsgrundlagen with links, name, Bezeichnung, status, who released
it), and the message itself – without the model and the PDF attachments – is kept beside the
model as ``<variante>.xprozess.xml``, so that ``workbench export xprozess`` can write the same
metadata back. Everything is read and checked before the first file is written.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import bpmn
from ..bpmn import namespaces as ns
from ..bpmn.extensions import fim_group_type_label
from ..fileio import atomic_write_bytes
from .imports import computable_problem
from .xprozess import NS, XProzessDocument, XProzessError, read_xprozess
from .yamlio import read_roundtrip, write_roundtrip

_X = {"x": NS}
#: What the import counts in the decoded model (BPMN local names, German labels).
COUNTED = (("participant", "Pools"), ("process", "Prozesse"), ("lane", "Lanes"),
           ("subProcess", "Teilprozesse"), ("callActivity", "Aufrufaktivitäten"),
           ("task", "Aufgaben (alle Arten)"), ("gateway", "Gateways"), ("event", "Ereignisse"),
           ("sequenceFlow", "Sequenzflüsse"), ("messageFlow", "Nachrichtenflüsse"),
           ("BPMNShape", "Diagramm-Formen"), ("BPMNEdge", "Diagramm-Kanten"))


@dataclass
class XProzessImport:
    """What an XProzess import did (or, on a dry run, would do)."""

    leistung: str
    variant: str
    model_path: Path
    sidecar_path: Path
    counts: dict[str, int]
    groups: list[tuple[str, str, str, str]]  # id, type code, name, sub-process id
    notes: list[str] = field(default_factory=list)
    steckbrief: dict[str, Any] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)


def model_counts(defs: bpmn.Definitions) -> dict[str, int]:
    """Element counts as the FIM README states them (every element of the document)."""
    local = Counter(ns.local_name(el.tag) for el in defs.root.iter(f"{{{ns.BPMN}}}*"))
    local.update(ns.local_name(el.tag) for el in defs.root.iter(f"{{{ns.BPMNDI}}}*"))
    out = {}
    for key, label in COUNTED:
        if key == "task":
            value = sum(v for k, v in local.items() if k == "task" or k.endswith("Task"))
        elif key == "gateway":
            value = sum(v for k, v in local.items() if k.endswith("Gateway"))
        elif key == "event":
            value = sum(v for k, v in local.items() if k.endswith("Event"))
        else:
            value = local.get(key, 0)
        out[label] = value
    return out


def annotate_groups(doc: XProzessDocument) -> list[str]:
    """Put the Aktivitätengruppen on their sub-processes as ``wb:fim*`` attributes."""
    notes = []
    for group in doc.gruppen:
        element = doc.model.get(group.sub_process_id)
        if element is None or not hasattr(element, "is_sub_process"):
            notes.append(f"Aktivitätengruppe {group.id} „{group.name}“ verweist auf das "
                         f"Modellelement '{group.sub_process_id}', das es im Modell nicht als "
                         "Aktivität gibt; sie bleibt nur in der XProzess-Datei erhalten.")
            continue
        if not element.is_sub_process:
            notes.append(f"Aktivitätengruppe {group.id} steht an „{element.label}“, das kein "
                         "Teilprozess ist.")
        element.set_ext("fimGroupId", group.id or None)
        element.set_ext("fimGroupType", group.typ or None)
        element.set_ext("fimGroupName", group.name or None)
        if group.name and element.name and group.name != element.name:
            notes.append(f"Aktivitätengruppe {group.id}: Name laut FIM „{group.name}“, im Modell "
                         f"„{element.name}“.")
    return notes


def sidecar_bytes(doc: XProzessDocument) -> bytes:
    """The message without the embedded model and attachments, for a later export."""
    root = copy.deepcopy(doc.root)
    keep_id = doc.process_id
    for prozess in root.findall("x:prozessbibliothek/x:prozess", _X):
        if prozess.findtext("x:id", "", _X).strip() != keep_id:
            prozess.getparent().remove(prozess)
            continue
        for tag in ("visualisierungsdatei", "beschreibungsdatei"):
            for el in prozess.findall(f"x:prozessmodell/x:{tag}", _X):
                el.getparent().remove(el)
        for content in prozess.findall("x:prozessmodell/x:prozessmodelldatei/x:inhalt", _X):
            content.text = ""
    body = etree.tostring(root, encoding="UTF-8")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def sidecar_path(model_path: Path) -> Path:
    """``ist.bpmn`` → ``ist.xprozess.xml`` (``ist.<Schlüssel>.bpmn`` likewise)."""
    return model_path.with_name(model_path.name.removesuffix(".bpmn") + ".xprozess.xml")


def steckbrief_updates(doc: XProzessDocument, current: dict[str, Any], variant: str,
                       ozg: dict[str, str] | None) -> dict[str, Any]:
    """The Steckbrief fields the XProzess metadata fill (existing entries are kept)."""
    updates: dict[str, Any] = {}
    if doc.leika_key:
        updates["leika"] = doc.leika_key
    known = {_item_name(i) for i in current.get("rechtsgrundlagen") or []}
    merged = CommentedSeq(current.get("rechtsgrundlagen") or [])
    for grundlage in doc.rechtsgrundlagen():
        if grundlage.name not in known:
            merged.append(CommentedMap(grundlage.as_yaml()))
            known.add(grundlage.name)
    if merged:
        updates["rechtsgrundlagen"] = merged
    definition = doc.text("x:definition", of="klasse") or doc.text("x:prozesssteckbrief/x:definition")
    if definition and not current.get("kurzbeschreibung"):
        updates["kurzbeschreibung"] = definition
    teilnehmer = [" ".join((t.findtext("x:name", "", _X)).split())
                  for t in doc.prozess.iterfind("x:prozesssteckbrief/x:prozessteilnehmer", _X)]
    if teilnehmer and not current.get("beteiligte"):
        updates["beteiligte"] = CommentedSeq(dict.fromkeys(t for t in teilnehmer if t))
    fim = CommentedMap()
    fim["prozessklasse"] = doc.text("x:id", of="klasse") or doc.process_id
    fim["prozess"] = doc.process_id
    fim["version"] = doc.text("x:version")
    fim["name"] = doc.text("x:name")
    fim["bezeichnung"] = doc.text("x:bezeichnung") or doc.text("x:bezeichnung", of="klasse")
    fim.update(doc.status())
    bibliothek = " ".join(doc.root.findtext("x:prozessbibliothek/x:name", "", _X).split())
    if bibliothek:
        fim["bibliothek"] = bibliothek
    if ozg:
        fim["ozg_id"] = ozg["ozg_id"]
        fim["ozg_leistung"] = ozg["name"]
    fim["variante"] = variant
    fim["quelle"] = _source_line(doc)
    fim["aktivitaetengruppen"] = len(doc.gruppen)
    updates["fim"] = CommentedMap((k, v) for k, v in fim.items() if v not in ("", None))
    return updates


def _item_name(item: Any) -> str:
    return str(item.get("name", "")) if isinstance(item, dict) else str(item)


def _source_line(doc: XProzessDocument) -> str:
    head = doc.root.find("x:nachrichtenkopf", _X)
    uuid = head.findtext("x:nachrichtUUID", "", _X).strip() if head is not None else ""
    when = head.findtext("x:erstellungszeitpunkt", "", _X).strip() if head is not None else ""
    product = " ".join(p for p in (doc.root.get("produkt", ""),
                                   doc.root.get("produkthersteller", "")) if p)
    parts = [doc.source.split("#")[0], f"Nachricht {uuid}" if uuid else "",
             f"erzeugt {when[:10]}" if when else "", f"mit {product}" if product else ""]
    return ", ".join(p for p in parts if p)


def catalogue_updates(entry: dict[str, Any], leika: str | None, ozg: dict[str, str] | None
                      ) -> tuple[dict[str, Any], list[str]]:
    """LeiKa key and OZG-ID for the catalogue entry (never overwriting a different value), and
    ``erfassung: modelliert`` where it said Steckbrief only."""
    changes: dict[str, Any] = {}
    notes = []
    if leika:
        current = str(entry.get("leika") or "").strip()
        if not current:
            changes["leika"] = leika
        elif current != leika:
            notes.append(f"leistungen.yaml nennt den LeiKa-Schlüssel {current}, die FIM-Datei "
                         f"{leika}; der Katalog bleibt unverändert – bitte prüfen.")
    if str(entry.get("erfassung") or "").strip() in ("", "steckbrief"):
        changes["erfassung"] = "modelliert"  # it has a model now
    if ozg:
        sub = entry.get("ozg") if isinstance(entry.get("ozg"), dict) else {}
        if not str(sub.get("id") or "").strip():
            changes["ozg.id"] = ozg["ozg_id"]
        if not str(sub.get("leistungsbuendel") or "").strip():
            changes["ozg.leistungsbuendel"] = ozg["name"]
    return changes, notes


def import_xprozess(root: Path, file: Path, leistung: str, variant: str, *,
                    kommune: str | None = None, overwrite: bool = False,
                    process_id: str | None = None, catalog: Any = None) -> XProzessImport:
    """Read, check and store a FIM process as a model of ``leistung`` (see module docstring).

    Raises :class:`~workbench.kb.xprozess.XProzessError` (bad file) or
    :class:`~workbench.repository.RepositoryError` (unknown Leistung, model exists); in both
    cases nothing has been written.
    """
    from ..repository import Repository, RepositoryError

    repo = Repository.load(root)
    repo.leistung(leistung)
    if kommune:
        repo.kommune(kommune)
    target = repo.model_path(leistung, variant, kommune)
    side = sidecar_path(target)
    if target.exists() and not overwrite:
        raise RepositoryError(f"{target} existiert bereits. Mit --ueberschreiben ersetzen.")
    doc = read_xprozess(file, process_id=process_id)
    refusal = computable_problem(doc.model)
    if refusal:
        raise XProzessError(f"{doc.source}: {refusal} Nichts übernommen.")
    notes = list(doc.notes) + annotate_groups(doc)
    ozg = catalog.ozg_for_leika(doc.leika_key) if catalog is not None and doc.leika_key else None
    if doc.leika_key is None:
        notes.append("Die Datei nennt keinen 14-stelligen Leistungsschlüssel; der LeiKa-Schlüssel "
                     "bleibt leer.")
    for name, size in doc.attachments:
        notes.append(f"Anhang „{name}“ ({size // 1024} KB, PDF des Originalmodells) nicht "
                     "übernommen – er veraltet mit jeder Änderung am Modell.")
    current = repo.steckbrief(leistung)
    updates = steckbrief_updates(doc, current, variant, ozg)
    result = XProzessImport(
        leistung, variant, target, side, model_counts(doc.model),
        [(g.id, g.typ, g.name, g.sub_process_id) for g in sorted(doc.gruppen, key=lambda g: g.id)],
        notes, updates)
    model_bytes = doc.model.to_bytes()
    side_bytes = sidecar_bytes(doc)
    catalogue_path = root / "leistungen.yaml"
    catalogue = read_roundtrip(catalogue_path)
    entry = next(e for e in catalogue["leistungen"] if isinstance(e, dict)
                 and str(e.get("id")) == leistung)
    changes, more = catalogue_updates(entry, doc.leika_key, ozg)
    result.notes += more
    # -- everything is checked; now write (each file atomically)
    result.written.append(atomic_write_bytes(target, model_bytes))
    result.written.append(atomic_write_bytes(side, side_bytes))
    result.written.append(repo.save_steckbrief(leistung, updates))
    if changes:
        for key, value in changes.items():
            if key.startswith("ozg."):
                sub = entry.get("ozg")
                if not isinstance(sub, dict):
                    sub = entry["ozg"] = CommentedMap()
                sub[key[4:]] = value
            else:
                entry[key] = value
        result.written.append(write_roundtrip(catalogue_path, catalogue))
    return result


def describe_groups(groups: list[tuple[str, str, str, str]]) -> list[str]:
    """German lines: 'Gruppe 03 (Typ 3: Sachverhalt formell prüfen): Anzeige formell prüfen'."""
    return [f"{gid} Typ {code} ({fim_group_type_label(code)}): {name}"
            for gid, code, name, _ in groups]
