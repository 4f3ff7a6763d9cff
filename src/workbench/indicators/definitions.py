"""One German sentence per indicator: the list every report prints and docs/kennzahlen.md
repeats (a test keeps the two in step)."""

from __future__ import annotations

from typing import NamedTuple


class Definition(NamedTuple):
    """An indicator as a reader sees it."""

    key: str
    label: str
    sentence: str
    better: str  # "höher", "niedriger" or "" (a size, not a goal)


INDICATORS: tuple[Definition, ...] = (
    Definition("analoge_schritte", "Analoge Schritte je Fall",
               "Wie viele Schritte ein Fall im Mittel auf Papier, persönlich oder am Telefon "
               "durchläuft (Schleifen mit ihrer Wahrscheinlichkeit).", "niedriger"),
    Definition("analog_anteil", "Anteil analoger Schritte",
               "Analoge Schritte geteilt durch alle erwarteten Schritte eines Falls.",
               "niedriger"),
    Definition("digital_anteil_schritte", "Digitalanteil nach Schritten",
               "Anteil der erwarteten Schritte eines Falls mit digitalem Medium (E-Mail, "
               "Fachverfahren, Online-Portal, automatisch).", "höher"),
    Definition("digital_anteil_zeit", "Digitalanteil nach Bearbeitungszeit",
               "Anteil der erwarteten Bearbeitungszeit eines Falls, die in digitalen Schritten "
               "anfällt; ohne Zeiten im Modell nicht berechenbar.", "höher"),
    Definition("automatisierte_schritte", "Automatisierte Schritte je Fall",
               "Wie viele Schritte eines Falls im Mittel ohne Menschen laufen (Medium "
               "„automatisch“).", "höher"),
    Definition("automatisierbar_anteil", "Automatisierbarer Anteil nach Schritten",
               "Anteil der erwarteten Schritte, die schon automatisch laufen oder regelbasiert "
               "bzw. KI-gestützt automatisierbar sind (Angabe am Schritt, sonst Standard des "
               "Aktivitätstyps).", "höher"),
    Definition("neuerfassungen", "Händische Neuerfassungen je Fall",
               "Wie oft eine Person der Verwaltung im Mittel je Fall Daten, die schon auf "
               "Papier, in einem Scan oder in einem anderen System stehen, erneut in ein "
               "digitales System eintippt.", "niedriger"),
    Definition("scan_druck_schritte", "Scan- und Druckschritte je Fall",
               "Wie viele Schritte eines Falls im Mittel daraus bestehen, dass eine Person "
               "druckt oder scannt.", "niedriger"),
    Definition("minuten", "Bearbeitungszeit je Fall",
               "Erwartete Arbeitszeit aller Schritte eines Falls in Minuten (Schleifen mit ihrer "
               "Wahrscheinlichkeit).", "niedriger"),
    Definition("stunden_gespart", "Eingesparte Stunden pro Jahr",
               "Fallzahl × (Bearbeitungszeit IST − SOLL) ÷ 60.", "höher"),
    Definition("vzae_gespart", "Vollzeitäquivalente (VZÄ)",
               "Eingesparte Stunden pro Jahr geteilt durch die Jahresarbeitszeit einer "
               "Vollzeitstelle – eine Rechengröße, keine Stellen.", "höher"),
    Definition("euro_gespart", "Eingesparte Lohnkosten pro Jahr",
               "Fallzahl × (Lohnkosten je Fall IST − SOLL); Lohnkosten je Fall = Minuten je "
               "Schritt × Stundensatz der Laufbahngruppe, die den Schritt erledigt.", "höher"),
    Definition("medienbrueche", "Medienbrüche je Fall (Nebenkennzahl)",
               "Wie oft ein Fall im Mittel das Medium oder von Hand das System wechselt; "
               "steigt auch, wenn ein Papierprozess einen digitalen Schritt erhält, und ist "
               "deshalb keine Zielgröße.", ""),
    Definition("ozg_reifegrad", "OZG-Reifegrad (Reifegradmodell 0–4, Version 1.1)",
               "0 offline, 1 Information online, 2 Formular online, 3 Online-Antrag mit "
               "Nachweisen und Bescheid, 4 vollständig digital mit Once-Only; geschätzt aus dem "
               "Modell und erklärt im Katalog.", "höher"),
)
BY_KEY = {d.key: d for d in INDICATORS}
#: The maturity model every output names (v2.0 with levels 0–7 is not implemented, see docs).
OZG_MODEL = "OZG-Reifegradmodell 0–4 (Version 1.1)"
