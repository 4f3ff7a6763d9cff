"""The library of recurring administrative activity types.

Each type has a German label, a default automation class (used when an activity names its type
but not its automation class) and whether it is *waste* in a digital SOLL (print, scan, copy,
typing data over from one medium into another).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ActivityType:
    key: str
    label: str
    automation: str  # default automation class: keine | assistiert | regelbasiert | ki
    waste: bool  # unnecessary in an end-to-end digital process
    description: str


ACTIVITY_TYPES: dict[str, ActivityType] = {
    t.key: t
    for t in (
        ActivityType("antrag_entgegennehmen", "Antrag entgegennehmen", "regelbasiert", False,
                     "Antrag annehmen, Eingang bestätigen"),
        ActivityType("formell_pruefen", "Formell prüfen", "regelbasiert", False,
                     "Vollständigkeit, Zuständigkeit, Fristen, Nachweise vorhanden"),
        ActivityType("inhaltlich_pruefen", "Inhaltlich prüfen/entscheiden", "assistiert", False,
                     "Sachverhalt würdigen, Ermessen ausüben, entscheiden"),
        ActivityType("daten_erfassen", "Daten erfassen", "regelbasiert", False,
                     "Antragsdaten erstmals im Fachverfahren erfassen"),
        ActivityType("daten_uebertragen", "Daten übertragen", "regelbasiert", True,
                     "bereits vorhandene Daten erneut eintippen (Doppelerfassung)"),
        ActivityType("drucken", "Drucken", "regelbasiert", True, "Dokument ausdrucken"),
        ActivityType("scannen", "Scannen", "regelbasiert", True, "Papier digitalisieren"),
        ActivityType("kopieren", "Kopieren", "regelbasiert", True, "Papier kopieren"),
        ActivityType("weiterleiten", "Weiterleiten", "regelbasiert", False,
                     "Vorgang an eine andere Stelle geben"),
        ActivityType("rueckfrage", "Rückfrage", "assistiert", False,
                     "fehlende Angaben oder Nachweise nachfordern"),
        ActivityType("bescheid_erstellen", "Bescheid erstellen", "regelbasiert", False,
                     "Bescheid, Bescheinigung oder Urkunde erzeugen"),
        ActivityType("gebuehr_erheben", "Gebühr erheben", "regelbasiert", False,
                     "Gebühr festsetzen und anfordern"),
        ActivityType("zahlung_pruefen", "Zahlung prüfen", "regelbasiert", False,
                     "Zahlungseingang abgleichen"),
        ActivityType("versenden", "Versenden", "regelbasiert", False,
                     "Bescheid oder Schreiben zustellen"),
        ActivityType("aushaendigen", "Aushändigen", "keine", False,
                     "Dokument persönlich übergeben"),
        ActivityType("archivieren", "Archivieren", "regelbasiert", False,
                     "Vorgang ablegen (Papierakte oder E-Akte)"),
        ActivityType("termin_vereinbaren", "Termin vereinbaren", "regelbasiert", False,
                     "Termin anbieten und buchen"),
        ActivityType("beraten", "Beraten", "keine", False, "Bürger:in beraten, Fragen klären"),
        ActivityType("unterschreiben", "Unterschreiben", "assistiert", True,
                     "händisch unterschreiben (digital: Signatur/Siegel)"),
    )
}


def activity_type(key: str | None) -> ActivityType | None:
    """The activity type for a key, or None."""
    return ACTIVITY_TYPES.get(key) if key else None
