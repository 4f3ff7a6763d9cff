"""A small, complete knowledge base written from scratch for corruption tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.kb.helpers import small_model, write


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    write(root / "verbund.yaml", """
        id: test
        name: Testverbund
        stand: 2026-01-15
        parameter:
          jahresarbeitszeit_stunden: 1600
          personalkostensatz_euro_stunde: 60
    """)
    write(root / "kommunen.csv", """
        schluessel,name,typ,einwohner,einwohner_quelle
        "033560002",Grasberg,Gemeinde,8100,Beispielwert
        "033560005",Lilienthal,Gemeinde,20300,Beispielwert
    """)
    write(root / "leistungen.yaml", """
        # Kommentar, der beim Import erhalten bleiben muss
        leistungen:
          - id: hundeanmeldung
            name: Hundeanmeldung
            fachbereich: Finanzen
            prozesstyp: Kernprozess
            ozg: {relevant: true, reifegrad_ist: 1, reifegrad_ziel: 3}
            erfassung: modelliert
          - id: fundsachen
            name: Fundsachen
            fachbereich: Ordnung
            prozesstyp: Kernprozess
            erfassung: steckbrief
    """)
    write(root / "fallzahlen.csv", """
        kommune,leistung,jahr,fallzahl,quelle
        "033560002",hundeanmeldung,2025,120,Beispielwert
        "033560005",hundeanmeldung,2025,300,Beispielwert
    """)
    write(root / "bewertung.yaml", """
        skala: {min: 0, max: 3}
        fehlende_bewertung: neutral
        gruppen:
          - id: nutzen_intern
            name: Nutzen intern
            dimension: nutzen
            gewicht: 1
            kriterien:
              - {id: prozesseffizienz, name: Prozesseffizienz, gewicht: 1, richtung: hoch}
          - id: eignung_wirtschaft
            name: Eignung – Wirtschaftlichkeit
            dimension: eignung
            gewicht: 1
            kriterien:
              - id: fallhaeufigkeit
                name: Fallhäufigkeit
                gewicht: 1
                richtung: hoch
                quelle: "berechnet:fallzahl"
              - {id: kosten, name: Kosten der Prozessänderung, gewicht: 1, richtung: niedrig}
    """)
    write(root / "hundeanmeldung" / "steckbrief.yaml", """
        leistung: hundeanmeldung
        verantwortlich: Sachgebietsleitung Steuern
        fachbereich: Finanzen
        rechtsgrundlagen: [Hundesteuersatzung]
        bewertungen: {prozesseffizienz: 3, kosten: 1}
        zuletzt_geprueft: 2025-10-01
    """)
    write(root / "fundsachen" / "steckbrief.yaml", """
        leistung: fundsachen
        verantwortlich: Ordnungsamt
        fachbereich: Ordnung
        rechtsgrundlagen: ["§§ 965 ff. BGB"]
        bewertungen: {prozesseffizienz: 1}
        zuletzt_geprueft: 2025-03-01
    """)
    (root / "hundeanmeldung" / "ist.bpmn").write_bytes(small_model("Hundeanmeldung IST", 12))
    (root / "hundeanmeldung" / "soll.bpmn").write_bytes(small_model("Hundeanmeldung SOLL", 4))
    (root / "hundeanmeldung" / "ist.033560005.bpmn").write_bytes(
        small_model("Hundeanmeldung IST Lilienthal", 20))
    return root
