"""The knowledge base ``processes/`` as typed objects and pandas frames.

``Repository.load(path)`` reads everything it can and records what it cannot as findings, so a
half-filled catalogue still works. Models are read lazily. The only write path is here: models and
Steckbriefe are saved atomically (temp file + rename), so a failed save leaves the old file intact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from . import bpmn
from .bpmn.lint import lint
from .kb.findings import Finding, sort_findings
from .kb.imports import is_step
from .kb.loaders import (
    ID_PATTERN,
    Verbund,
    load_fallzahlen,
    load_kommunen,
    load_leistungen,
    load_verbund,
)
from .kb.steckbriefe import load_steckbriefe
from .kb.yamlio import read_roundtrip, write_roundtrip

VARIANTS = ("ist", "soll")
_MODEL_NAME = re.compile(r"^(ist|soll)(?:\.(\d{2,12}))?\.bpmn$")
_STEP_ATTRIBUTES = {"minutes": "Minuten", "medium": "Medium", "phase": "Phase"}


def find_repository(start: str | Path | None = None) -> Path:
    """The knowledge base to use: ``$WERKBENCH_REPOSITORY``, else the nearest ``processes/``
    folder (with a ``verbund.yaml``) in the start folder or one of its parents."""
    import os

    if os.environ.get("WERKBENCH_REPOSITORY"):
        return Path(os.environ["WERKBENCH_REPOSITORY"])
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "processes"
        if (candidate / "verbund.yaml").exists():
            return candidate
    raise RepositoryError("Keine Wissensbasis gefunden: weder WERKBENCH_REPOSITORY gesetzt noch "
                          f"ein Ordner processes/ in {here} oder darüber.")


class RepositoryError(ValueError):
    """A request the knowledge base cannot serve (unknown Leistung, Kommune, variant …)."""


T = TypeVar("T")


def first_positions(values: Iterable[Any]) -> dict[Any, int]:
    """Each value → the number of the first row where it stands."""
    positions: dict[Any, int] = {}
    for row, value in enumerate(values):
        positions.setdefault(value, row)
    return positions


@dataclass
class Repository:
    """A loaded knowledge base. Build with :meth:`load`."""

    root: Path
    verbund: Verbund
    kommunen: pd.DataFrame
    leistungen: pd.DataFrame
    fallzahlen: pd.DataFrame
    steckbriefe: pd.DataFrame
    bewertungen: pd.DataFrame
    scoring: Any
    findings: list[Finding] = field(default_factory=list)
    _raw_steckbriefe: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _models: dict[Path, bpmn.Definitions | None] = field(default_factory=dict, repr=False)
    _derived: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | Path = "processes") -> Repository:
        """Read the knowledge base at ``path``; raises only if the folder does not exist."""
        root = Path(path)
        if not root.is_dir():
            raise RepositoryError(
                f"Wissensbasis '{root}' nicht gefunden. Bitte den Ordner angeben "
                "(--repository PFAD) oder im Projektordner aufrufen.")
        findings: list[Finding] = []
        verbund = load_verbund(root, findings)
        kommunen = load_kommunen(root, findings)
        leistungen = load_leistungen(root, findings)
        scoring, rated, scale = _load_scoring(root, findings)
        fallzahlen = load_fallzahlen(root, set(kommunen["schluessel"]), set(leistungen["id"]),
                                     findings)
        steckbriefe, bewertungen, raw = load_steckbriefe(
            root, set(leistungen["id"]), rated, scale, verbund.stand, findings)
        repo = cls(root, verbund, kommunen, leistungen, fallzahlen, steckbriefe, bewertungen,
                   scoring, findings, raw)
        repo.findings.extend(repo._model_file_findings())
        return repo

    # ------------------------------------------------------------------ lookups
    def leistung(self, leistung: str) -> pd.Series:
        """The catalogue row of a Leistung (raises with a German message if unknown)."""
        return self.leistungen.iloc[self._leistung_position(leistung)]

    def _leistung_position(self, leistung: str) -> int:
        """Row number of a Leistung in :attr:`leistungen` (its first row with that id)."""
        position = self._first_rows("leistungen", "id").get(leistung)
        if position is None:
            raise RepositoryError(f"Unbekannte Leistung '{leistung}'. Bekannt sind: "
                                  + ", ".join(self.leistungen["id"]) + ".")
        return position

    def kommune(self, key: str | int) -> pd.Series:
        """The master-data row of a Kommune (by key or exact name).

        A key that lost its leading zero (a number from papermill ``-p`` or a spreadsheet)
        still matches."""
        text = str(key).strip()
        found = [p for p in (self._first_rows("kommunen", "schluessel").get(text),
                             self._first_rows("kommunen", "name").get(text)) if p is not None]
        if not found and text.isdigit():
            position = self._first_rows("kommunen", "schluessel", strip_zeros=True).get(
                text.lstrip("0"))
            found = [] if position is None else [position]
        if not found:
            raise RepositoryError(f"Unbekannte Kommune '{key}'. Bekannt sind: "
                                  + ", ".join(self.kommunen["schluessel"]) + ".")
        return self.kommunen.iloc[min(found)]

    def derived(self, key: str, inputs: tuple[Any, ...], build: Callable[[], T]) -> T:
        """A value computed from this knowledge base, built once while its ``inputs`` stay the
        same: frames compared by identity (a frame assigned anew builds it anew), other inputs
        (parameters) by value. It lives and dies with the Repository; treat it as read-only."""
        known = self._derived.get(key)
        if known is None or len(known[0]) != len(inputs) or not all(
                a is b or (not isinstance(a, pd.DataFrame) and a == b)
                for a, b in zip(known[0], inputs, strict=True)):
            known = self._derived[key] = (inputs, build())
        return known[1]

    def _first_rows(self, table: str, column: str, *, strip_zeros: bool = False
                    ) -> dict[str, int]:
        """Value of ``column`` → its first row number in the frame ``table``: built once per
        frame object, so a lookup is O(1)."""
        frame = getattr(self, table)

        def build() -> dict[str, int]:
            values = frame[column]
            if strip_zeros:
                values = (v.lstrip("0") if isinstance(v, str) else v for v in values)
            return first_positions(values)

        key = f"zeilen:{table}.{column}" + (".lstrip0" if strip_zeros else "")
        return self.derived(key, (frame,), build)

    def steckbrief(self, leistung: str) -> dict[str, Any]:
        """The Steckbrief as a plain dict ({} when there is none)."""
        self._leistung_position(leistung)
        return dict(self._raw_steckbriefe.get(leistung, {}))

    def model_path(self, leistung: str, variant: str, kommune: str | None = None) -> Path:
        """Where a model lives: ``<leistung>/<variant>[.<kommune>].bpmn``."""
        if variant not in VARIANTS:
            raise RepositoryError(f"Unbekannte Variante '{variant}'; erlaubt: ist, soll.")
        if not ID_PATTERN.match(leistung):
            raise RepositoryError(f"Ungültige Leistungs-ID '{leistung}'.")
        suffix = f".{kommune}" if kommune else ""
        if kommune and not re.fullmatch(r"\d{2,12}", kommune):
            raise RepositoryError(f"Ungültiger Gemeindeschlüssel '{kommune}'.")
        return self.root / leistung / f"{variant}{suffix}.bpmn"

    def ist_variants(self, leistung: str) -> list[str]:
        """Kommune keys with their own IST model of this Leistung."""
        folder = self.root / leistung
        keys = []
        for path in sorted(folder.glob("ist.*.bpmn")) if folder.is_dir() else []:
            match = _MODEL_NAME.match(path.name)
            if match and match.group(2):
                keys.append(match.group(2))
        return keys

    def model(self, leistung: str, variant: str, kommune: str | None = None
              ) -> bpmn.Definitions | None:
        """The model of a Leistung; a Kommune's IST falls back to the Verbund IST.

        SOLL is shared by the Verbund, so ``kommune`` only selects among IST variants. Returns
        None when no model exists or it cannot be read (see :meth:`validate`).
        """
        self._leistung_position(leistung)
        candidates = []
        if kommune and variant == "ist":
            candidates.append(self.model_path(leistung, variant, kommune))
        candidates.append(self.model_path(leistung, variant))
        for path in candidates:
            if path.exists():
                return self._read_model(path)
        return None

    def model_source(self, leistung: str, variant: str, kommune: str | None = None) -> str | None:
        """Which file :meth:`model` uses (relative path), or None."""
        for path in ([self.model_path(leistung, variant, kommune)] if kommune and variant == "ist"
                     else []) + [self.model_path(leistung, variant)]:
            if path.exists():
                return str(path.relative_to(self.root))
        return None

    def _read_model(self, path: Path) -> bpmn.Definitions | None:
        if path not in self._models:
            try:
                self._models[path] = bpmn.read(path, name=str(path.relative_to(self.root)))
            except bpmn.BpmnRejected:
                self._models[path] = None
        return self._models[path]

    def model_files(self) -> list[Path]:
        """Every model file of the knowledge base, sorted."""
        return sorted(p for p in self.root.glob("*/*.bpmn") if not p.name.startswith("."))

    # ------------------------------------------------------------------ validation
    def _model_file_findings(self) -> list[Finding]:
        findings = []
        known = set(self.leistungen["id"])
        keys = set(self.kommunen["schluessel"])
        for path in self.model_files():
            rel = str(path.relative_to(self.root))
            match = _MODEL_NAME.match(path.name)
            if path.parent.name not in known:
                continue  # reported with the folder
            if not match:
                findings.append(Finding("warning", rel, "", "Unbekannter Dateiname; erwartet "
                                        "ist.bpmn, soll.bpmn oder ist.<Schlüssel>.bpmn.", "naming"))
            elif match.group(1) == "soll" and match.group(2):
                findings.append(Finding("warning", rel, "", "SOLL ist der gemeinsame Zielprozess "
                                        "des Verbunds; kommunale SOLL-Varianten werden nicht "
                                        "ausgewertet.", "naming"))
            elif match.group(2) and match.group(2) not in keys:
                findings.append(Finding("error", rel, "", f"Kommune '{match.group(2)}' steht "
                                        "nicht in kommunen.csv.", "unknown-kommune"))
        for row in self.leistungen.itertuples():
            if row.erfassung != "modelliert":
                continue
            for variant in VARIANTS:
                if not self.model_path(row.id, variant).exists():
                    findings.append(Finding("warning", f"{row.id}/{variant}.bpmn", "",
                                            f"{variant.upper()}-Modell fehlt, obwohl die Leistung "
                                            "als 'modelliert' erfasst ist.", "missing-model"))
        return findings

    def validate(self, *, models: bool = True) -> list[Finding]:
        """All findings: loading, consistency, and (optionally) each model's import and lint."""
        findings = list(self.findings) + self._orphan_findings()
        if models:
            for path in self.model_files():
                if path.parent.name in set(self.leistungen["id"]):
                    findings += self.model_findings(path)
        return sort_findings(findings)

    def _orphan_findings(self) -> list[Finding]:
        """Temp files of writes that were killed (``.ist.bpmn.*.tmp``): reported, never read."""
        from .fileio import orphan_temp_files
        from .text import german_number

        out = []
        for orphan in orphan_temp_files(self.root):
            rel = str(orphan.relative_to(self.root))
            target = orphan.name[1:].rsplit(".", 2)[0]
            try:
                size = german_number(orphan.stat().st_size / 2**20, 1)
            except OSError:  # removed meanwhile
                continue
            out.append(Finding("warning", rel, "", "Verwaiste Zwischendatei eines abgebrochenen "
                               f"Schreibvorgangs ({size} MB, zu {target}); sie wird nie gelesen "
                               f"und beim nächsten Speichern von {target} entfernt. Sie kann auch "
                               "gelöscht werden.", "orphan-temp-file"))
        return out

    def model_findings(self, path: Path) -> list[Finding]:
        """Import warnings, lint findings and missing step attributes of one model file."""
        rel = str(path.relative_to(self.root))
        try:
            defs = bpmn.read(path, name=rel)
        except bpmn.BpmnRejected as err:
            return [Finding("error", rel, "", f"Modell nicht lesbar: {err.reason}", err.code)]
        self._models[path] = defs
        out = _size_findings(rel, len(defs.flow_nodes()))
        for f in [*defs.warnings, *lint(defs)]:
            if f.code == "duplicate-id" and f.severity != "error":
                continue  # lint reports it as an error
            where = ", ".join(p for p in (f"Zeile {f.line}" if f.line else "",
                                          f"Element '{f.element_id}'" if f.element_id else "") if p)
            out.append(Finding(f.severity, rel, where, f.message, f.code))
        for activity in defs.activities():
            if not is_step(activity):
                continue
            missing = [label for attr, label in _STEP_ATTRIBUTES.items()
                       if activity.get_ext(attr) is None]
            if missing:
                out.append(Finding("warning", rel, f"Element '{activity.id}'",
                                   f"Aktivität „{activity.label}“: {', '.join(missing)} fehlt – "
                                   "die Potenzialrechnung ist dort unvollständig.",
                                   "missing-attribute"))
        return out

    # ------------------------------------------------------------------ writing
    def save_model(self, leistung: str, variant: str, defs: bpmn.Definitions,
                   kommune: str | None = None) -> Path:
        """Write a model atomically into the knowledge base and refresh the cache."""
        self._leistung_position(leistung)
        if kommune:
            self.kommune(kommune)
        path = self.model_path(leistung, variant, kommune)
        bpmn.write(defs, path)
        self._models.pop(path, None)
        return path

    def save_model_bytes(self, leistung: str, variant: str, data: bytes,
                         kommune: str | None = None) -> Path:
        """Write a model file exactly as given (a patched original) atomically."""
        from .fileio import atomic_write_bytes

        self._leistung_position(leistung)
        if kommune:
            self.kommune(kommune)
        path = self.model_path(leistung, variant, kommune)
        atomic_write_bytes(path, data)
        self._models.pop(path, None)
        return path

    def save_steckbrief(self, leistung: str, updates: dict[str, Any]) -> Path:
        """Update fields of a Steckbrief atomically, keeping comments and order of the file."""
        self._leistung_position(leistung)
        path = self.root / leistung / "steckbrief.yaml"
        data = read_roundtrip(path) if path.exists() else None
        if data is None:
            from ruamel.yaml.comments import CommentedMap

            data = CommentedMap(leistung=leistung)
        for key, value in updates.items():
            data[key] = value
        write_roundtrip(path, data)
        self._raw_steckbriefe[leistung] = {**self._raw_steckbriefe.get(leistung, {}), **updates}
        return path

    # ------------------------------------------------------------------ provenance
    @cached_property
    def version(self) -> str:
        """Knowledge-base version for report covers: a hash of exactly the files the report
        fingerprint covers (never git state: an untracked file or a new commit without content
        change would alter the cover without re-rendering it)."""
        return f"Inhalt {self.content_digest[:12]}"

    @cached_property
    def content_digest(self) -> str:
        """:meth:`content_hash` of all files, computed once per loaded knowledge base (like
        :attr:`version`; a report kernel needs it for the analysis key and the cover)."""
        return self.content_hash()

    def content_hash(self, files: list[Path] | None = None) -> str:
        """SHA-256 over the knowledge-base files (paths and bytes), sorted."""
        digest = hashlib.sha256()
        for path in files if files is not None else self.files():
            digest.update(str(path.relative_to(self.root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def files(self) -> list[Path]:
        """All knowledge-base files (YAML, CSV, BPMN), sorted."""
        return sorted(p for p in self.root.rglob("*")
                      if p.is_file() and p.suffix in (".yaml", ".yml", ".csv", ".bpmn")
                      and not any(part.startswith(".") for part in p.relative_to(self.root).parts))


def _size_findings(rel: str, count: int) -> list[Finding]:
    """Models beyond the size limits (docs/sicherheit.md): no maps, or no metrics at all."""
    from .limits import MAX_MAP_NODES, MAX_MODEL_NODES, german_int

    if count > MAX_MODEL_NODES:
        return [Finding("error", rel, "", f"Das Modell hat {german_int(count)} Elemente; "
                        f"ausgewertet werden Modelle bis {german_int(MAX_MODEL_NODES)} Elemente. "
                        "Bitte in Teilprozesse gliedern.", "too-large")]
    if count > MAX_MAP_NODES:
        return [Finding("warning", rel, "", f"Das Modell hat {german_int(count)} Elemente; "
                        f"Karten werden nur bis {german_int(MAX_MAP_NODES)} Elemente gezeichnet, "
                        "Kennzahlen und Berichtszahlen werden berechnet.", "too-large-for-map")]
    return []


def _load_scoring(root: Path, findings: list[Finding]
                  ) -> tuple[Any, set[str] | None, tuple[float, float]]:
    """The prioritization model, the ids of rated criteria, and the rating scale."""
    path = root / "bewertung.yaml"
    if not path.exists():
        findings.append(Finding("warning", "bewertung.yaml", "", "Datei fehlt; ohne "
                                "Bewertungsmodell gibt es keine Priorisierung.", "missing-file"))
        return None, None, (0.0, 3.0)
    from .scoring_model import ScoringModelError, load_scoring_model

    try:
        model = load_scoring_model(path)
    except ScoringModelError as err:
        findings.append(Finding("error", "bewertung.yaml", "", _without_path(str(err), path),
                                "scoring"))
        return None, None, (0.0, 3.0)
    for note in model.findings:
        findings.append(Finding("warning", "bewertung.yaml", "", _without_path(str(note), path),
                                "scoring"))
    rated = {c.id for c in model.rated}
    return model, rated, (float(model.scale.min), float(model.scale.max))


def _without_path(message: str, path: Path) -> str:
    """A scoring-model message without its leading file name (the finding names the file)."""
    for prefix in (f"{path}: ", f"{path}, ", "bewertung.yaml: ", "bewertung.yaml, "):
        message = message.removeprefix(prefix)
    return message
