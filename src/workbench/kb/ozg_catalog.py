"""The national catalogue: OZG-Themenfelder, Lebenslagen, OZG-Leistungen and LeiKa-Leistungen.

The package ships a snapshot (December 2019, MIT licence, see ``data/ozg_katalog/README.md``);
a newer one in the same CSV layout is used when given as a path or in
``$WERKBENCH_OZG_KATALOG``. Loading is cached per folder.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ENV = "WERKBENCH_OZG_KATALOG"
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "ozg_katalog"
_FILES = {
    "themenfelder": ("id", "name"),
    "lebenslagen": ("id", "name", "themenfeld_id"),
    "ozg_leistungen": ("ozg_id", "name", "lebenslage_id", "lebenslage", "themenfeld_id",
                       "themenfeld"),
    "leika_leistungen": ("id", "leika_schluessel", "name", "leika_typ", "ozg_id",
                         "rechtsgrundlage"),
}
_LINK = re.compile(r"\s*\[(https?://[^\]\s]+)\]")


class CatalogError(ValueError):
    """The catalogue folder cannot be read (German message naming file and column)."""


@dataclass(frozen=True)
class LeikaEntry:
    """One LeiKa-Leistung of the catalogue."""

    row: int
    key: str  # 14 digits, or the source text ("nicht im LeiKa")
    name: str
    typ: str
    ozg_id: str
    rechtsgrundlage: str

    @property
    def has_key(self) -> bool:
        return bool(re.fullmatch(r"\d{14}", self.key))

    @property
    def object_key(self) -> str:
        """The Leistungsobjekt (first 8 digits): entries that differ only in the Verrichtung."""
        return self.key[:8] if self.has_key else f"row{self.row}"

    def legal_bases(self) -> list[dict[str, str]]:
        """The Rechtsgrundlagen of the entry as ``{name, uri}`` items."""
        out = []
        for part in re.split(r",\s+(?=§|Art\.|Artikel|Anlage|Abschnitt)", self.rechtsgrundlage):
            part = part.strip()
            if not part:
                continue
            link = _LINK.search(part)
            item = {"name": _LINK.sub("", part).strip()}
            if link:
                item["uri"] = link.group(1)
            out.append(item)
        return out


@dataclass
class OzgCatalog:
    """The loaded catalogue with lookups by key."""

    source: str
    themenfelder: dict[str, str]  # id → name
    lebenslagen: dict[str, tuple[str, str]]  # id → (name, themenfeld_id)
    ozg: dict[str, dict[str, str]]  # ozg_id → row
    leika: list[LeikaEntry]
    _by_key: dict[str, LeikaEntry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {e.key: e for e in self.leika if e.has_key}

    def entry(self, leika_key: str | None) -> LeikaEntry | None:
        """The LeiKa entry of a 14-digit key (None when unknown)."""
        return self._by_key.get(str(leika_key or "").strip())

    def ozg_for_leika(self, leika_key: str | None) -> dict[str, str] | None:
        """The OZG-Leistung a LeiKa key belongs to (with Lebenslage and Themenfeld)."""
        entry = self.entry(leika_key)
        return self.ozg.get(entry.ozg_id) if entry is not None else None

    def themenfeld(self, *, ozg_id: str | None = None, leika_key: str | None = None) -> str | None:
        """The OZG-Themenfeld of an OZG-ID or (via its OZG-Leistung) of a LeiKa key."""
        row = self.ozg.get(str(ozg_id or "").strip()) if ozg_id else self.ozg_for_leika(leika_key)
        return row["themenfeld"] if row else None

    def find_area(self, text: str) -> tuple[str, str, list[dict[str, str]]]:
        """A Themenfeld or Lebenslage by name or id: (kind, name, its OZG-Leistungen)."""
        wanted = " ".join(text.split()).casefold()
        for tid, name in self.themenfelder.items():
            if wanted in (tid, name.casefold()):
                return "Themenfeld", name, [r for r in self.ozg.values() if r["themenfeld_id"] == tid]
        for lid, (name, _) in self.lebenslagen.items():
            if wanted in (lid, name.casefold()):
                return "Lebenslage", name, [r for r in self.ozg.values() if r["lebenslage_id"] == lid]
        names = sorted(self.themenfelder.values()) + sorted(n for n, _ in self.lebenslagen.values())
        close = [n for n in names if wanted and wanted in n.casefold()]
        hint = f" Meinten Sie: {', '.join(close[:5])}?" if close else (
            " Themenfelder: " + ", ".join(sorted(self.themenfelder.values())) + ".")
        raise CatalogError(f"Weder Themenfeld noch Lebenslage „{text}“ im Katalog ({self.source})."
                           + hint)

    def leika_of_ozg(self, ozg_id: str) -> list[LeikaEntry]:
        return [e for e in self.leika if e.ozg_id == ozg_id]


NO_THEMENFELD = "ohne OZG-Zuordnung"


def themenfelder_of(leistungen: object, catalog: OzgCatalog) -> list[str]:
    """The OZG-Themenfeld of every catalogue row (columns ``ozg_id``, ``leika``): by the
    OZG-ID, else by the LeiKa key's OZG-Leistung, else „ohne OZG-Zuordnung“."""
    out = []
    for row in leistungen.itertuples():  # type: ignore[attr-defined]
        ozg_id = getattr(row, "ozg_id", None)
        name = catalog.themenfeld(ozg_id=str(ozg_id)) if isinstance(ozg_id, str) and ozg_id \
            else None
        if name is None:
            leika = getattr(row, "leika", None)
            name = catalog.themenfeld(leika_key=str(leika)) if isinstance(leika, str) else None
        out.append(name or NO_THEMENFELD)
    return out


