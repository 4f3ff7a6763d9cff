"""One Leistung of the knowledge base as a plain, JSON-safe record for the portal pages.

Everything the pages and the search index need is read here once per Leistung (Steckbrief,
catalogue row, models, step lists, IST/SOLL diff, Kommune variants, Fallzahlen), so the record can
be cached by the hash of its input files and a rebuild only reads what changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path
from typing import Any

from lxml import etree

from .. import __version__
from ..bpmn.documents import step_documents
from ..bpmn.extensions import AUTOMATION, MEDIA, PHASES, legal_bases
from ..bpmn.model import Definitions
from ..bpmn.safexml import source_encoding
from ..diff import diff_models
from ..kb.steckbriefe import legal_links
from ..maps import MapTooLarge, process_map
from ..steptable import step_table_from_bpmn
from ..steptable.model import ELEMENTS, format_number

#: Bump when the record layout changes, so cached records are rebuilt.
RECORD_VERSION = 3


def input_files(repo: Any, leistung: str) -> list[Path]:
    """The files one record is built from (sorted): Steckbrief and models of the Leistung."""
    folder = repo.root / leistung
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and (p.name == "steckbrief.yaml" or p.suffix == ".bpmn"))


def input_hash(repo: Any, leistung: str, catalogue_row: dict[str, Any],
               fallzahlen: list[dict[str, Any]], members: dict[str, str]) -> str:
    """Hash of everything a record depends on (files, catalogue row, Fallzahlen, members)."""
    digest = hashlib.sha256(f"v{RECORD_VERSION} {__version__}\n".encode())
    for path in input_files(repo, leistung):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr(sorted(catalogue_row.items())).encode())
    digest.update(repr(fallzahlen).encode() + repr(sorted(members.items())).encode())
    return digest.hexdigest()


def plain(value: Any) -> Any:
    """A JSON-safe copy: dates as ISO text, NaN as None, mappings and lists recursively."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return str(value)


def build_record(repo: Any, leistung: str, catalogue_row: dict[str, Any],
                 fallzahlen: list[dict[str, Any]], members: dict[str, str]) -> dict[str, Any]:
    """The full record of one Leistung (see module docstring)."""
    raw = repo.steckbrief(leistung) if (repo.root / leistung / "steckbrief.yaml").exists() else None
    record: dict[str, Any] = {
        "id": leistung,
        "katalog": plain(catalogue_row),
        "steckbrief": _steckbrief(raw) if raw is not None else None,
        "fallzahlen": fallzahlen,
        "modelle": [],
        "varianten": [],
        "diff": None,
        "hinweise": [],
    }
    ist = _model(repo, leistung, "ist", None, record)
    soll = _model(repo, leistung, "soll", None, record)
    for model in (soll, ist):
        if model is not None:
            record["modelle"].append(model[0])
    if ist is not None and soll is not None:
        record["diff"] = _diff(ist[1], soll[1], "IST", "SOLL")
    for key in repo.ist_variants(leistung):
        variant = _model(repo, leistung, "ist", key, record)
        if variant is None:
            continue
        entry = variant[0]
        entry["kommune_name"] = members.get(key, key)
        entry["diff"] = _diff(ist[1], variant[1], "Verbund-IST", "IST der Kommune") if ist else None
        record["varianten"].append(entry)
    return record


def _steckbrief(raw: dict[str, Any]) -> dict[str, Any]:
    def texts(key: str) -> list[str]:
        value = raw.get(key)
        if isinstance(value, list):
            return [str(v).strip() for v in value if v is not None and str(v).strip()]
        return [s.strip() for s in str(value).split(";") if s.strip()] if value else []

    return plain({
        "kurzbeschreibung": str(raw.get("kurzbeschreibung") or "").strip(),
        "verantwortlich": str(raw.get("verantwortlich") or "").strip(),
        "fachbereich": str(raw.get("fachbereich") or "").strip(),
        "fachverfahren": texts("fachverfahren"),
        "rechtsgrundlagen": [{"name": n, "uri": u} for n, u in legal_links(raw)],
        "basisdienste": texts("basisdienste"),
        "beteiligte": texts("beteiligte"),
        "zuletzt_geprueft": raw.get("zuletzt_geprueft")
        if isinstance(raw.get("zuletzt_geprueft"), dt.date) else None,
        "geprueft_von": str(raw.get("geprueft_von") or "").strip(),
        "notizen": str(raw.get("notizen") or "").strip(),
        "beispielwerte": bool(raw.get("beispielwerte", False)),
        "status": str(raw.get("status") or "").strip().lower(),
    })


