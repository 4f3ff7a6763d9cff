"""Issue 10, items 5–7 by hand: € by Laufbahn, Fallzahl basis, honest ranking and data gaps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import ranking
from workbench.potential import Parameters, PotentialError, metrics_table, potential_frame

from .helpers import KOMMUNEN, LEISTUNGEN

FALL = pd.DataFrame({
    "kommune": ["033560002"] * 4 + ["033560005"] * 2,
    "leistung": ["hund"] * 6,
    "jahr": [2022, 2023, 2024, 2025, 2024, 2025],
    # an election-like peak in 2025
    "fallzahl": [100.0, 120.0, 110.0, 400.0, 300.0, 300.0],
    "quelle": ["Beispielwert"] * 6,
})
ROWS = [
    {"leistung": "hund", "kommune": "", "stand": "ist", "minuten": 20.0, "schritte": 4.0,
     "schritte_ohne_minuten": 0.0, "minuten_gehoben": 12.0, "minuten_mittel": 6.0,
     "minuten_einfach": 0.0, "minuten_hoeher": 0.0, "minuten_ohne_laufbahn": 2.0,
     "digital_anteil": 0.25, "neuerfassungen": 1.0, "ozg_schaetzung": 1},
    {"leistung": "hund", "kommune": "", "stand": "soll", "minuten": 5.0, "schritte": 4.0,
     "schritte_ohne_minuten": 0.0, "minuten_gehoben": 5.0, "minuten_mittel": 0.0,
     "minuten_einfach": 0.0, "minuten_hoeher": 0.0, "minuten_ohne_laufbahn": 0.0,
     "digital_anteil": 1.0, "neuerfassungen": 0.0, "ozg_schaetzung": 3},
    # fund: an imported IST without minutes (0 minutes, 3 steps without) and a SOLL
    {"leistung": "fund", "kommune": "", "stand": "ist", "minuten": 0.0, "schritte": 3.0,
     "schritte_ohne_minuten": 3.0, "ozg_schaetzung": 1},
    {"leistung": "fund", "kommune": "", "stand": "soll", "minuten": 7.0, "schritte": 3.0,
     "schritte_ohne_minuten": 0.0, "ozg_schaetzung": 3},
]


def _frame(params: Parameters) -> pd.DataFrame:
    frame = potential_frame(KOMMUNEN, LEISTUNGEN, FALL, metrics_table(ROWS), params)
    return frame.set_index([frame["kommune"].astype(str), frame["leistung"].astype(str)])


def test_euro_follow_the_laufbahn_of_who_does_the_work() -> None:
    """IST: 12 Min. gehoben (42,20 €/h) + 6 Min. mittel (25,50) + 2 Min. ohne Laufbahn
    (Durchschnitt 40,70) = 12,3533 € je Fall; SOLL: 5 Min. gehoben = 3,5167 €.
    B-Stadt (300 Fälle 2025): 300 × 8,8367 = 2.651 € – nicht 300 × 15/60 × Pauschalsatz."""
    params = Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600,
                                      "lohnkosten": {"tabelle": "kommunen"}})
    row = _frame(params).loc[("033560005", "hund")]
    ist = (12 * 42.20 + 6 * 25.50 + 2 * 40.70) / 60
    soll = 5 * 42.20 / 60
    assert row["kosten_je_fall_ist"] == pytest.approx(ist)
    assert row["kosten_je_fall_soll"] == pytest.approx(soll)
    assert row["euro_gespart"] == pytest.approx(300 * (ist - soll))
    assert row["stunden_gespart"] == pytest.approx(300 * 15 / 60)
    assert "Lohnkosten je Stunde (Kommunen)" in params.lines()[1]
    flat = Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600,
                                    "personalkostensatz_euro_stunde": 60})
    assert _frame(flat).loc[("033560005", "hund"), "euro_gespart"] == pytest.approx(
        300 * 15 / 60 * 60)
    assert flat.labour_costs is None and "Pauschalsatz" in flat.lines()[1]


@pytest.mark.parametrize(("basis", "years", "a_dorf", "used"), [
    ("letztes_jahr", None, 400.0, 1),
    ("mittel", 3, (120 + 110 + 400) / 3, 3),
    ("median", 3, 120.0, 3),
    ("median", 2, (110 + 400) / 2, 2),
    ("mittel", 10, (100 + 120 + 110 + 400) / 4, 4),  # fewer years reported than asked
])
def test_fallzahl_basis(basis: str, years: int | None, a_dorf: float, used: int) -> None:
    params = Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600},
                                     fallzahl_basis=basis, fallzahl_jahre=years)
    frame = _frame(params)
    row = frame.loc[("033560002", "hund")]
    assert row["fallzahl"] == pytest.approx(a_dorf)
    assert row["fallzahl_jahre"] == used
    assert row["fallzahl_jahr"] == 2025
    assert frame.loc[("033560005", "hund"), "fallzahl"] == pytest.approx(300)
    assert params.basis_text() in " ".join(params.lines())


def test_fallzahl_basis_from_verbund_yaml_and_year_limit() -> None:
    params = Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600,
                                      "fallzahl_basis": {"art": "mittel", "jahre": 2}},
                                     fallzahl_jahr=2024)
    assert params.basis_text().startswith("Mittelwert der letzten 2 gemeldeten Jahre bis 2024")
    assert _frame(params).loc[("033560002", "hund"), "fallzahl"] == pytest.approx(115)
    with pytest.raises(PotentialError, match=r"parameter\.fallzahl_basis: 'schnitt'"):
        Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600, "fallzahl_basis": "schnitt"})
    with pytest.raises(PotentialError, match="--fallzahl-jahre"):
        Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600}, fallzahl_basis="median",
                                fallzahl_jahre=0)


def test_incomplete_models_are_marked_and_never_quick_wins() -> None:
    """fund: IST ohne Minuten → Einsparung −7 Min. je Fall; früher „Schnell umsetzen“."""
    params = Parameters(1600.0, 60.0)
    frame = potential_frame(KOMMUNEN, LEISTUNGEN, FALL.assign(leistung="fund"),
                            metrics_table(ROWS), params)
    fund = frame[frame["leistung"] == "fund"]
    assert (fund["minuten_gespart_je_fall"] == -7).all()
    assert not fund["vollstaendig"].any()
    assert set(fund["datenluecken"]) == {"IST: Schritte ohne Minuten; IST: keine Bearbeitungszeit"}
    hund = frame[frame["leistung"] == "hund"]
    assert hund["vollstaendig"].all() and set(hund["datenluecken"]) == {""}
    quadrant = ranking.quadrant(np.array([90.0, 90.0, 90.0, 90.0]),
                                np.array([90.0, 90.0, 90.0, 10.0]),
                                complete=np.array([True, False, True, True]),
                                saved=np.array([5.0, 5.0, -3.0, np.nan]))
    assert list(quadrant) == ["Schnell umsetzen", "Daten unvollständig", "Prüfen",
                              "Strategisches Projekt"]
    assert list(ranking.quadrant(np.array([90.0]), np.array([90.0]),
                                 saved=np.array([np.nan]))) == ["Prüfen"]


def test_efa_needs_complete_models() -> None:
    frame = potential_frame(KOMMUNEN, LEISTUNGEN, FALL.assign(leistung="fund"),
                            metrics_table(ROWS), Parameters(1600.0, 60.0))
    efa = ranking.efa_candidates(frame, min_members=1, min_hours=0).set_index("leistung")
    assert not efa.loc["fund", "efa_kandidat"]
    assert efa.loc["fund", "begruendung"] == "nein: Modelle unvollständig (siehe Datenqualität)"


def test_imported_ist_without_minutes_is_marked_in_ranking_and_data_quality(
        example_copy: Path) -> None:
    """The issue's case on the real example: an IST without any minutes (as an import from
    another tool delivers it) must not become a green quick win, and data quality names it."""
    import re

    from workbench.potential import analyse
    from workbench.repository import Repository

    ist = example_copy / "hundeanmeldung" / "ist.bpmn"
    ist.write_text(re.sub(r' wb:minutes="[^"]*"', "", ist.read_text(encoding="utf-8")),
                   encoding="utf-8")
    result = analyse(Repository.load(example_copy), draws=0)
    rows = result.frame[result.frame["leistung"] == "hundeanmeldung"]
    with_own = rows["ist_modell"] == "eigen"  # Hambergen keeps its own IST with minutes
    verbund_ist = rows[~with_own & (rows["fallzahl"] > 0)]
    # the IST's steps get standard values (Zeitwerttabelle), so the saving is a guess: the rows
    # are marked incomplete, whatever its sign
    assert len(verbund_ist)
    assert (verbund_ist["quadrant"] == "Daten unvollständig").all()
    assert not (rows["quadrant"] == "Schnell umsetzen")[~with_own].any()
    gaps = result.luecken[result.luecken["leistung"] == "hundeanmeldung"]
    text = " ".join(gaps["befund"])
    assert "ohne Minuten" in text and "Keine Bearbeitungszeit im ganzen Modell" in text
    assert "Standardwerten" in text and "nur Standardwerte" in text
    assert "„" in text  # steps are named, not only counted
    efa = result.efa.set_index("leistung")
    assert not efa.loc["hundeanmeldung", "efa_kandidat"]
