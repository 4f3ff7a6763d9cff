"""Cross-process indices of the portal: by Fachbereich, role (lane), system and legal basis.

Pure functions over the published records; every list is sorted, so the pages they become are
the same bytes for the same records. Slugs (file names of role and system pages) are derived from
the sorted names, umlauts spelled out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..kb.imports import unique_slug
from ..text import ascii_fold, slug


@dataclass
class Entry:
    """One role, system or legal basis: the processes and the steps that mention it."""

    name: str
    slug: str = ""
    processes: set[str] = field(default_factory=set)
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Indices:
    fachbereiche: dict[str, list[str]]
    rollen: list[Entry]
    systeme: list[Entry]
    rechtsgrundlagen: list[Entry]


def _sort_key(text: str) -> tuple[str, str]:
    return ascii_fold(text), text


def _step_ref(record: dict[str, Any], model: dict[str, Any], step: dict[str, Any]) -> dict[str, Any]:
    return {"leistung": record["id"], "prozess": record["katalog"].get("name") or record["id"],
            "modell": model["titel"], "modell_name": model["name"], "nr": step["nr"],
            "schritt": step["name"], "medium": step["medium"], "minuten": step["minuten"],
            "system": step["system"], "rolle": step["rolle"]}


def _finish(entries: dict[str, Entry], records: dict[str, dict[str, Any]]) -> list[Entry]:
    taken: set[str] = set()
    out = []
    for name in sorted(entries, key=_sort_key):
        entry = entries[name]
        entry.slug = unique_slug(slug(name, separator="-"), taken)
        taken.add(entry.slug)
        entry.steps.sort(key=lambda s: (_sort_key(s["prozess"]), s["modell_name"] != "soll",
                                        s["modell_name"], _nr_key(s["nr"])))
        out.append(entry)
    return out


def _nr_key(nr: str) -> tuple[int, str]:
    return (int(nr), nr) if nr.isdigit() else (10**9, nr)


def build_indices(records: dict[str, dict[str, Any]]) -> Indices:
    """The indices over the published records (keyed by Leistung id)."""
    fachbereiche: dict[str, list[str]] = {}
    roles: dict[str, Entry] = {}
    systems: dict[str, Entry] = {}
    legal: dict[str, Entry] = {}
    for lid in sorted(records):
        record = records[lid]
        brief = record["steckbrief"] or {}
        area = record["katalog"].get("fachbereich") or brief.get("fachbereich") or "ohne Fachbereich"
        fachbereiche.setdefault(area, []).append(lid)
        for model in record["modelle"]:
            for step in model["schritte"]:
                if not step["ist_aufgabe"]:
                    continue
                if step["rolle"]:
                    entry = roles.setdefault(step["rolle"], Entry(step["rolle"]))
                    entry.processes.add(lid)
                    entry.steps.append(_step_ref(record, model, step))
                if step["system"]:
                    entry = systems.setdefault(step["system"], Entry(step["system"]))
                    entry.processes.add(lid)
                    entry.steps.append(_step_ref(record, model, step))
                for name in step.get("rechtsgrundlagen") or []:
                    entry = legal.setdefault(name, Entry(name))
                    entry.processes.add(lid)
                    entry.steps.append(_step_ref(record, model, step))
        for name in brief.get("beteiligte") or []:
            roles.setdefault(name, Entry(name)).processes.add(lid)
        if brief.get("verantwortlich"):
            roles.setdefault(brief["verantwortlich"], Entry(brief["verantwortlich"])).processes.add(lid)
        for name in brief.get("fachverfahren") or []:
            systems.setdefault(name, Entry(name)).processes.add(lid)
        for item in brief.get("rechtsgrundlagen") or []:
            legal.setdefault(item["name"], Entry(item["name"])).processes.add(lid)
    areas = {k: sorted(v, key=lambda i: _sort_key(records[i]["katalog"].get("name") or i))
             for k, v in sorted(fachbereiche.items(), key=lambda kv: _sort_key(kv[0]))}
    return Indices(areas, _finish(roles, records), _finish(systems, records),
                   _finish(legal, records))
