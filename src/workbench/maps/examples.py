"""Example models for the map documentation, tests and the benchmark (Beispielwerte).

:func:`gewerbe_ist` / :func:`gewerbe_soll` are a small IST/SOLL pair of a Gewerbeanmeldung with
invented, illustrative handling times; :func:`synthetic_model` builds a process of any size with
lanes, decisions and loops.
"""

from __future__ import annotations

from ..bpmn.builder import ModelBuilder
from ..bpmn.model import Definitions

BUERGER = "Antragsteller:in"
BUERO = "Bürgerbüro"
ORDNUNG = "Ordnungsamt"
KASSE = "Stadtkasse"


def gewerbe_ist() -> Definitions:
    """IST: paper form, typing over, printed notice (Beispielwerte)."""
    b = ModelBuilder("Gewerbeanmeldung (IST)", pool="Gemeinde Musterstadt",
                     process_id="gewerbe_ist")
    start = b.event("Formular abgegeben", "start", lane=BUERGER, id="start")
    ausfuellen = b.task("Gewerbeanmeldung auf Papier ausfüllen", lane=BUERGER, id="ausfuellen",
                        kind="manualTask", medium="papier", minutes=15, phase="antrag")
    eingang = b.task("Eingang stempeln und Akte anlegen", lane=BUERO, id="eingang",
                     medium="papier", minutes=4, activity_type="antrag_entgegennehmen",
                     phase="antrag")
    pruefen = b.task("Formell prüfen", lane=BUERO, id="pruefen", kind="userTask",
                     medium="papier", minutes=6, activity_type="formell_pruefen",
                     phase="bearbeitung")
    vollst = b.gateway("Vollständig?", lane=BUERO, id="vollstaendig")
    nachfordern = b.task("Unterlagen per Brief nachfordern", lane=BUERO, id="nachfordern",
                         kind="sendTask", medium="papier", minutes=8, wait_days=10,
                         activity_type="rueckfrage", phase="bearbeitung")
    erfassen = b.task("Daten ins Gewerbe-Fachverfahren übertragen", lane=BUERO, id="erfassen",
                      medium="fachverfahren", minutes=9, system="Gewerbe-Fachverfahren",
                      activity_type="daten_uebertragen", phase="bearbeitung")
    gebuehr = b.task("Gebühr bar kassieren", lane=KASSE, id="gebuehr", medium="persoenlich",
                     minutes=5, activity_type="gebuehr_erheben", phase="bezahlung")
    drucken = b.task("Gewerbeschein drucken und unterschreiben", lane=BUERO, id="drucken",
                     medium="papier", minutes=4, activity_type="drucken", phase="bescheid")
    kopie = b.task("Kopien an Finanzamt und IHK schicken", lane=BUERO, id="kopien",
                   kind="sendTask", medium="papier", minutes=6, activity_type="kopieren",
                   phase="bescheid")
    ablage = b.task("Papierakte ablegen", lane=BUERO, id="ablage", medium="papier", minutes=3,
                    activity_type="archivieren", phase="archivierung")
    ende = b.event("Gewerbe angemeldet", "end", lane=BUERO, id="ende")
    for s, t in ((start, ausfuellen), (ausfuellen, eingang), (eingang, pruefen),
                 (pruefen, vollst), (nachfordern, pruefen), (erfassen, gebuehr),
                 (gebuehr, drucken), (drucken, kopie), (kopie, ablage), (ablage, ende)):
        b.flow(s, t)
    b.flow(vollst, nachfordern, name="nein", probability=0.25, id="f_nein")
    b.flow(vollst, erfassen, name="ja", probability=0.75, id="f_ja", default=True)
    return b.build()


