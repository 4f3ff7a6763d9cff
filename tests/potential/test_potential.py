"""The Kommune × Leistung frame: Fallzahl (gemeldet/geschätzt/keine), hours, VZÄ, €."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.potential import Parameters, PotentialError, potential_frame

from .helpers import FALLZAHLEN, KOMMUNEN, LEISTUNGEN, METRICS


def _frame(**kw: object) -> pd.DataFrame:
    params = Parameters(1600.0, 60.0, **kw)  # type: ignore[arg-type]
    frame = potential_frame(KOMMUNEN, LEISTUNGEN, FALLZAHLEN, METRICS, params)
    return frame.set_index([frame["kommune"].astype(str), frame["leistung"].astype(str)])


def test_frame_has_one_row_per_kommune_and_leistung() -> None:
    frame = _frame()
    assert len(frame) == 8
    assert frame.attrs["parameter"] == {"jahresarbeitszeit_stunden": 1600.0,
                                        "personalkostensatz_euro_stunde": 60.0,
                                        "fallzahl_jahr": None, "lohnkosten": None,
                                        "fallzahl_basis": "letztes_jahr", "fallzahl_jahre": 1,
                                        "efa_mitglieder": 3, "efa_stunden": 800.0}
    assert any("unbekannter Kommune" in h and "999/hund" in h for h in frame.attrs["hinweise"])


def test_fallzahl_latest_reported_year() -> None:
    row = _frame().loc[("033560002", "hund")]
    assert row["fallzahl"] == 120
    assert row["fallzahl_art"] == "gemeldet"
    assert row["fallzahl_jahr"] == 2024
    assert row["fallzahl_quelle"] == "Beispielwert"


def test_fallzahl_estimated_from_median_rate_of_same_level() -> None:
    frame = _frame()
    # rates 120/10 000 and 300/20 000 → median 0.0135 × 40 000
    row = frame.loc[("033560007", "hund")]
    assert row["fallzahl"] == pytest.approx(540)
    assert row["fallzahl_art"] == "geschätzt"
    # the Landkreis is on another level: nobody there reports Hundeanmeldung
    assert frame.loc[("03356", "hund"), "fallzahl_art"] == "keine"
    assert frame.loc[("03356", "hund"), "fallzahl"] == 0
    # and no Gemeinde reports Fundsachen, so nothing is estimated from the Landkreis
    assert frame.loc[("033560002", "fund"), "fallzahl_art"] == "keine"


def test_fallzahl_year_parameter() -> None:
    frame = _frame(fallzahl_jahr=2023)
    assert frame.loc[("033560002", "hund"), "fallzahl"] == 100
    # B-Stadt reported only 2024: estimated from A-Dorf's 2023 rate 0.01
    assert frame.loc[("033560005", "hund"), "fallzahl"] == pytest.approx(200)
    assert frame.loc[("033560005", "hund"), "fallzahl_art"] == "geschätzt"


def test_hours_vzae_euro_and_breaks() -> None:
    row = _frame().loc[("033560002", "hund")]
    assert row["ist_modell"] == "Verbund"
    assert row["minuten_gespart_je_fall"] == 15
    assert row["stunden_ist"] == pytest.approx(40)
    assert row["stunden_soll"] == pytest.approx(10)
    assert row["stunden_gespart"] == pytest.approx(30)
    assert row["vzae_gespart"] == pytest.approx(30 / 1600)
    assert row["euro_gespart"] == pytest.approx(1800)
    assert row["medienbrueche_vermieden_je_fall"] == 2
    assert row["medienbrueche_vermieden_pro_jahr"] == 240
    assert row["ozg_luecke"] == 2
    assert not row["ozg_abweichung"]


def test_own_ist_variant_is_used_and_ozg_difference_flagged() -> None:
    row = _frame().loc[("033560005", "hund")]
    assert row["ist_modell"] == "eigen"
    assert row["minuten_ist"] == 30
    assert row["stunden_gespart"] == pytest.approx(300 * 25 / 60)
    assert row["ozg_schaetzung"] == 3
    assert row["ozg_abweichung"]


def test_missing_soll_gives_no_savings() -> None:
    row = _frame().loc[("03356", "fund")]
    assert not row["soll_modell"]
    assert row["minuten_ist"] == 10
    assert pd.isna(row["stunden_gespart"])


def test_parameters_from_verbund() -> None:
    p = Parameters.from_verbund({"jahresarbeitszeit_stunden": "1.600,5".replace(".", ""),
                                 "personalkostensatz_euro_stunde": 58})
    assert p.jahresarbeitszeit_stunden == 1600.5
    assert p.lines()[1].startswith("Personalkostensatz: 58,00 € je Stunde für jeden Schritt")
    with pytest.raises(PotentialError, match=r"verbund\.yaml: parameter\.jahresarbeitszeit_stunden"):
        Parameters.from_verbund({"personalkostensatz_euro_stunde": 60})
    with pytest.raises(PotentialError, match="personalkostensatz_euro_stunde"):
        Parameters.from_verbund({"jahresarbeitszeit_stunden": 1600,
                                 "personalkostensatz_euro_stunde": -3})
