"""Report section: the same Leistung (same LeiKa key) in the knowledge bases of other Verbünde.

A Verbund names partner knowledge bases in ``verbund.yaml`` (``verknuepfte_wissensbasen``,
paths relative to its own folder). The Kommune report lists, for each of the Kommune's
Leistungen that carries a LeiKa key, who else runs it: Verbund, members, and which models
(IST, SOLL) exist there – a starting point for Nachnutzung. The Wissensportal shows the same
links on its process pages (``workbench portal --weitere-wissensbasis``)."""

from __future__ import annotations

from pathlib import Path

from ..kb.catalog_links import leika_index, same_leistung_elsewhere
from ..repository import Repository, RepositoryError
from .data import ReportContext
from .fmt import esc, table

_MODELS = {"ist": "IST", "soll": "SOLL"}


def linked_repositories(repo: Repository) -> tuple[list[Repository], list[str]]:
    """The partner knowledge bases named in ``verbund.yaml``; German notes for missing ones."""
    found, notes = [], []
    for text in repo.verbund.linked:
        path = Path(text)
        if not path.is_absolute():
            path = Path(repo.root) / path
        try:
            found.append(Repository.load(path))
        except RepositoryError:
            notes.append(f"Verknüpfte Wissensbasis „{text}“ (verbund.yaml) nicht gefunden.")
    return found, notes


def _models(models: tuple[str, ...]) -> str:
    own = [_MODELS[m] for m in ("ist", "soll") if m in models]
    variants = sum(1 for m in models if m.startswith("ist."))
    if variants:
        own.append(f"{variants} eigene IST-Variante(n)")
    return ", ".join(own) or "nur Steckbrief"


def same_leistung_elsewhere_section(ctx: ReportContext, kommune: str) -> str:
    """„Dieselbe Leistung in anderen Verbünden“ for the Kommune's Leistungen with LeiKa key."""
    others, notes = linked_repositories(ctx.repo)
    if not others and not notes:
        return ""
    members = {(r.verbund.id, str(k)): str(n) for r in others
               for k, n in zip(r.kommunen["schluessel"], r.kommunen["name"], strict=True)}
    index = leika_index([ctx.repo, *others])
    frame = ctx.analysis.frame
    own = set(frame.loc[frame["kommune"] == kommune, "leistung"].astype(str))
    catalogue = ctx.repo.leistungen
    body = []
    for row in catalogue[catalogue["id"].isin(own)].sort_values("name").itertuples():
        key = row.leika if isinstance(row.leika, str) else ""
        for link in same_leistung_elsewhere(index, ctx.repo.verbund.id, key) if key else []:
            names = [members.get((link.verbund_id, k), k) for k in link.kommunen]
            body.append([esc(row.name), esc(key), esc(link.verbund_name),
                         esc(link.name), esc("; ".join(names)), esc(_models(link.models))])
    parts = ["<h2>Dieselbe Leistung in anderen Verbünden</h2>",
             "<p>Verknüpft über den LeiKa-Schlüssel: wer die Leistung auch führt und welche "
             "Modelle dort schon vorliegen – Ansprechpartner für Nachnutzung (EfA). Quelle: "
             "die in verbund.yaml verknüpften Wissensbasen "
             f"({esc(', '.join(r.verbund.name for r in others)) or 'keine gefunden'}).</p>"]
    if body:
        parts.append(table(["Leistung", "LeiKa-Schlüssel", "Verbund", "dort als", "Mitglieder",
                            "Modelle dort"], body))
    else:
        parts.append("<p>Keine der Leistungen der Kommune kommt in den verknüpften "
                     "Wissensbasen mit demselben LeiKa-Schlüssel vor.</p>")
    parts.extend(f"<p class='hinweis'>{esc(note)}</p>" for note in notes)
    return "".join(parts)
