"""Links by LeiKa key between knowledge bases: the same Leistung in other Verbünde.

Two Kommunen of different Verbünde that run the same Leistung have the same LeiKa key in their
catalogues. :func:`leika_index` collects, over any number of knowledge bases, who has a key
(with model, Steckbrief and member Kommunen), and :func:`same_leistung_elsewhere` answers the
portal's question "who else runs this Leistung?" (issue 17). Pure functions over loaded
repositories; nothing is read from the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_KEY = re.compile(r"\d{14}")


@dataclass(frozen=True)
class LeikaLink:
    """One Leistung of one knowledge base that carries a LeiKa key."""

    leika: str
    verbund_id: str
    verbund_name: str
    leistung: str
    name: str
    kommunen: tuple[str, ...]  # keys of the members
    models: tuple[str, ...]  # 'ist', 'soll', 'ist.<Schlüssel>' that exist
    ozg_id: str | None = None


def _links(repo: Any) -> list[LeikaLink]:
    out = []
    members = tuple(str(k) for k in repo.kommunen["schluessel"])
    for row in repo.leistungen.itertuples():
        key = str(row.leika or "").strip() if isinstance(row.leika, str) else ""
        if not _KEY.fullmatch(key):
            continue
        models = [v for v in ("ist", "soll") if repo.model_path(row.id, v).exists()]
        models += [f"ist.{k}" for k in repo.ist_variants(row.id)]
        ozg_id = row.ozg_id if isinstance(getattr(row, "ozg_id", None), str) else None
        out.append(LeikaLink(key, repo.verbund.id, repo.verbund.name, row.id, row.name,
                             members, tuple(models), ozg_id))
    return out


def leika_index(repositories: Iterable[Any]) -> dict[str, list[LeikaLink]]:
    """LeiKa key → the Leistungen that carry it, over all given knowledge bases (sorted by
    Verbund and Leistung, so the result is the same for the same input)."""
    index: dict[str, list[LeikaLink]] = {}
    for repo in repositories:
        for link in _links(repo):
            index.setdefault(link.leika, []).append(link)
    return {k: sorted(v, key=lambda x: (x.verbund_id, x.leistung)) for k, v in sorted(index.items())}


def same_leistung_elsewhere(index: dict[str, list[LeikaLink]], verbund_id: str,
                            leika: str) -> list[LeikaLink]:
    """The Leistungen with the same LeiKa key in *other* Verbünde."""
    return [link for link in index.get(str(leika).strip(), []) if link.verbund_id != verbund_id]
