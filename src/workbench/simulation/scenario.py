"""Scenario files (YAML): what-if variants of one simulation, checked with German messages.

::

    seed: 7                      # optional: Zufallsstartwert (Standard 20261124)
    jahr: 2026                   # optional: simuliertes Jahr (Standard: Jahr des Stichtags)
    bundesland: NI               # Feiertage (ISO-Kürzel)
    verteilung: dreieck          # dreieck | exponential | fest
    ziel_auslastung: 0.85        # Standardbesetzung: Arbeitslast / Zielauslastung
    basis:                       # gilt für alle Szenarien
      rollen: {Bürgerbüro: {vzae: 3}}
    szenarien:
      - name: IST
      - name: Fallzahl +30 %
        fallzahl_faktor: 1.3
      - name: Bürgerbüro −1 VZÄ
        rollen: {Bürgerbüro: {vzae_aenderung: -1}}
      - name: Längere Öffnungszeiten
        arbeitszeit: {mo: "07:00-18:00", di: "07:00-16:00", mi: "07:00-16:00",
                      do: "07:00-18:00", fr: "07:00-13:00"}
      - name: SOLL Anmeldung
        soll: [anmeldung_einwohner]

Every mistake names the file, the place (``szenarien[2].rollen.Bürgerbüro``) and what to do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .arrivals import Season
from .calendar import CalendarError, parse_hours
from .engine import DISTRIBUTIONS

DEFAULT_SEED = 20261124
DEFAULT_TARGET_UTILISATION = 0.85
TOP_KEYS = ("name", "seed", "jahr", "bundesland", "verteilung", "ziel_auslastung", "basis",
            "szenarien")
SCENARIO_KEYS = ("name", "fallzahl_faktor", "rollen", "arbeitszeit", "soll", "saison")
ROLE_KEYS = ("vzae", "vzae_aenderung")


class ScenarioError(ValueError):
    """A scenario file or value that cannot be used (German message naming file and place)."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One variant: factors on the Fallzahlen, staff per role, working hours, SOLL models."""

    name: str
    fallzahl_faktor: float = 1.0
    fallzahl_leistung: tuple[tuple[str, float], ...] = ()
    vzae: tuple[tuple[str, float], ...] = ()  # absolute VZÄ per role
    vzae_delta: tuple[tuple[str, float], ...] = ()  # change against the default/basis
    arbeitszeit: tuple[tuple[str, tuple[int, int]], ...] | None = None
    soll: tuple[str, ...] | str = ()  # Leistung ids, or "alle"
    saison: tuple[tuple[str, Season], ...] = ()

    def factor(self, leistung: str) -> float:
        return dict(self.fallzahl_leistung).get(leistung, self.fallzahl_faktor)

    def uses_soll(self, leistung: str) -> bool:
        return self.soll == "alle" or leistung in self.soll

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "fallzahl_faktor": self.fallzahl_faktor,
                "fallzahl_leistung": dict(self.fallzahl_leistung), "vzae": dict(self.vzae),
                "vzae_aenderung": dict(self.vzae_delta),
                "arbeitszeit": None if self.arbeitszeit is None else
                {d: list(span) for d, span in self.arbeitszeit},
                "soll": self.soll if isinstance(self.soll, str) else list(self.soll),
                "saison": {k: [list(s.months), s.window and [list(p) for p in s.window]]
                           for k, s in self.saison}}


@dataclass(frozen=True, slots=True)
class Plan:
    """A scenario file: settings shared by all scenarios and the scenarios themselves."""

    scenarios: tuple[Scenario, ...]
    seed: int = DEFAULT_SEED
    jahr: int | None = None
    bundesland: str = "NI"
    verteilung: str = "dreieck"
    ziel_auslastung: float = DEFAULT_TARGET_UTILISATION
    name: str = "IST und SOLL"
    source: str = "Standard"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "seed": self.seed, "jahr": self.jahr,
                "bundesland": self.bundesland, "verteilung": self.verteilung,
                "ziel_auslastung": self.ziel_auslastung,
                "szenarien": [s.as_dict() for s in self.scenarios]}


