"""The prioritization model of ``bewertung.yaml``: groups, criteria, scale, weights, policy.

Tolerant where a default is obvious (a missing weight is 1, recorded as a finding) and strict
where a wrong value would silently change a ranking (unknown dimension, negative weight,
unknown source): then :class:`ScoringModelError` names the file and the criterion.
The format and the formulas are documented in German in ``docs/bewertungsmodell.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .kb.yamlio import SafeKbLoader, UnsafeYaml

DIMENSIONS: dict[str, str] = {"nutzen": "Nutzen", "eignung": "Eignung"}
DIRECTIONS: dict[str, str] = {"hoch": "höher ist besser", "niedrig": "niedriger ist besser"}
#: Computed criteria (``quelle: "berechnet:<key>"``) and their German labels.
COMPUTED_SOURCES: dict[str, str] = {
    "fallzahl": "Fallzahl pro Jahr",
    "stunden_gespart": "eingesparte Stunden pro Jahr",
    "digitalanteil_zuwachs": "Zuwachs des Digitalanteils nach Schritten (SOLL − IST)",
    "medienbrueche_vermieden": "vermiedene Medienbrüche je Fall (veraltet, belohnt Papier)",
    "ozg_luecke": "OZG-Reifegradlücke (Ziel minus Ist)",
}
MISSING_POLICIES: dict[str, str] = {
    "neutral": "fehlende Bewertungen zählen als Skalenmitte",
    "renormalisieren": "fehlende Bewertungen entfallen, die übrigen Gewichte werden hochgerechnet",
}
NORMALIZATIONS: dict[str, str] = {
    "maximum": "Anteil am größten Wert der Kommune",
    "rang": "Rangplatz innerhalb der Kommune",
}


class ScoringModelError(ValueError):
    """bewertung.yaml cannot be used; the message names file and criterion (German)."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion; ``source`` is a key of :data:`COMPUTED_SOURCES` or None (rated 0–3)."""

    id: str
    name: str
    weight: float
    direction: str
    group: str
    dimension: str
    source: str | None = None

    @property
    def computed(self) -> bool:
        return self.source is not None


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    dimension: str
    weight: float
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class Scale:
    min: float = 0.0
    max: float = 3.0
    meanings: dict[int, str] = field(default_factory=dict)

    @property
    def mid(self) -> float:
        return (self.min + self.max) / 2


@dataclass(frozen=True, slots=True)
class ScoringModel:
    """The parsed model. ``findings`` are German notes about tolerated gaps."""

    groups: tuple[Group, ...]
    scale: Scale = Scale()
    missing_policy: str = "neutral"
    normalization: str = "maximum"
    dimension_weights: dict[str, float] = field(
        default_factory=lambda: {"nutzen": 1.0, "eignung": 1.0})
    hint: str = ""
    source: str = "bewertung.yaml"
    findings: tuple[str, ...] = ()

    @property
    def criteria(self) -> list[Criterion]:
        """All criteria in file order."""
        return [c for g in self.groups for c in g.criteria]

    @property
    def rated(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.computed]

    @property
    def computed(self) -> list[Criterion]:
        return [c for c in self.criteria if c.computed]

    def effective_weights(self) -> dict[str, float]:
        """Weight of each criterion in the Priorität (sums to 1): dimension share ×
        group weight × criterion weight ÷ the sum of those products in its dimension."""
        dim_total = sum(self.dimension_weights.values())
        sums = {d: sum(g.weight * c.weight for g in self.groups if g.dimension == d
                       for c in g.criteria) for d in DIMENSIONS}
        return {
            c.id: (self.dimension_weights[g.dimension] / dim_total) * g.weight * c.weight
            / sums[g.dimension]
            for g in self.groups for c in g.criteria
        }

    def assumptions(self) -> dict[str, Any]:
        """What a report must state as assumptions of the prioritization."""
        return {
            "fehlende_bewertung": self.missing_policy,
            "fehlende_bewertung_bedeutung": MISSING_POLICIES[self.missing_policy],
            "normierung": self.normalization,
            "normierung_bedeutung": NORMALIZATIONS[self.normalization],
            "skala": [self.scale.min, self.scale.max],
            "dimensionen": dict(self.dimension_weights),
            "gewichte": {c.id: round(w, 6) for c, w in
                         zip(self.criteria, self.effective_weights().values(), strict=True)},
        }


