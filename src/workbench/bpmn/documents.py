"""Forms and documents of a step: the data objects and data stores connected to an activity.

BPMN 2.0 carries what a step reads and writes as data associations nested in the activity
(``dataInputAssociation`` with the data object as ``sourceRef``, ``dataOutputAssociation`` with it
as ``targetRef``). Some tools draw a plain (undirected) ``association`` between a data object and a
task instead; that counts too, without a direction. Names come from the reference
(``dataObjectReference``/``dataStoreReference``), else from the referenced ``dataObject``/
``dataStore``; a ``dataState`` is appended in brackets, as BPMN tools print it ("Antrag [geprüft]").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from . import namespaces as ns
from . import vocabulary as voc

if TYPE_CHECKING:
    from .model import Definitions

_B = "{" + ns.BPMN + "}"
#: Data elements that name a form, document or store (what an association may point at).
_DATA = {"dataObjectReference": "dokument", "dataObject": "dokument", "dataInput": "dokument",
         "dataOutput": "dokument", "dataStoreReference": "datenspeicher",
         "dataStore": "datenspeicher"}
#: Direction of a link from the step's point of view, as the portal prints it.
DIRECTIONS = {"ein": "Eingang", "aus": "Ergebnis", "": "verbunden"}


@dataclass(frozen=True, slots=True)
class DataLink:
    """One data object or store a step uses: name, direction (ein/aus/''), kind."""

    name: str
    direction: str  # "ein" (read), "aus" (written) or "" (undirected association)
    kind: str  # "dokument" | "datenspeicher"

    @property
    def label(self) -> str:
        """German text for lists: "Antrag (Eingang)", "Melderegister (Datenspeicher, Ergebnis)"."""
        parts = (["Datenspeicher"] if self.kind == "datenspeicher" else []) + \
            [DIRECTIONS[self.direction]]
        return f"{self.name} ({', '.join(parts)})"


def _refs(element: etree._Element, tag: str) -> list[str]:
    return [(r.text or "").strip() for r in element.iterchildren(_B + tag) if (r.text or "").strip()]


def _data_name(by_id: dict[str, etree._Element], element: etree._Element) -> str:
    name = (element.get("name") or "").strip()
    target = by_id.get(element.get("dataObjectRef") or element.get("dataStoreRef") or "")
    if not name and target is not None:
        name = (target.get("name") or "").strip()
    name = " ".join(name.split())  # names drawn over two lines keep a line break
    state = element.find(_B + "dataState")
    if state is not None and (state.get("name") or "").strip():
        name = f"{name} [{state.get('name').strip()}]"
    return name or f"{ns.local_name(element.tag)} {element.get('id') or ''}".strip()


def step_documents(defs: Definitions) -> dict[str, list[DataLink]]:
    """Per activity id the data objects and stores it reads and writes, in document order,
    each name and direction once."""
    root = defs.root
    by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}

    def data(ref: str) -> etree._Element | None:
        el = by_id.get(ref)
        return el if el is not None and ns.local_name(el.tag) in _DATA else None

    out: dict[str, list[DataLink]] = {}

    def add(step_id: str, el: etree._Element, direction: str) -> None:
        link = DataLink(_data_name(by_id, el), direction, _DATA[ns.local_name(el.tag)])
        links = out.setdefault(step_id, [])
        if link not in links:
            links.append(link)

    for assoc in root.iter(_B + "dataInputAssociation", _B + "dataOutputAssociation",
                           _B + "association"):
        local = ns.local_name(assoc.tag)
        if local == "association":
            source, target = by_id.get(assoc.get("sourceRef") or ""), \
                by_id.get(assoc.get("targetRef") or "")
            for a, b in ((source, target), (target, source)):
                if a is not None and b is not None and ns.local_name(a.tag) in _DATA \
                        and _is_activity(b):
                    add(b.get("id") or "", a, "")
            continue
        owner = assoc.getparent()
        if owner is None or not _is_activity(owner):
            continue
        refs = _refs(assoc, "sourceRef") if local == "dataInputAssociation" \
            else _refs(assoc, "targetRef")
        for ref in refs:
            el = data(ref)
            if el is not None and el.getparent() is not owner.find(_B + "ioSpecification"):
                add(owner.get("id") or "", el, "ein" if local == "dataInputAssociation" else "aus")
    return out


def _is_activity(element: etree._Element) -> bool:
    return ns.local_name(element.tag) in voc.ACTIVITIES