def catalog_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder to read: the argument, else ``$WERKBENCH_OZG_KATALOG``, else the snapshot."""
    if path:
        return Path(path)
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    return SHIPPED


def load_catalog(path: str | os.PathLike[str] | None = None) -> OzgCatalog:
    """Load (cached) the catalogue; raises :class:`CatalogError` with a German message."""
    return _load(str(catalog_path(path).resolve()))


@lru_cache(maxsize=4)
def _load(folder: str) -> OzgCatalog:
    root = Path(folder)
    if not root.is_dir():
        raise CatalogError(f"OZG-Katalog '{root}' nicht gefunden (Ordner mit themenfelder.csv, "
                           "lebenslagen.csv, ozg_leistungen.csv, leika_leistungen.csv).")
    tables = {name: _rows(root, name, columns) for name, columns in _FILES.items()}
    themen = {r["id"]: r["name"] for r in tables["themenfelder"]}
    lagen = {r["id"]: (r["name"], r["themenfeld_id"]) for r in tables["lebenslagen"]}
    ozg = {r["ozg_id"]: r for r in tables["ozg_leistungen"]}
    leika = [LeikaEntry(int(r["id"]) if r["id"].isdigit() else n, r["leika_schluessel"].strip(),
                        r["name"].strip(), r["leika_typ"], r["ozg_id"].strip(),
                        r["rechtsgrundlage"])
             for n, r in enumerate(tables["leika_leistungen"], start=2)]
    label = "mitgelieferter Snapshot 2019" if root == SHIPPED.resolve() else str(root)
    return OzgCatalog(label, themen, lagen, ozg, leika)


def _rows(root: Path, name: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    plain, packed = root / f"{name}.csv", root / f"{name}.csv.gz"
    try:
        if plain.exists():
            text = plain.read_text(encoding="utf-8-sig")
        elif packed.exists():
            with gzip.open(packed, "rb") as handle:
                text = handle.read(256 * 2**20).decode("utf-8-sig")
        else:
            raise CatalogError(f"OZG-Katalog {root}: {name}.csv fehlt.")
    except (OSError, UnicodeDecodeError, EOFError) as err:
        raise CatalogError(f"OZG-Katalog {root}: {name}.csv ist nicht lesbar ({err}).") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError(f"OZG-Katalog {root}: {name}.csv – Spalte(n) {', '.join(missing)} "
                           "fehlen.")
    return [{k: (v or "") for k, v in row.items() if k} for row in reader]