def load_scoring_model(path: str | Path) -> ScoringModel:
    """Read and validate ``bewertung.yaml``; raises :class:`ScoringModelError` (German)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScoringModelError(f"{path}: Datei nicht gefunden.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScoringModelError(f"{path}: Datei nicht lesbar ({err}).") from None
    try:
        data = yaml.load(text, Loader=SafeKbLoader)  # safe, no aliases, bounded depth
    except UnsafeYaml as err:
        mark = err.problem_mark
        where = f", Zeile {mark.line + 1}" if mark is not None else ""
        raise ScoringModelError(f"{path}{where}: {err.problem}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", Zeile {mark.line + 1}" if mark is not None else ""
        raise ScoringModelError(f"{path}{where}: kein gültiges YAML "
                                f"({getattr(err, 'problem', None) or err}).") from None
    return parse_scoring_model(data, source=str(path))


def parse_scoring_model(data: Any, source: str = "bewertung.yaml") -> ScoringModel:
    """Validate already parsed YAML data (see :func:`load_scoring_model`)."""
    p = _Parser(source)
    if not isinstance(data, dict):
        p.fail("die Datei muss eine Zuordnung mit dem Schlüssel 'gruppen' enthalten.")
    scale = p.scale(data.get("skala"))
    policy = p.choice(data, "fehlende_bewertung", MISSING_POLICIES, "neutral")
    normalization = p.choice(data, "normierung", NORMALIZATIONS, "maximum", quiet=True)
    dims = p.dimension_weights(data.get("dimensionen"))
    raw_groups = data.get("gruppen")
    if not isinstance(raw_groups, list) or not raw_groups:
        p.fail("'gruppen' fehlt oder ist leer; mindestens eine Gruppe mit Kriterien ist nötig.")
    groups = tuple(p.group(g, i) for i, g in enumerate(raw_groups, start=1))
    for dim, label in DIMENSIONS.items():
        if not any(g.weight * c.weight > 0 for g in groups if g.dimension == dim
                   for c in g.criteria):
            p.fail(f"die Dimension '{dim}' ({label}) hat kein Kriterium mit Gewicht über 0; "
                   "ohne sie lässt sich keine Priorität berechnen.")
    return ScoringModel(groups=groups, scale=scale, missing_policy=policy,
                        normalization=normalization, dimension_weights=dims,
                        hint=str(data.get("hinweis") or "").strip(), source=source,
                        findings=tuple(p.findings))


class _Parser:
    """Collects findings; raises with file and element named."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.findings: list[str] = []
        self.seen: set[str] = set()

    def fail(self, message: str, where: str = "") -> None:
        raise ScoringModelError(f"{self.source}{where}: {message}")

    def note(self, message: str, where: str = "") -> None:
        self.findings.append(f"{self.source}{where}: {message}")

    def number(self, raw: Any, where: str, what: str, default: float) -> float:
        if raw is None:
            self.note(f"{what} fehlt; angenommen wird {default:g}.", where)
            return default
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.fail(f"{what} '{raw}' ist keine Zahl.", where)
        try:
            value = float(str(raw).replace(",", "."))
        except ValueError:
            self.fail(f"{what} '{raw}' ist keine Zahl.", where)
        if not math.isfinite(value):
            self.fail(f"{what} '{raw}' ist keine endliche Zahl.", where)
        if value < 0:
            self.fail(f"{what} {value:g} ist negativ; erlaubt sind Gewichte ab 0. Ein "
                      "Kostenkriterium bekommt 'richtung: niedrig', kein negatives Gewicht.",
                      where)
        return value

    def choice(self, data: dict[str, Any], key: str, allowed: dict[str, str], default: str,
               *, quiet: bool = False, where: str = "") -> str:
        raw = data.get(key)
        if raw is None or str(raw).strip() == "":
            if not quiet:
                self.note(f"'{key}' fehlt; angenommen wird '{default}'.", where)
            return default
        value = str(raw).strip().lower()
        if value not in allowed:
            self.fail(f"'{key}: {raw}' ist nicht erlaubt; erlaubt sind "
                      + ", ".join(f"'{k}' ({v})" for k, v in allowed.items()) + ".", where)
        return value

    def scale(self, raw: Any) -> Scale:
        if raw is None:
            self.note("'skala' fehlt; angenommen wird 0 bis 3.")
            return Scale()
        if not isinstance(raw, dict):
            self.fail("'skala' muss 'min' und 'max' enthalten.")
        lo = self.number(raw.get("min", 0), ", skala", "min", 0.0)
        hi = self.number(raw.get("max", 3), ", skala", "max", 3.0)
        if hi <= lo:
            self.fail(f"die Skala braucht min < max (ist {lo:g} bis {hi:g}).", ", skala")
        meanings = raw.get("bedeutung") or {}
        if not isinstance(meanings, dict):
            self.fail("'bedeutung' muss Stufen auf Texte abbilden.", ", skala")
        return Scale(lo, hi, {int(k): str(v) for k, v in meanings.items()})

    def dimension_weights(self, raw: Any) -> dict[str, float]:
        weights = {"nutzen": 1.0, "eignung": 1.0}
        if raw is None:
            return weights
        if not isinstance(raw, dict):
            self.fail("'dimensionen' muss Gewichte für 'nutzen' und 'eignung' angeben.")
        for key, value in raw.items():
            if key not in DIMENSIONS:
                self.fail(f"unbekannte Dimension '{key}' unter 'dimensionen'; erlaubt sind "
                          "'nutzen' und 'eignung'.")
            weights[key] = self.number(value, f", Dimension '{key}'", "Gewicht", 1.0)
        if sum(weights.values()) <= 0:
            self.fail("die Gewichte unter 'dimensionen' sind zusammen 0.")
        return weights

    def group(self, raw: Any, number: int) -> Group:
        if not isinstance(raw, dict):
            self.fail(f"Gruppe Nr. {number} ist keine Zuordnung (id, name, dimension, "
                      "gewicht, kriterien).")
        gid = str(raw.get("id") or "").strip()
        if not gid:
            self.fail(f"Gruppe Nr. {number} hat keine 'id'.")
        where = f", Gruppe '{gid}'"
        dim = str(raw.get("dimension") or "").strip().lower()
        if dim not in DIMENSIONS:
            self.fail(f"unbekannte Dimension '{raw.get('dimension')}'; erlaubt sind 'nutzen' "
                      "und 'eignung'.", where)
        weight = self.number(raw.get("gewicht"), where, "Gewicht", 1.0)
        crits = raw.get("kriterien")
        if not isinstance(crits, list):
            self.fail("'kriterien' fehlt oder ist keine Liste.", where)
        if not crits:
            self.note("die Gruppe hat keine Kriterien und zählt nicht.", where)
        criteria = tuple(self.criterion(c, i, gid, dim) for i, c in enumerate(crits, start=1))
        return Group(gid, str(raw.get("name") or gid), dim, weight, criteria)

    def criterion(self, raw: Any, number: int, group: str, dim: str) -> Criterion:
        if not isinstance(raw, dict) or not str(raw.get("id") or "").strip():
            self.fail(f"Kriterium Nr. {number} hat keine 'id'.", f", Gruppe '{group}'")
        cid = str(raw["id"]).strip()
        where = f", Kriterium '{cid}'"
        if cid in self.seen:
            self.fail("die Kriteriums-ID kommt mehrfach vor; IDs müssen eindeutig sein.", where)
        self.seen.add(cid)
        weight = self.number(raw.get("gewicht"), where, "Gewicht", 1.0)
        direction = self.choice(raw, "richtung", DIRECTIONS, "hoch", where=where)
        source = raw.get("quelle")
        key = None
        if source is not None and str(source).strip():
            text = str(source).strip()
            key = text.removeprefix("berechnet:").strip()
            if not text.startswith("berechnet:") or key not in COMPUTED_SOURCES:
                self.fail(f"unbekannte Quelle '{text}'; erlaubt sind "
                          + ", ".join(f"'berechnet:{k}'" for k in COMPUTED_SOURCES)
                          + " oder keine Quelle (Bewertung 0–3 im Steckbrief).", where)
            if key == "medienbrueche_vermieden":
                self.note("'berechnet:medienbrueche_vermieden' ist veraltet: ein reiner "
                          "Papierprozess hat keine Medienbrüche und schneidet damit besser ab als "
                          "ein teilweise digitaler. Besser 'berechnet:digitalanteil_zuwachs' "
                          "(docs/kennzahlen.md).", where)
        return Criterion(cid, str(raw.get("name") or cid), weight, direction, group, dim, key)
