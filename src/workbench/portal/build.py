"""``build_portal``: the knowledge base → a static, offline website (see docs/portal.md)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..kb.catalog_links import LeikaLink, leika_index, same_leistung_elsewhere
from ..reports.sanitize import sanitize
from ..text import slug
from .glossary import load_glossary, term_anchor
from .indices import Indices, build_indices
from .records import RECORD_VERSION, build_record, input_hash, plain
from .release import Release, decide, interval_from
from .search import index_script, search_documents
from .site import CACHE_DIR, CSP, SiteWriter, environment
from .strategy import strategy_content

#: The bpmn-js NavigatedViewer bundle the modeler ships (``workbench.widgets.modeler.VIEWER_JS``),
#: located by path: importing the widget package would pull in ipywidgets and cost seconds.
VIEWER_STATIC = Path(__file__).resolve().parents[1] / "widgets" / "static"
_TYPES = (("Kernprozess", "kern"), ("Führungsprozess", "fuehrung"),
          ("Unterstützungsprozess", "unterstuetzung"))


@dataclass
class PortalSummary:
    """What a build did: published, left out, overdue, written and rebuilt files."""

    out: Path
    published: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str, str]] = field(default_factory=list)  # id, name, reason
    overdue: list[tuple[str, str, str]] = field(default_factory=list)  # id, name, date
    notes: list[str] = field(default_factory=list)
    rebuilt_records: list[str] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)
    file_count: int = 0


def build_portal(repo: Any, out: str | Path, *, drafts: bool = False,
                 interval_days: int | None = None, reference: dt.date | None = None,
                 others: Sequence[Any] = ()) -> PortalSummary:
    """Build (or update) the portal of a loaded :class:`~workbench.repository.Repository`.

    ``drafts`` publishes Steckbriefe without ``status: freigegeben`` (marked as Entwurf);
    ``interval_days`` overrides ``parameter.pruefintervall_tage``; ``reference`` (default: the
    ``stand`` of verbund.yaml) is the day review ages are counted to; ``others`` are further
    knowledge bases for "the same Leistung elsewhere" (by LeiKa key).
    """
    out = Path(out)
    summary = PortalSummary(out)
    interval = interval_from(repo.verbund.parameter, interval_days)
    reference = reference or repo.verbund.stand
    members = {str(k): str(n) for k, n in zip(repo.kommunen["schluessel"], repo.kommunen["name"],
                                              strict=True)}
    records: dict[str, dict[str, Any]] = {}
    releases: dict[str, Release] = {}
    for row in repo.leistungen.to_dict("records"):
        lid = str(row["id"])
        name = str(row.get("name") or lid)
        raw = repo.steckbrief(lid) or None  # {} when missing or unreadable
        if raw is None and (repo.root / lid / "steckbrief.yaml").exists():
            summary.left_out.append((lid, name, "Steckbrief nicht lesbar (workbench validate "
                                                "zeigt den Fehler)"))
            continue
        release = decide(lid, raw, drafts=drafts, reference=reference, interval_days=interval)
        if not release.published:
            summary.left_out.append((lid, name, release.reason))
            continue
        releases[lid] = release
        if release.overdue and release.reviewed:
            summary.overdue.append((lid, name, f"{release.reviewed:%d.%m.%Y}"))
        records[lid] = _record(repo, lid, row, members, out, summary)
        summary.notes += records[lid]["hinweise"]
    summary.published = sorted(records)
    _render(repo, out, records, releases, members, interval, others, summary)
    return summary


def _fallzahlen(repo: Any, lid: str, members: dict[str, str]) -> list[dict[str, Any]]:
    frame = repo.fallzahlen[repo.fallzahlen["leistung"] == lid]
    rows = []
    for key, group in frame.groupby("kommune", sort=True):
        latest = group.sort_values("jahr").iloc[-1]
        value = float(latest["fallzahl"])
        rows.append({"kommune": str(key), "name": members.get(str(key), str(key)),
                     "jahr": int(latest["jahr"]), "fallzahl": None if math.isnan(value) else value,
                     "quelle": str(latest.get("quelle") or "")})
    return sorted(rows, key=lambda r: (r["name"], r["kommune"]))


def _record(repo: Any, lid: str, row: dict[str, Any], members: dict[str, str], out: Path,
            summary: PortalSummary) -> dict[str, Any]:
    """The record of one Leistung, from the cache when its inputs did not change."""
    fallzahlen = _fallzahlen(repo, lid, members)
    catalogue = plain(row)
    key = input_hash(repo, lid, catalogue, fallzahlen, members)
    cache = out / CACHE_DIR / "records" / f"{lid}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("hash") == key and cached.get("version") == RECORD_VERSION:
            return cached["record"]
    except (FileNotFoundError, ValueError, AttributeError):
        pass
    record = json.loads(json.dumps(build_record(repo, lid, catalogue, fallzahlen, members)))
    cache.parent.mkdir(parents=True, exist_ok=True)
    from ..fileio import atomic_write_text

    atomic_write_text(cache, json.dumps({"hash": key, "version": RECORD_VERSION,
                                         "record": record}, ensure_ascii=False, sort_keys=True))
    summary.rebuilt_records.append(lid)
    return record


def _german_date(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else "–"


def _overview(record: dict[str, Any], release: Release) -> dict[str, Any]:
    cat, brief = record["katalog"], record["steckbrief"] or {}
    typ = cat.get("prozesstyp") or ""
    klasse = next((k for name, k in _TYPES if name == typ), "sonst")
    ozg = "nicht OZG-relevant"
    if cat.get("ozg_relevant"):
        ozg = "OZG-relevant"
        if cat.get("reifegrad_ist") is not None:
            ozg += f", Reifegrad heute {cat['reifegrad_ist']}"
        if cat.get("reifegrad_ziel") is not None:
            ozg += f", Ziel {cat['reifegrad_ziel']}"
    return {
        "id": record["id"], "name": cat.get("name") or record["id"],
        "fachbereich": cat.get("fachbereich") or brief.get("fachbereich") or "ohne Fachbereich",
        "typ": typ or "ohne Prozesstyp", "typ_klasse": klasse,
        "verantwortlich": brief.get("verantwortlich") or "–",
        "geprueft": _german_date(brief.get("zuletzt_geprueft")),
        "ueberfaellig": release.overdue, "entwurf": release.status != "freigegeben",
        "status": release.status, "ozg": ozg, "leika": cat.get("leika") or "",
    }


def _render(repo: Any, out: Path, records: dict[str, dict[str, Any]],
            releases: dict[str, Release], members: dict[str, str], interval: int,
            others: Sequence[Any], summary: PortalSummary) -> None:
    env = environment()
    writer = SiteWriter(out)
    indices = build_indices(records)
    glossary, source = load_glossary(repo.root)
    overview = {lid: _overview(records[lid], releases[lid]) for lid in records}
    landscape = {area: ids for area, ids in indices.fachbereiche.items()}
    area_slugs = {area: "fb-" + slug(area, separator="-") for area in landscape}
    stand = repo.verbund.stand
    site = {"name": repo.verbund.name, "beschreibung": repo.verbund.beschreibung,
            "stand": f"{stand:%d.%m.%Y}" if stand else "ohne Stand",
            "beispielwerte": any((r["steckbrief"] or {}).get("beispielwerte")
                                 for r in records.values())}
    common = {"site": site, "csp": CSP, "version": __version__, "processes": overview,
              "area_slugs": area_slugs, "interval_days": interval,
              "role_slugs": {e.name: e.slug for e in indices.rollen},
              "system_slugs": {e.name: e.slug for e in indices.systeme},
              "legal_slugs": {e.name: e.slug for e in indices.rechtsgrundlagen}}
    strategy = strategy_content(repo, set(records))
    summary.notes += strategy.notes
    common["has_strategy"] = strategy.page is not None
    index = leika_index([repo, *others]) if others else {}

    def page(rel: str, template: str, **values: Any) -> None:
        root = "../" * rel.count("/")
        writer.write(rel, env.get_template(template).render(root=root, **common, **values))

    for lid, record in records.items():
        models = record["modelle"]
        primary = models[0] if models else None
        for model in [*models, *record["varianten"]]:
            if model["svg"]:  # cleaned on every write: the record cache is data, not trusted
                writer.write(f"bilder/{lid}-{model['name']}.svg", sanitize(model["svg"]))
        step_data = {}
        if primary:
            for s in primary["schritte"]:
                if s["id"] and s["ist_aufgabe"]:
                    step_data[s["id"]] = {**s, "anker": f"{primary['name']}-schritt-{s['nr']}"}
        elsewhere: list[LeikaLink] = (same_leistung_elsewhere(index, repo.verbund.id,
                                                               overview[lid]["leika"])
                                      if index and overview[lid]["leika"] else [])
        page(f"prozess/{lid}.html", "prozess.html.j2", title=overview[lid]["name"],
             p=overview[lid], brief=record["steckbrief"], fallzahlen=record["fallzahlen"],
             primary=primary, models=models, variants=record["varianten"],
             diff=record["diff"], step_data=step_data, elsewhere=elsewhere,
             hinweise=record["hinweise"], area_slug=area_slugs[overview[lid]["fachbereich"]],
             strategie=strategy.per_process.get(lid, []))
    types = [{"name": n, "klasse": k} for n, k in _TYPES]
    page("index.html", "index.html.j2", title="Prozesslandkarte", landscape=landscape,
         types=[*types, {"name": "sonstige", "klasse": "sonst"}])
    page("fachbereiche.html", "fachbereiche.html.j2", title="Fachbereiche", landscape=landscape)
    _directory_pages(page, indices)
    terms = [{"term": t.term, "explanation": t.explanation, "anchor": term_anchor(t.term)}
             for t in glossary]
    page("glossar.html", "glossar.html.j2", title="Glossar", terms=terms, source=source)
    if strategy.page is not None:
        page("strategie.html", "strategie.html.j2", title="Strategie", s=strategy.page)
    page("suche.html", "suche.html.j2", title="Suche")
    writer.write("assets/suche-index.js",
                 index_script(search_documents(records, indices, glossary, strategy.page)))
    _assets(writer)
    writer.finish()
    summary.changed_files = sorted(writer.changed)
    summary.removed_files = writer.removed
    summary.file_count = len(writer.written)


def _directory_pages(page: Any, indices: Indices) -> None:
    page("rollen.html", "verzeichnis.html.j2", title="Rollen", column="Rolle", folder="rolle",
         entries=indices.rollen,
         intro="Wer arbeitet in welchen Prozessen? Rollen sind die Lanes der Modelle sowie die "
               "Verantwortlichen und Beteiligten aus den Steckbriefen.")
    page("systeme.html", "verzeichnis.html.j2", title="Systeme", column="System (Fachverfahren)",
         folder="system", entries=indices.systeme,
         intro="Welche Schritte laufen in welchem Fachverfahren? Aus den Modellen (System je "
               "Schritt) und den Fachverfahren der Steckbriefe.")
    page("rechtsgrundlagen.html", "verzeichnis.html.j2", title="Rechtsgrundlagen",
         column="Rechtsgrundlage", folder="", entries=indices.rechtsgrundlagen,
         intro="Auf welcher Rechtsgrundlage beruhen die Prozesse? Aus den Steckbriefen und "
               "den Schritten der Modelle (Rechtsgrundlage je Schritt).")
    for kind, folder, other, entries in (("Rolle", "rolle", "system", indices.rollen),
                                         ("System", "system", "rolle", indices.systeme)):
        parent = "rollen.html" if folder == "rolle" else "systeme.html"
        for entry in entries:
            page(f"{folder}/{entry.slug}.html", "eintrag.html.j2", title=entry.name, kind=kind,
                 entry=entry, process_ids=sorted(entry.processes), other_key=other,
                 other_column="System" if other == "system" else "Rolle",
                 parent_url=parent, parent_title="Alle Rollen" if folder == "rolle"
                 else "Alle Systeme")


def _assets(writer: SiteWriter) -> None:
    static = resources.files("workbench.portal").joinpath("static")
    for name in ("portal.css", "portal.js", "minisearch.js", "minisearch-LICENSE.txt"):
        writer.write(f"assets/{name}", static.joinpath(name).read_bytes())
    for name in ("bpmn-viewer.js", "bpmn-viewer.css", "THIRD-PARTY-LICENSES.txt"):
        writer.write(f"assets/{name}", (VIEWER_STATIC / name).read_bytes())