def gewerbe_soll() -> Definitions:
    """SOLL: online application, e-payment, automatic notification (Beispielwerte)."""
    b = ModelBuilder("Gewerbeanmeldung (SOLL)", pool="Gemeinde Musterstadt",
                     process_id="gewerbe_soll")
    start = b.event("Online-Antrag eingegangen", "start", lane=BUERGER, id="start",
                    definition="message")
    ausfuellen = b.task("Online-Antrag mit BundID stellen", lane=BUERGER, id="online",
                        kind="userTask", medium="portal", minutes=8, phase="antrag")
    bezahlen = b.task("Gebühr per ePayment zahlen", lane=BUERGER, id="epayment",
                      kind="userTask", medium="portal", minutes=2, phase="bezahlung")
    pruefen = b.task("Formell prüfen", lane=BUERO, id="pruefen", kind="userTask",
                     medium="fachverfahren", minutes=3, system="Gewerbe-Fachverfahren",
                     activity_type="formell_pruefen", phase="bearbeitung")
    vollst = b.gateway("Vollständig?", lane=BUERO, id="vollstaendig")
    nachfordern = b.task("Nachweise über Postfach nachfordern", lane=BUERO, id="nachfordern",
                         kind="sendTask", medium="portal", minutes=3, wait_days=3,
                         activity_type="rueckfrage", phase="bearbeitung")
    bescheid = b.task("Gewerbeschein erzeugen und signieren", lane=BUERO, id="bescheid",
                      kind="serviceTask", medium="automatisch", minutes=1,
                      system="Gewerbe-Fachverfahren", activity_type="bescheid_erstellen",
                      phase="bescheid")
    melden = b.task("Meldungen an Finanzamt und IHK (XGewerbeanzeige)", lane=BUERO,
                    id="meldungen", kind="serviceTask", medium="automatisch", minutes=0.5,
                    phase="bescheid")
    ablage = b.task("In der E-Akte ablegen", lane=BUERO, id="ablage", kind="serviceTask",
                    medium="automatisch", minutes=0.5, activity_type="archivieren",
                    system="E-Akte", phase="archivierung")
    ende = b.event("Gewerbe angemeldet", "end", lane=BUERO, id="ende")
    for s, t in ((start, ausfuellen), (ausfuellen, bezahlen), (bezahlen, pruefen),
                 (pruefen, vollst), (nachfordern, pruefen), (bescheid, melden),
                 (melden, ablage), (ablage, ende)):
        b.flow(s, t)
    b.flow(vollst, nachfordern, name="nein", probability=0.1, id="f_nein")
    b.flow(vollst, bescheid, name="ja", probability=0.9, id="f_ja", default=True)
    return b.build()


_MEDIA = ("papier", "fachverfahren", "email", "portal", "persoenlich", "automatisch")
_KINDS = ("userTask", "task", "serviceTask", "manualTask", "sendTask", "task")


def synthetic_model(activities: int = 25, lanes: int = 3, *, seed: int = 1,
                    name: str | None = None) -> Definitions:
    """A process with ``activities`` steps over ``lanes`` lanes, deterministic for a seed.

    Every 6th step is followed by a check with a correction loop; every 9th step is optional
    (a decision that skips it). Correction steps count towards ``activities``.
    """
    b = ModelBuilder(name or f"Testprozess mit {activities} Schritten", pool="Verwaltung")
    lane_names = [f"Sachgebiet {i + 1}" for i in range(max(lanes, 1))]
    state = seed
    prev = b.event("Antrag eingegangen", "start", lane=lane_names[0])
    count = 0
    while count < activities:
        state = (state * 1103515245 + 12345) % 2**31
        lane = lane_names[(count // 2 + state % 2) % len(lane_names)]
        optional = count % 9 == 8 and count + 1 < activities
        if optional:
            split = b.gateway("Zusatzprüfung nötig?", lane=lane)
            b.flow(prev, split)
            prev = split
        count += 1
        task = b.task(f"Schritt {count}: Vorgang bearbeiten und prüfen", lane=lane,
                      kind=_KINDS[state % len(_KINDS)],
                      medium=_MEDIA[(state >> 3) % len(_MEDIA)],
                      minutes=float(1 + state % 20), system="Fachverfahren" if count % 3 else None)
        b.flow(prev, task, name="ja" if optional else None)
        prev = task
        if optional:
            join = b.gateway("", lane=lane)
            b.flow(task, join)
            b.flow(split, join, name="nein")
            prev = join
        if count % 6 == 0 and count < activities:
            gate = b.gateway("In Ordnung?", lane=lane)
            b.flow(prev, gate)
            count += 1
            back = b.task(f"Korrektur {count} veranlassen", lane=lane, kind="sendTask",
                          medium="email", minutes=5.0)
            b.flow(gate, back, name="nein", probability=0.2)
            b.flow(back, task)
            prev = gate
    end = b.event("Vorgang abgeschlossen", "end", lane=lane_names[-1])
    b.flow(prev, end)
    return b.build()