def default_plan(*, seed: int = DEFAULT_SEED, jahr: int | None = None) -> Plan:
    """The standard comparison: everything IST, then every Leistung with a SOLL model as SOLL."""
    return Plan((Scenario("IST"), Scenario("SOLL", soll="alle")), seed=seed, jahr=jahr)


# --------------------------------------------------------------------------- reading


def load_plan(path: str | Path) -> Plan:
    """Read and check a scenario file; :class:`ScenarioError` with file and place otherwise."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"Szenariodatei '{path}' nicht gefunden.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError(f"Szenariodatei '{path}' ist nicht lesbar ({err}); erwartet wird "
                            "eine YAML-Datei in UTF-8.") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "ungültiges YAML"
        raise ScenarioError(f"{name}{where}: kein gültiges YAML ({problem}). Bitte Einrückung "
                            "und Doppelpunkte prüfen.") from None
    return parse_plan(raw, name)


def parse_plan(raw: object, name: str) -> Plan:
    """A plan from parsed YAML (``name`` is the file name for messages)."""
    if raw is None:
        raw = {}
    top = _mapping(raw, name, "")
    _known(top, TOP_KEYS, name, "")
    seed = _int(top.get("seed", DEFAULT_SEED), name, "seed", low=0)
    jahr = None if top.get("jahr") is None else _int(top["jahr"], name, "jahr", low=1991,
                                                     high=2100)
    verteilung = str(top.get("verteilung", "dreieck")).strip().lower()
    if verteilung not in DISTRIBUTIONS:
        raise ScenarioError(f"{name}: verteilung '{top['verteilung']}' ist unbekannt; erlaubt: "
                            f"{', '.join(DISTRIBUTIONS)}.")
    target = _number(top.get("ziel_auslastung", DEFAULT_TARGET_UTILISATION), name,
                     "ziel_auslastung")
    if not 0 < target <= 1:
        raise ScenarioError(f"{name}: ziel_auslastung muss zwischen 0 und 1 liegen (z. B. 0.85), "
                            f"gefunden: {top['ziel_auslastung']!r}.")
    land = str(top.get("bundesland", "NI")).strip().upper()
    base = _scenario(top.get("basis") or {}, name, "basis", default_name="Basis")
    items = top.get("szenarien")
    if items is None:
        scenarios = (replace(base, name="IST"), replace(base, name="SOLL", soll="alle"))
    else:
        if not isinstance(items, list) or not items:
            raise ScenarioError(f"{name}: szenarien muss eine Liste mit mindestens einem Szenario "
                                "sein (jedes mit „- name: …“).")
        scenarios = tuple(_merge(base, _scenario(item, name, f"szenarien[{i + 1}]",
                                                 default_name=f"Szenario {i + 1}"), item)
                          for i, item in enumerate(items))
    names = [s.name for s in scenarios]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ScenarioError(f"{name}: Szenarionamen müssen eindeutig sein; doppelt: "
                            f"{', '.join(twice)}.")
    return Plan(scenarios, seed, jahr, land, verteilung, target,
                str(top.get("name") or Path(name).stem), name)


def _merge(base: Scenario, own: Scenario, raw: Mapping[str, Any]) -> Scenario:
    """The scenario over the basis: own keys win, role and season maps are combined."""
    return Scenario(
        own.name,
        own.fallzahl_faktor if "fallzahl_faktor" in raw else base.fallzahl_faktor,
        tuple({**dict(base.fallzahl_leistung), **dict(own.fallzahl_leistung)}.items()),
        tuple({**dict(base.vzae), **dict(own.vzae)}.items()),
        tuple({**dict(base.vzae_delta), **dict(own.vzae_delta)}.items()),
        own.arbeitszeit if own.arbeitszeit is not None else base.arbeitszeit,
        own.soll if "soll" in raw else base.soll,
        tuple({**dict(base.saison), **dict(own.saison)}.items()),
    )


def _scenario(raw: object, name: str, where: str, *, default_name: str) -> Scenario:
    item = _mapping(raw, name, where)
    _known(item, SCENARIO_KEYS, name, where)
    title = str(item.get("name") or default_name).strip()
    factor, per_leistung = 1.0, []
    raw_factor = item.get("fallzahl_faktor")
    if isinstance(raw_factor, Mapping):
        for key, value in raw_factor.items():
            per_leistung.append((str(key), _factor(value, name, f"{where}.fallzahl_faktor.{key}")))
    elif raw_factor is not None:
        factor = _factor(raw_factor, name, f"{where}.fallzahl_faktor")
    vzae, delta = [], []
    for role, value in _mapping(item.get("rollen") or {}, name, f"{where}.rollen").items():
        place = f"{where}.rollen.{role}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = {"vzae": value}
        spec = _mapping(value, name, place)
        _known(spec, ROLE_KEYS, name, place)
        if "vzae" in spec and "vzae_aenderung" in spec:
            raise ScenarioError(f"{name}: {place}: bitte entweder vzae (Besetzung) oder "
                                "vzae_aenderung (Änderung gegenüber dem Standard) angeben.")
        if "vzae" in spec:
            number = _number(spec["vzae"], name, f"{place}.vzae")
            if number <= 0:
                raise ScenarioError(f"{name}: {place}.vzae muss größer als 0 sein (VZÄ der Rolle "
                                    f"für die simulierten Leistungen), gefunden: {spec['vzae']!r}.")
            vzae.append((str(role), number))
        elif "vzae_aenderung" in spec:
            delta.append((str(role), _number(spec["vzae_aenderung"], name,
                                             f"{place}.vzae_aenderung")))
        else:
            raise ScenarioError(f"{name}: {place}: vzae oder vzae_aenderung fehlt.")
    hours = None
    if item.get("arbeitszeit") is not None:
        try:
            parsed = parse_hours(_mapping(item["arbeitszeit"], name, f"{where}.arbeitszeit"),
                                 f"{name}: {where}.arbeitszeit")
        except CalendarError as err:
            raise ScenarioError(str(err)) from None
        hours = tuple(sorted(parsed.items()))
    soll: tuple[str, ...] | str = ()
    raw_soll = item.get("soll")
    if isinstance(raw_soll, str) and raw_soll.strip().lower() == "alle":
        soll = "alle"
    elif isinstance(raw_soll, str):
        soll = (raw_soll.strip(),)
    elif isinstance(raw_soll, list):
        soll = tuple(str(x).strip() for x in raw_soll)
    elif raw_soll is not None:
        raise ScenarioError(f"{name}: {where}.soll muss „alle“ oder eine Liste von Leistungs-IDs "
                            f"sein, gefunden: {raw_soll!r}.")
    seasons = [(str(k), _season(v, name, f"{where}.saison.{k}"))
               for k, v in _mapping(item.get("saison") or {}, name, f"{where}.saison").items()]
    return Scenario(title, factor, tuple(per_leistung), tuple(vzae), tuple(delta), hours, soll,
                    tuple(seasons))


def _season(raw: object, name: str, where: str) -> Season:
    spec = _mapping(raw, name, where)
    _known(spec, ("monate", "von", "bis"), name, where)
    if "monate" in spec:
        months = spec["monate"]
        if not isinstance(months, list) or len(months) != 12:
            raise ScenarioError(f"{name}: {where}.monate braucht genau 12 Gewichte (Januar bis "
                                "Dezember), z. B. [1, 1, 2, …].")
        values = tuple(_number(m, name, f"{where}.monate[{i + 1}]") for i, m in enumerate(months))
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise ScenarioError(f"{name}: {where}.monate: Gewichte dürfen nicht negativ sein und "
                                "nicht alle 0.")
        return Season(months=values, source="aus der Szenariodatei")
    if "von" in spec and "bis" in spec:
        first, last = _day(spec["von"], name, f"{where}.von"), _day(spec["bis"], name,
                                                                   f"{where}.bis")
        if first > last:
            raise ScenarioError(f"{name}: {where}: „von“ liegt nach „bis“ (Zeitraum innerhalb "
                                "eines Jahres angeben).")
        return Season(window=(first, last), source="aus der Szenariodatei")
    raise ScenarioError(f"{name}: {where}: bitte „monate“ (12 Gewichte) oder „von“ und „bis“ "
                        "(Tag und Monat, z. B. \"08-01\") angeben.")


def _day(raw: object, name: str, where: str) -> tuple[int, int]:
    if isinstance(raw, dt.date):
        return raw.month, raw.day
    text = str(raw).strip()
    for fmt in ("%m-%d", "%d.%m.", "%d.%m"):
        try:
            parsed = dt.datetime.strptime(text, fmt)
            return parsed.month, parsed.day
        except ValueError:
            continue
    raise ScenarioError(f"{name}: {where}: '{raw}' ist kein Tag; erwartet wird z. B. \"08-01\", "
                        "\"01.08.\" oder 2026-08-01.")


# --------------------------------------------------------------------------- checks


def check_names(plan: Plan, leistungen: Iterable[str], roles: Iterable[str]) -> None:
    """Unknown Leistung ids and roles are mistakes, not silently ignored."""
    known_l, known_r = sorted(set(leistungen)), sorted(set(roles))
    source = plan.source
    for s in plan.scenarios:
        ids = [k for k, _ in s.fallzahl_leistung] + [k for k, _ in s.saison]
        ids += [] if isinstance(s.soll, str) else list(s.soll)
        for lid in ids:
            if lid not in known_l:
                raise ScenarioError(f"{source}: Szenario „{s.name}“ nennt die Leistung '{lid}', "
                                    f"die es nicht gibt; bekannt sind: {', '.join(known_l)}.")
        for role, _ in (*s.vzae, *s.vzae_delta):
            if role not in known_r:
                raise ScenarioError(f"{source}: Szenario „{s.name}“ nennt die Rolle '{role}', die "
                                    "in keinem simulierten Modell als Lane mit Bearbeitungszeit "
                                    f"vorkommt; bekannt sind: {', '.join(known_r)}.")


# --------------------------------------------------------------------------- small parsers


def _mapping(raw: object, name: str, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        place = f" {where}" if where else ""
        raise ScenarioError(f"{name}:{place} muss eine Zuordnung („schlüssel: wert“) sein, "
                            f"gefunden: {type(raw).__name__}.")
    return raw


def _known(raw: Mapping[str, Any], keys: tuple[str, ...], name: str, where: str) -> None:
    unknown = [str(k) for k in raw if str(k) not in keys]
    if unknown:
        place = f"{where}: " if where else ""
        raise ScenarioError(f"{name}: {place}unbekannter Schlüssel '{unknown[0]}'; erlaubt sind "
                            f"{', '.join(keys)}.")


def _number(raw: object, name: str, where: str) -> float:
    if isinstance(raw, bool):
        raw = "bool"
    try:
        value = float(str(raw).replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ScenarioError(f"{name}: {where}: '{raw}' ist keine Zahl.")
    return value


def _factor(raw: object, name: str, where: str) -> float:
    value = _number(raw, name, where)
    if value < 0 or value > 100:
        raise ScenarioError(f"{name}: {where}: Faktor {raw!r} liegt nicht zwischen 0 und 100 "
                            "(1.3 = 30 % mehr Fälle).")
    return value


def _int(raw: object, name: str, where: str, *, low: int, high: int | None = None) -> int:
    value = _number(raw, name, where)
    if value != int(value) or value < low or (high is not None and value > high):
        span = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise ScenarioError(f"{name}: {where}: '{raw}' ist keine ganze Zahl im Bereich {span}.")
    return int(value)
