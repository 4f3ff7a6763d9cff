"""The search index of the portal: plain documents for MiniSearch, shipped as a script file.

The browser builds the MiniSearch index from these documents at load time (``portal.js``), so the
index works from ``file://`` without ``fetch``. One document per process, per step, per role,
per system, per legal basis and per glossary term; ``url`` is relative to the site root.
"""

from __future__ import annotations

import json
from typing import Any

from .glossary import Term, term_anchor
from .indices import Indices

#: Fields MiniSearch indexes (the browser uses the same list, read from the index file).
FIELDS = ("titel", "text", "rollen", "systeme", "rechtsgrundlagen")


def _doc(n: int, kind: str, title: str, url: str, context: str, **fields: str) -> dict[str, Any]:
    doc = {"id": n, "art": kind, "titel": title, "url": url, "kontext": context,
           "text": "", "rollen": "", "systeme": "", "rechtsgrundlagen": ""}
    doc.update(fields)
    return doc


def search_documents(records: dict[str, dict[str, Any]], indices: Indices,
                     glossary: list[Term], strategy: dict[str, Any] | None = None
                     ) -> list[dict[str, Any]]:
    """All documents, in a fixed order (processes and their steps by id, then the indices,
    then goals and Maßnahmen of the strategy in tree order)."""
    docs: list[dict[str, Any]] = []
    for lid in sorted(records):
        record = records[lid]
        name = record["katalog"].get("name") or lid
        brief = record["steckbrief"] or {}
        steps = [s for m in record["modelle"] for s in m["schritte"] if s["ist_aufgabe"]]
        docs.append(_doc(
            len(docs), "Prozess", name, f"prozess/{lid}.html",
            record["katalog"].get("fachbereich") or "",
            text=" ".join([brief.get("kurzbeschreibung", ""), brief.get("notizen", ""),
                           *(s["name"] for s in steps),
                           *sorted({d["name"] for s in steps for d in s["dokumente"]})]),
            rollen=" ".join(sorted({s["rolle"] for s in steps if s["rolle"]}
                                   | set(brief.get("beteiligte") or []))),
            systeme=" ".join(sorted({s["system"] for s in steps if s["system"]}
                                    | set(brief.get("fachverfahren") or []))),
            rechtsgrundlagen=" ".join(dict.fromkeys(
                [*(r["name"] for r in brief.get("rechtsgrundlagen") or []),
                 *(r for s in steps for r in s["rechtsgrundlagen"])]))))
        for model in record["modelle"]:
            for step in model["schritte"]:
                if not step["ist_aufgabe"]:
                    continue
                docs.append(_doc(
                    len(docs), "Schritt", step["name"],
                    f"prozess/{lid}.html#{model['name']}-schritt-{step['nr']}",
                    f"{name} · {model['titel']} · Schritt {step['nr']}",
                    text=" ".join(filter(None, [step["medium"], step["phase"],
                                                step["dokumentation"],
                                                *(d["name"] for d in step["dokumente"])])),
                    rollen=step["rolle"], systeme=step["system"],
                    rechtsgrundlagen=" ".join(step["rechtsgrundlagen"])))
    for kind, folder, entries in (("Rolle", "rolle", indices.rollen),
                                  ("System", "system", indices.systeme)):
        for entry in entries:
            docs.append(_doc(len(docs), kind, entry.name, f"{folder}/{entry.slug}.html",
                             _processes(len(entry.processes))))
    for entry in indices.rechtsgrundlagen:
        docs.append(_doc(len(docs), "Rechtsgrundlage", entry.name,
                         f"rechtsgrundlagen.html#{entry.slug}", _processes(len(entry.processes)),
                         rechtsgrundlagen=entry.name))
    for fld in (strategy or {}).get("handlungsfelder", []):
        for goal in fld["ziele"]:
            docs.append(_doc(len(docs), "Ziel", goal["name"], f"strategie.html#{goal['anker']}",
                             f"Strategie · {fld['name']}", text=goal.get("ziel") or ""))
            for m in goal["massnahmen"]:
                if m["anker"]:
                    docs.append(_doc(len(docs), "Maßnahme", m["name"],
                                     f"strategie.html#{m['anker']}",
                                     f"Strategie · {m['status_text']}",
                                     text=" ".join(item["name"] for item in m["leistungen"]),
                                     rollen=m["verantwortlich"]))
    for term in glossary:
        docs.append(_doc(len(docs), "Begriff", term.term, f"glossar.html#{term_anchor(term.term)}",
                         "Glossar", text=term.explanation))
    return docs


def index_script(docs: list[dict[str, Any]]) -> str:
    """The index as a classic script (``window.WB_SUCHE``), safe inside any page."""
    payload = json.dumps({"felder": list(FIELDS), "dokumente": docs}, ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.WB_SUCHE = {payload};\n"


def _processes(count: int) -> str:
    return f"{count} Prozess" if count == 1 else f"{count} Prozesse"
