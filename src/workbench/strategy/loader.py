"""``processes/strategie/`` → :class:`Strategy`, with findings naming file and line.

Three files (format: ``docs/strategie.md``): ``strategie.yaml`` (vision, Handlungsfelder, goals
with Zielsteckbrief and Wirkung), ``massnahmen.yaml`` (measures with links, effort and status
reports) and ``okr.yaml`` (Objectives and Key Results per quarter). Like the other loaders this
never raises for content problems: it keeps what it can read and records the rest as findings.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

from ..kb.findings import Finding
from ..kb.loaders import ID_PATTERN
from ..kb.yamlio import LINE_KEY, YamlFileError, load_yaml
from .model import (
    DEFAULT_CRITERION,
    DEFAULT_MASS_THRESHOLD,
    DEFAULT_SATURATION,
    EFFORT_BEARERS,
    LIGHT_DIMENSIONS,
    LIGHTS,
    MODES,
    PERSPECTIVES,
    PRIORITIES,
    QUERIES,
    STATUS,
    Effort,
    Field,
    Goal,
    KeyResult,
    Measure,
    Objective,
    StatusReport,
    Strategy,
)

FOLDER = "strategie"
STRATEGY_FILE = f"{FOLDER}/strategie.yaml"
MEASURES_FILE = f"{FOLDER}/massnahmen.yaml"
OKR_FILE = f"{FOLDER}/okr.yaml"
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class _Reader:
    """Collects findings for one file; helpers read typed values with German messages."""

    def __init__(self, file: str, findings: list[Finding]) -> None:
        self.file, self.findings = file, findings

    def add(self, severity: str, entry: Any, message: str, code: str) -> None:
        line = entry.get(LINE_KEY) if isinstance(entry, dict) else None
        self.findings.append(Finding(severity, self.file, f"Zeile {line}" if line else "",
                                     message, code))

    def text(self, entry: dict[str, Any], key: str) -> str:
        value = entry.get(key)
        if value is None:
            return ""
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return str(value).strip()

    def texts(self, entry: dict[str, Any], key: str) -> tuple[str, ...]:
        value = entry.get(key)
        if value is None or value == "":
            return ()
        if isinstance(value, list):
            return tuple(str(v).strip() for v in value if str(v).strip())
        return (str(value).strip(),)

    def date(self, entry: dict[str, Any], key: str, label: str) -> dt.date | None:
        value = entry.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        self.add("error", entry, f"{label}: '{key}' ist kein Datum ('{value}'); bitte JJJJ-MM-TT "
                 "schreiben, z. B. 2026-03-31.", "value")
        return None

    def number(self, entry: dict[str, Any], key: str, label: str,
               default: float | None = None) -> float | None:
        value = entry.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            value = "ja" if value else "nein"
        try:
            number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number):
            self.add("error", entry, f"{label}: '{key}' ist keine endliche Zahl ('{value}').",
                     "value")
            return default
        return number

    def ident(self, entry: dict[str, Any], label: str, seen: set[str]) -> str | None:
        raw = str(entry.get("id") or "").strip()
        if not raw:
            self.add("error", entry, f"{label} ohne 'id'; der Eintrag wird ignoriert.", "missing")
            return None
        if not ID_PATTERN.match(raw):
            self.add("error", entry, f"{label}: ID '{raw}' ist ungültig (nur a–z, 0–9 und '_', "
                     "beginnend mit Buchstabe oder Ziffer); der Eintrag wird ignoriert.", "value")
            return None
        if raw in seen:
            self.add("error", entry, f"{label}: ID '{raw}' kommt doppelt vor; der zweite Eintrag "
                     "wird ignoriert.", "duplicate")
            return None
        seen.add(raw)
        return raw


def _load(root: Path, rel: str, findings: list[Finding], required: bool) -> dict[str, Any] | None:
    path = root / rel
    if not path.exists():
        if required:
            findings.append(Finding("error", rel, "", "Datei fehlt: ohne strategie.yaml (Vision, "
                                    "Handlungsfelder, Ziele) wird der Ordner strategie/ nicht "
                                    "ausgewertet. Vorlage: docs/strategie.md.", "missing-file"))
        return None
    try:
        data = load_yaml(path)
    except YamlFileError as err:
        findings.append(Finding("error", rel, f"Zeile {err.line}" if err.line else "",
                                err.message, "yaml"))
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        findings.append(Finding("error", rel, "", "Die Datei ist keine Zuordnung (Feld: Wert).",
                                "structure"))
        return None
    return data


def _entries(data: dict[str, Any], key: str, r: _Reader, what: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        r.add("error", data, f"'{key}' muss eine Liste sein (Einträge mit '- ').", "structure")
        return []
    out = []
    for n, entry in enumerate(value, start=1):
        if isinstance(entry, dict):
            out.append(entry)
        else:
            r.add("error", data, f"{what} Nr. {n} in '{key}' ist keine Zuordnung (id: …, "
                  "name: …).", "structure")
    return out


def has_strategy(root: Path) -> bool:
    """True when the knowledge base has a ``strategie/`` folder."""
    return (Path(root) / FOLDER).is_dir()


def load_strategy(root: Path, *, leistungen: set[str], kommunen: set[str],
                  findings: list[Finding]) -> Strategy | None:
    """The strategy of the knowledge base at ``root`` (None without ``strategie/``)."""
    root = Path(root)
    if not has_strategy(root):
        return None
    data = _load(root, STRATEGY_FILE, findings, required=True)
    if data is None:
        return None
    r = _Reader(STRATEGY_FILE, findings)
    perspectives = r.texts(data, "perspektiven") or PERSPECTIVES
    settings = data.get("einstellungen") if isinstance(data.get("einstellungen"), dict) else {}
    saturation = r.number(settings, "saettigung", "einstellungen", DEFAULT_SATURATION)
    if saturation is None or saturation <= 0:
        r.add("error", settings, "einstellungen: 'saettigung' muss größer als 0 sein; es gilt "
              f"{DEFAULT_SATURATION:g}.", "value")
        saturation = DEFAULT_SATURATION
    mass = r.number(settings, "massengeschaeft_ab", "einstellungen", DEFAULT_MASS_THRESHOLD)
    fields, goals = _fields(data, r, perspectives)
    if not r.text(data, "vision"):
        r.add("warning", data, "'vision' fehlt; der Zielbaum beginnt ohne Vision.", "missing")
    measures: list[Measure] = []
    mdata = _load(root, MEASURES_FILE, findings, required=False)
    if mdata is not None:
        measures = _measures(root, mdata, _Reader(MEASURES_FILE, findings),
                             {g.id for g in goals}, leistungen, kommunen)
    objectives: list[Objective] = []
    odata = _load(root, OKR_FILE, findings, required=False)
    if odata is not None:
        objectives = _objectives(odata, _Reader(OKR_FILE, findings), {g.id for g in goals},
                                 {m.id for m in measures})
    served = {z for m in measures for z in m.ziele}
    steered = {o.ziel for o in objectives}
    for goal in goals:
        if goal.id not in served:
            okr = goal.id in steered
            findings.append(Finding(
                "info" if okr else "warning", STRATEGY_FILE, f"Zeile {goal.line}",
                f"Ziel '{goal.id}' ({goal.name}) hat keine Maßnahme"
                + (" (es wird über OKR gesteuert)." if okr else ". Bitte in massnahmen.yaml eine "
                   f"Maßnahme mit 'ziele: [{goal.id}]' anlegen."), "goal-without-measure"))
    return Strategy(
        titel=r.text(data, "titel") or "Strategie", vision=r.text(data, "vision"),
        quelle=r.text(data, "quelle"), horizont=r.text(data, "horizont"),
        hinweis=r.text(data, "hinweis"), perspektiven=tuple(perspectives), felder=tuple(fields),
        ziele=tuple(goals), massnahmen=tuple(measures), objectives=tuple(objectives),
        kriterium=r.text(settings, "kriterium") or DEFAULT_CRITERION,
        saettigung=float(saturation), massengeschaeft_ab=float(mass or DEFAULT_MASS_THRESHOLD))


def _fields(data: dict[str, Any], r: _Reader, perspectives: tuple[str, ...]
            ) -> tuple[list[Field], list[Goal]]:
    fields, goals, seen_f, seen_g = [], [], set(), set()
    entries = _entries(data, "handlungsfelder", r, "Handlungsfeld")
    if not entries:
        r.add("error", data, "Es fehlt die Liste 'handlungsfelder:' mit den Zielen.", "structure")
    for entry in entries:
        fid = r.ident(entry, "Handlungsfeld", seen_f)
        if fid is None:
            continue
        ids = []
        for g in _entries(entry, "ziele", r, "Ziel"):
            goal = _goal(g, fid, r, perspectives, seen_g)
            if goal is not None:
                goals.append(goal)
                ids.append(goal.id)
        fields.append(Field(fid, r.text(entry, "name") or fid, r.text(entry, "beschreibung"),
                            tuple(ids)))
    return fields, goals


def _goal(entry: dict[str, Any], fid: str, r: _Reader, perspectives: tuple[str, ...],
          seen: set[str]) -> Goal | None:
    gid = r.ident(entry, "Ziel", seen)
    if gid is None:
        return None
    label = f"Ziel '{gid}'"
    name = r.text(entry, "name")
    if not name:
        r.add("warning", entry, f"{label}: 'name' fehlt; die ID wird angezeigt.", "missing")
    priority = r.text(entry, "prioritaet")
    if priority and priority not in PRIORITIES:
        r.add("error", entry, f"{label}: Priorität '{priority}' ist unbekannt; erlaubt: "
              f"{', '.join(PRIORITIES)}.", "value")
        priority = ""
    wirkung: dict[str, int] = {}
    raw = entry.get("wirkung")
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key == LINE_KEY:
                continue
            if key not in perspectives:
                r.add("error", entry, f"{label}: Perspektive '{key}' in 'wirkung' ist unbekannt; "
                      f"erlaubt: {', '.join(perspectives)}.", "value")
            elif not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3:
                r.add("error", entry, f"{label}: Wirkung '{value}' für {key} ist kein Wert 0–3.",
                      "value")
            else:
                wirkung[str(key)] = value
        wirkung = {p: wirkung.get(p, 0) for p in perspectives} if wirkung else {}
    elif raw is not None:
        r.add("error", entry, f"{label}: 'wirkung' muss eine Zuordnung Perspektive: 0–3 sein.",
              "structure")
    teilung = entry.get("aufgabenteilung")
    goal = Goal(
        id=gid, name=name or gid, feld=fid, nr=r.text(entry, "nr"), ziel=r.text(entry, "ziel"),
        anpassung=r.text(entry, "anpassung"), sinn_und_zweck=r.texts(entry, "sinn_und_zweck"),
        meilensteine=r.texts(entry, "meilensteine"),
        aufgabenteilung={str(k): str(v) for k, v in teilung.items() if k != LINE_KEY}
        if isinstance(teilung, dict) else {},
        start=r.date(entry, "start", label), aufwand=r.text(entry, "aufwand"),
        risiken=r.text(entry, "risiken"), mehrwerte=r.text(entry, "mehrwerte"),
        prioritaet=priority, wirkung=wirkung, beispielwerte=r.texts(entry, "beispielwerte"),
        line=int(entry.get(LINE_KEY) or 0))
    if wirkung and not goal.fokus:
        r.add("info", entry, f"{label}: Die höchste Wirkung ist nicht eindeutig; jedes Ziel "
              "sollte einen klaren Fokus haben (höchster Wert nur einmal).", "focus")
    return goal


def _measures(root: Path, data: dict[str, Any], r: _Reader, goals: set[str],
              leistungen: set[str], kommunen: set[str]) -> list[Measure]:
    out, seen = [], set()
    for entry in _entries(data, "massnahmen", r, "Maßnahme"):
        mid = r.ident(entry, "Maßnahme", seen)
        if mid is None:
            continue
        label = f"Maßnahme '{mid}'"
        ziele = r.texts(entry, "ziele")
        for z in ziele:
            if z not in goals:
                r.add("error", entry, f"{label}: unbekanntes Ziel '{z}' (nicht in "
                      "strategie.yaml).", "unknown-goal")
        if not ziele:
            r.add("warning", entry, f"{label} dient keinem Ziel ('ziele' fehlt).", "missing")
        links = r.texts(entry, "leistungen")
        soll = r.texts(entry, "soll")
        for lid in dict.fromkeys((*links, *soll)):
            if lid not in leistungen:
                r.add("error", entry, f"{label}: unbekannte Leistung '{lid}' (nicht in "
                      "leistungen.yaml).", "unknown-leistung")
        for lid in soll:
            if lid in leistungen and not (root / lid / "soll.bpmn").exists():
                r.add("warning", entry, f"{label} soll den SOLL-Prozess von '{lid}' liefern, "
                      f"aber {lid}/soll.bpmn fehlt noch.", "missing-model")
        members = tuple(str(k).strip() for k in r.texts(entry, "kommunen"))
        for key in members:
            if key not in kommunen:
                r.add("error", entry, f"{label}: unbekannte Kommune '{key}' (nicht in "
                      "kommunen.csv; Schlüssel in Anführungszeichen schreiben).",
                      "unknown-kommune")
        status = r.text(entry, "status") or "neu"
        if status not in STATUS:
            r.add("error", entry, f"{label}: Status '{status}' ist unbekannt; erlaubt: "
                  f"{', '.join(STATUS)}.", "value")
            status = "neu"
        modus = r.text(entry, "modus") or "gemeinsam"
        if modus not in MODES:
            r.add("error", entry, f"{label}: Modus '{modus}' ist unbekannt; erlaubt: "
                  f"{', '.join(MODES)}.", "value")
            modus = "gemeinsam"
        start, ende = r.date(entry, "start", label), r.date(entry, "ende", label)
        if start and ende and ende < start:
            r.add("error", entry, f"{label}: Ende {ende:%d.%m.%Y} liegt vor dem Start "
                  f"{start:%d.%m.%Y}.", "date-order")
        out.append(Measure(
            id=mid, name=r.text(entry, "name") or mid, nr=r.text(entry, "nr"),
            ziele=tuple(z for z in ziele if z in goals),
            leistungen=tuple(lid for lid in links if lid in leistungen),
            soll=tuple(lid for lid in soll if lid in leistungen), status=status, modus=modus,
            kommunen=tuple(k for k in members if k in kommunen),
            verantwortlich=r.text(entry, "verantwortlich"), start=start, ende=ende,
            aufwand=_effort(entry, r, label), beschreibung=r.text(entry, "beschreibung"),
            leitprojekt=r.text(entry, "leitprojekt"),
            statusberichte=_reports(entry, r, label, start),
            line=int(entry.get(LINE_KEY) or 0)))
    return out


def _effort(entry: dict[str, Any], r: _Reader, label: str) -> Effort:
    raw = entry.get("aufwand")
    if raw is None:
        return Effort()
    if not isinstance(raw, dict):
        r.add("error", entry, f"{label}: 'aufwand' muss eine Zuordnung sein (je, vza_min, "
              "vza_max, euro_min, euro_max).", "structure")
        return Effort()
    bearer = r.text(raw, "je") or "kommune"
    if bearer not in EFFORT_BEARERS:
        r.add("error", raw, f"{label}: aufwand.je '{bearer}' ist unbekannt; erlaubt: "
              f"{', '.join(EFFORT_BEARERS)}.", "value")
        bearer = "kommune"
    values = {}
    for key in ("vza_min", "vza_max", "euro_min", "euro_max"):
        value = r.number(raw, key, f"{label}, aufwand", 0.0) or 0.0
        if value < 0:
            r.add("error", raw, f"{label}: aufwand.{key} ist negativ.", "value")
            value = 0.0
        values[key] = value
    for low, high in (("vza_min", "vza_max"), ("euro_min", "euro_max")):
        if high in raw and values[high] < values[low]:
            r.add("error", raw, f"{label}: aufwand.{high} ({values[high]:g}) ist kleiner als "
                  f"{low} ({values[low]:g}).", "value")
        if high not in raw:
            values[high] = values[low]
    return Effort(bearer, **values)


def _reports(entry: dict[str, Any], r: _Reader, label: str, start: dt.date | None
             ) -> tuple[StatusReport, ...]:
    out = []
    for rep in _entries(entry, "statusberichte", r, "Statusbericht"):
        datum = r.date(rep, "datum", f"{label}, Statusbericht")
        if datum is None:
            r.add("error", rep, f"{label}: Statusbericht ohne gültiges 'datum'; er wird "
                  "ignoriert.", "missing")
            continue
        lights = {}
        for dim in LIGHT_DIMENSIONS:
            value = r.text(rep, dim)
            if value not in LIGHTS:
                r.add("error", rep, f"{label}, Statusbericht {datum:%d.%m.%Y}: Ampel '{dim}' ist "
                      f"'{value or 'leer'}'; erlaubt: gruen, gelb, rot.", "value")
                value = ""
            lights[dim] = value
        if not all(lights.values()):
            continue
        if start and datum < start:
            r.add("warning", rep, f"{label}: Statusbericht vom {datum:%d.%m.%Y} liegt vor dem "
                  f"Start der Maßnahme ({start:%d.%m.%Y}).", "date-order")
        out.append(StatusReport(datum, lights["zeit"], lights["sache"], lights["kosten"],
                                r.text(rep, "text")))
    dates = [s.datum for s in out]
    if len(set(dates)) != len(dates):
        r.add("error", entry, f"{label}: zwei Statusberichte mit demselben Datum.", "duplicate")
    return tuple(sorted(out, key=lambda s: s.datum))


def _objectives(data: dict[str, Any], r: _Reader, goals: set[str], measures: set[str]
                ) -> list[Objective]:
    out, seen, seen_kr = [], set(), set()
    for entry in _entries(data, "objectives", r, "Objective"):
        oid = r.ident(entry, "Objective", seen)
        if oid is None:
            continue
        label = f"Objective '{oid}'"
        quarter = r.text(entry, "quartal")
        if not QUARTER.match(quarter):
            r.add("error", entry, f"{label}: Quartal '{quarter or 'leer'}' hat nicht die Form "
                  "JJJJ-Qn (z. B. 2026-Q1); das Objective wird ignoriert.", "value")
            continue
        goal = r.text(entry, "ziel")
        if goal and goal not in goals:
            r.add("error", entry, f"{label}: unbekanntes Ziel '{goal}' (nicht in "
                  "strategie.yaml).", "unknown-goal")
            goal = ""
        krs = []
        for kr in _entries(entry, "key_results", r, "Key Result"):
            result = _key_result(kr, r, label, seen_kr, measures, QUERIES)
            if result is not None:
                krs.append(result)
        if not krs:
            r.add("warning", entry, f"{label} hat keine Key Results; es ist nicht messbar.",
                  "missing")
        out.append(Objective(oid, r.text(entry, "objective") or oid, quarter, goal, tuple(krs),
                             int(entry.get(LINE_KEY) or 0)))
    return out


def _key_result(kr: dict[str, Any], r: _Reader, label: str, seen: set[str], measures: set[str],
                queries: dict[str, Any]) -> KeyResult | None:
    kid = r.ident(kr, f"{label}, Key Result", seen)
    if kid is None:
        return None
    where = f"Key Result '{kid}'"
    unit = r.text(kr, "einheit")
    if not unit:
        r.add("error", kr, f"{where}: 'einheit' fehlt (z. B. %, Stunden/Jahr, Anzahl, ja/nein = "
              "'erledigt'); ohne Einheit ist der Fortschritt nicht lesbar.", "missing-unit")
    query = r.text(kr, "abfrage")
    if query and query not in queries:
        r.add("error", kr, f"{where}: unbekannte Abfrage '{query}'; erlaubt: "
              f"{', '.join(queries)}.", "unknown-query")
        query = ""
    start = r.number(kr, "start", where, 0.0)
    target = r.number(kr, "zielwert", where)
    if target is None:
        r.add("error", kr, f"{where}: 'zielwert' fehlt; das Key Result wird ignoriert.", "missing")
        return None
    if start is not None and target == start:
        r.add("warning", kr, f"{where}: Startwert und Zielwert sind gleich ({target:g}); der "
              "Fortschritt ist nicht messbar.", "value")
    current = r.number(kr, "aktuell", where)
    if query and current is not None:
        r.add("info", kr, f"{where}: 'aktuell' wird ignoriert, der Wert kommt aus der Abfrage "
              f"'{query}'.", "computed")
    links = r.texts(kr, "massnahmen")
    for m in links:
        if m not in measures:
            r.add("error", kr, f"{where}: unbekannte Maßnahme '{m}' (nicht in massnahmen.yaml).",
                  "unknown-measure")
    return KeyResult(kid, r.text(kr, "text") or kid, unit, float(start or 0.0), float(target),
                     None if query else current, query,
                     tuple(m for m in links if m in measures), int(kr.get(LINE_KEY) or 0))


_MEMO: dict[tuple[Any, ...], tuple[Strategy | None, list[Finding]]] = {}


def files_state(root: Path) -> tuple[Any, ...]:
    """Size and modification time of the strategy files and models (what the loader reads)."""
    out: list[Any] = []
    for rel in (STRATEGY_FILE, MEASURES_FILE, OKR_FILE):
        path = root / rel
        stat = path.stat() if path.exists() else None
        out.append((rel, stat.st_size, stat.st_mtime_ns) if stat else (rel, None, None))
    out.append(tuple(sorted(p.parent.name for p in root.glob("*/soll.bpmn"))))
    return tuple(out)


def strategy_of(repo: Any) -> tuple[Strategy | None, list[Finding]]:
    """The strategy of a loaded ``Repository`` and its findings (memoized per file state:
    parsing the YAML is the expensive part and the ranking asks for it on every analysis)."""
    root = Path(repo.root).resolve()
    leistungen = tuple(sorted(repo.leistungen["id"].astype(str)))
    kommunen = tuple(sorted(repo.kommunen["schluessel"].astype(str)))
    key = (str(root), leistungen, kommunen, files_state(root))
    if key not in _MEMO:
        findings: list[Finding] = []
        strategy = load_strategy(root, leistungen=set(leistungen), kommunen=set(kommunen),
                                 findings=findings)
        if len(_MEMO) > 16:
            _MEMO.clear()
        _MEMO[key] = (strategy, findings)
    strategy, findings = _MEMO[key]
    return strategy, list(findings)
