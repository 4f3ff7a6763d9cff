"""The portal's glossary: the shipped domain vocabulary, plus a Verbund's own terms.

The shipped terms live in ``portal/data/glossar.yaml`` (with their source); a knowledge base may
add or override terms in ``processes/glossar.yaml`` (same layout). Sorted by term, German order.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from ..text import ascii_fold, slug


@dataclass(frozen=True)
class Term:
    term: str
    explanation: str


class GlossaryError(ValueError):
    """The Verbund's glossary file cannot be used (German message)."""


def _terms(data: object, where: str) -> dict[str, Term]:
    if not isinstance(data, dict) or not isinstance(data.get("begriffe"), list):
        raise GlossaryError(f"{where}: erwartet wird „begriffe:“ mit einer Liste aus "
                            "„begriff:“ und „erklaerung:“.")
    out = {}
    for n, item in enumerate(data["begriffe"], start=1):
        if not isinstance(item, dict) or not str(item.get("begriff") or "").strip():
            raise GlossaryError(f"{where}: Eintrag {n} hat kein Feld „begriff“.")
        term = str(item["begriff"]).strip()
        out[ascii_fold(term)] = Term(term, str(item.get("erklaerung") or "").strip())
    return out


def load_glossary(repository_root: Path | None = None) -> tuple[list[Term], str]:
    """All terms (shipped and the Verbund's own) sorted, and the source note of the shipped ones."""
    shipped = yaml.safe_load(resources.files("workbench.portal").joinpath(
        "data", "glossar.yaml").read_text(encoding="utf-8"))
    terms = _terms(shipped, "glossar.yaml (mitgeliefert)")
    own = repository_root / "glossar.yaml" if repository_root else None
    if own is not None and own.is_file():
        try:
            data = yaml.safe_load(own.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise GlossaryError(f"{own}: kein gültiges YAML ({err.__class__.__name__}). Bitte "
                                "die Einrückung prüfen.") from None
        terms.update(_terms(data, str(own)))
    return [terms[k] for k in sorted(terms)], str(shipped.get("quelle", ""))


def term_anchor(term: str) -> str:
    """The anchor of a term on the glossary page: ``begriff-medienbruch``."""
    return "begriff-" + slug(term, separator="-")