def _model(repo: Any, leistung: str, variant: str, kommune: str | None,
           record: dict[str, Any]) -> tuple[dict[str, Any], Definitions] | None:
    path = repo.model_path(leistung, variant, kommune)
    if not path.exists():
        return None
    rel = f"{leistung}/{path.name}"
    defs = repo.model(leistung, variant, kommune)  # the file exists, so no fallback applies
    if defs is None:
        record["hinweise"].append(f"{rel}: Modell nicht lesbar (siehe workbench validate), "
                                  "nicht veröffentlicht.")
        return None
    label = "SOLL (Verbund)" if variant == "soll" else (
        f"IST der Kommune {kommune}" if kommune else "IST (Verbund)")
    entry = {
        "variante": variant, "kommune": kommune, "datei": rel, "titel": label,
        "name": f"{variant}{'.' + kommune if kommune else ''}",
        "xml": _viewer_xml(path, defs),
        "schritte": _steps(defs),
        "svg": _svg(defs, record, rel),
    }
    return entry, defs


def _viewer_xml(path: Path, defs: Definitions) -> str:
    """The model as text for the viewer: the file itself when it is UTF-8, else the parsed tree
    (a vendor file in windows-1252 or UTF-16 is shown, not refused)."""
    data = path.read_bytes()
    if source_encoding(data) == "utf-8" and not data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8")
    return etree.tostring(defs.root, encoding="unicode")


def _steps(defs: Definitions) -> list[dict[str, Any]]:
    """The step list in reading order with the per-step details the portal shows."""
    table = step_table_from_bpmn(defs)
    documents = step_documents(defs)
    out = []
    for row in table.rows:
        element_id = table.origin.get(row.nr)
        node = defs.get(element_id) if element_id else None
        out.append(plain({
            "nr": row.nr, "id": element_id, "name": row.step, "element": row.element,
            "rolle": row.role or "", "medium": MEDIA.get(row.medium or "", row.medium or ""),
            "minuten": row.minutes, "wartezeit_tage": row.wait_days,
            "system": row.system or "", "phase": PHASES.get(row.phase or "", row.phase or ""),
            "automatisierung": AUTOMATION.get(row.automation or "", row.automation or ""),
            "dokumentation": (getattr(node, "documentation", "") or "").strip(),
            "dokumente": [{"name": link.name, "text": link.label}
                          for link in documents.get(element_id or "", [])],
            "rechtsgrundlagen": legal_bases(node.get_ext("rechtsgrundlage"))
            if node is not None else [],
            "ist_aufgabe": getattr(ELEMENTS.get(row.element), "category", "") == "task",
        }))
    return out


def _svg(defs: Definitions, record: dict[str, Any], rel: str) -> str | None:
    try:
        return process_map(defs, style="di", with_metrics=False).svg
    except MapTooLarge as err:
        record["hinweise"].append(f"{rel}: {err}")
        return None


def _diff(a: Definitions, b: Definitions, a_label: str, b_label: str) -> dict[str, Any]:
    diff = diff_models(a, b)
    rows = []
    for e in diff.elements:
        if not e.is_step or (e.kind == "unchanged" and not e.moved):
            continue
        what = {"added": "neu", "removed": "entfällt", "changed": "geändert",
                "unchanged": "verschoben"}[e.kind]
        details = [f"{_attr_label(k)}: {_show(v[0])} → {_show(v[1])}"
                   for k, v in sorted(e.attributes.items())]
        if e.moved and e.lane:
            details.append(f"Rolle: {e.lane[0]} → {e.lane[1]}")
        rows.append({"art": what, "name": e.name, "details": details})
    return {"zusammenfassung": diff.summary(), "a": a_label, "b": b_label, "zeilen": rows}


def _attr_label(name: str) -> str:
    from ..diff.model import attribute_label

    return attribute_label(name)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, ",")
    return MEDIA.get(str(value), PHASES.get(str(value), str(value)))
