"""The knowledge base: loading, fallback, validation findings, atomic saves."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest

from tests.kb.helpers import snapshot, write
from workbench import bpmn
from workbench.cli import main
from workbench.repository import Repository, RepositoryError


def test_load_frames(kb: Path) -> None:
    repo = Repository.load(kb)
    assert list(repo.kommunen["schluessel"]) == ["033560002", "033560005"]
    assert set(repo.leistungen["id"]) == {"hundeanmeldung", "fundsachen"}
    assert repo.fallzahlen["fallzahl"].sum() == 420
    assert repo.verbund.jahresarbeitszeit == 1600
    assert repo.verbund.personalkostensatz == 60
    ratings = repo.bewertungen.set_index(["leistung", "kriterium"])["wert"]
    assert ratings[("hundeanmeldung", "prozesseffizienz")] == 3
    assert repo.steckbrief("hundeanmeldung")["verantwortlich"] == "Sachgebietsleitung Steuern"


def test_model_fallback_kommune_ist_to_verbund_ist(kb: Path) -> None:
    repo = Repository.load(kb)
    own = repo.model("hundeanmeldung", "ist", kommune="033560005")
    shared = repo.model("hundeanmeldung", "ist", kommune="033560002")
    assert own is not None and shared is not None
    assert own.main_process().name == "Hundeanmeldung IST Lilienthal"
    assert shared.main_process().name == "Hundeanmeldung IST"
    assert repo.model_source("hundeanmeldung", "ist", "033560002") == "hundeanmeldung/ist.bpmn"
    assert repo.ist_variants("hundeanmeldung") == ["033560005"]
    assert repo.model("fundsachen", "soll") is None


def test_unknown_leistung_and_variant_are_german_errors(kb: Path) -> None:
    repo = Repository.load(kb)
    with pytest.raises(RepositoryError, match="Unbekannte Leistung 'gibtsnicht'"):
        repo.model("gibtsnicht", "ist")
    with pytest.raises(RepositoryError, match="Unbekannte Variante"):
        repo.model("hundeanmeldung", "mittel")
    with pytest.raises(RepositoryError, match="nicht gefunden"):
        Repository.load(kb / "fehlt")


def test_valid_knowledge_base_has_no_errors(kb: Path) -> None:
    findings = Repository.load(kb).validate()
    assert not [f for f in findings if f.severity == "error"], findings
    # fundsachen is only a Steckbrief: no missing-model warning for it
    assert not any(f.file.startswith("fundsachen/") and f.code == "missing-model" for f in findings)


def _errors(root: Path) -> list:
    return [f for f in Repository.load(root).validate() if f.severity == "error"]


def test_broken_yaml_names_file_and_line(kb: Path) -> None:
    (kb / "leistungen.yaml").write_text("leistungen:\n  - id: a\n    name: [kaputt\n",
                                        encoding="utf-8")
    before = snapshot(kb)
    errors = _errors(kb)
    assert any(f.file == "leistungen.yaml" and "ungültiges YAML" in f.message
               and f.location.startswith("Zeile") for f in errors)
    assert snapshot(kb) == before


def test_unknown_leistung_in_fallzahlen_and_folder(kb: Path) -> None:
    with (kb / "fallzahlen.csv").open("a", encoding="utf-8") as handle:
        handle.write('"033560002",gibtsnicht,2025,5,Beispielwert\n')
    write(kb / "verirrt" / "steckbrief.yaml", "leistung: verirrt\n")
    errors = _errors(kb)
    assert any(f.file == "fallzahlen.csv" and f.location == "Zeile 4"
               and "Unbekannte Leistung 'gibtsnicht'" in f.message for f in errors)
    assert any(f.file == "verirrt/" and "gehört zu keiner Leistung" in f.message for f in errors)


def test_duplicate_ids(kb: Path) -> None:
    text = (kb / "leistungen.yaml").read_text(encoding="utf-8")
    (kb / "leistungen.yaml").write_text(
        text + "  - id: fundsachen\n    name: Fundsachen doppelt\n", encoding="utf-8")
    errors = _errors(kb)
    assert any("'fundsachen' kommt doppelt vor" in f.message and f.location == "Zeile 14"
               for f in errors), errors
    with (kb / "kommunen.csv").open("a", encoding="utf-8") as handle:
        handle.write('"033560002",Grasberg nochmal,Gemeinde,1,x\n')
    assert any(f.file == "kommunen.csv" and "doppelt" in f.message for f in _errors(kb))


def test_negative_fallzahl(kb: Path) -> None:
    with (kb / "fallzahlen.csv").open("a", encoding="utf-8") as handle:
        handle.write('"033560002",fundsachen,2025,-3,Beispielwert\n')
    repo = Repository.load(kb)
    errors = [f for f in repo.validate() if f.severity == "error"]
    assert any(f.location == "Zeile 4" and "'-3' ist keine Zahl ≥ 0" in f.message for f in errors)
    assert (repo.fallzahlen["fallzahl"] >= 0).all()


def test_bpmn_that_does_not_parse(kb: Path) -> None:
    (kb / "hundeanmeldung" / "soll.bpmn").write_text("<definitions><kaputt></definitions>")
    repo = Repository.load(kb)
    errors = [f for f in repo.validate() if f.severity == "error"]
    assert any(f.file == "hundeanmeldung/soll.bpmn" and "Modell nicht lesbar" in f.message
               and "Zeile" in f.message for f in errors)
    assert repo.model("hundeanmeldung", "soll") is None


def test_rating_out_of_scale_and_unknown_criterion(kb: Path) -> None:
    path = kb / "fundsachen" / "steckbrief.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{prozesseffizienz: 1}", "{prozesseffizienz: 7, erfunden: 2}"), encoding="utf-8")
    errors = _errors(kb)
    assert any("'7' liegt nicht auf der Skala 0–3" in f.message for f in errors)
    assert any("Unbekanntes Kriterium 'erfunden'" in f.message for f in errors)


def test_kommune_ist_for_unknown_kommune(kb: Path) -> None:
    (kb / "hundeanmeldung" / "ist.099999999.bpmn").write_bytes(
        (kb / "hundeanmeldung" / "ist.bpmn").read_bytes())
    assert any("Kommune '099999999' steht nicht in kommunen.csv" in f.message
               for f in _errors(kb))


def test_validate_cli_exit_codes(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(kb)]) == 0
    (kb / "fallzahlen.csv").write_text(
        'kommune,leistung,jahr,fallzahl,quelle\n"033560002",hundeanmeldung,2025,-1,x\n',
        encoding="utf-8")
    assert main(["validate", "--repository", str(kb)]) == 1
    out = capsys.readouterr().out
    assert "fallzahlen.csv" in out and "Fehler" in out
    assert main(["validate", str(kb / "nirgends")]) == 2


def test_save_model_is_atomic(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Repository.load(kb)
    path = kb / "hundeanmeldung" / "soll.bpmn"
    before = path.read_bytes()
    defs = repo.model("hundeanmeldung", "soll")
    assert defs is not None
    defs.activities()[0].set_ext("minutes", 2)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        repo.save_model("hundeanmeldung", "soll", defs)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    repo.save_model("hundeanmeldung", "soll", defs)
    assert bpmn.read(path).activities()[0].minutes == 2


def test_save_steckbrief_keeps_comments(kb: Path) -> None:
    path = kb / "fundsachen" / "steckbrief.yaml"
    path.write_text("# Wichtiger Kommentar\n" + path.read_text(encoding="utf-8"),
                    encoding="utf-8")
    repo = Repository.load(kb)
    repo.save_steckbrief("fundsachen", {"notizen": "Im Workshop ergänzt"})
    text = path.read_text(encoding="utf-8")
    assert "# Wichtiger Kommentar" in text and "Im Workshop ergänzt" in text
    assert Repository.load(kb).steckbrief("fundsachen")["notizen"] == "Im Workshop ergänzt"


def test_missing_files_are_findings_not_crashes(tmp_path: Path) -> None:
    root = tmp_path / "leer"
    root.mkdir()
    repo = Repository.load(root)
    assert repo.leistungen.empty and repo.kommunen.empty
    messages = " ".join(f.message for f in repo.validate())
    assert "Datei fehlt" in messages


def test_version_is_content_hash_outside_git(kb: Path) -> None:
    repo = Repository.load(kb)
    assert repo.version.startswith("Inhalt ") or repo.version
    assert repo.content_hash() == Repository.load(kb).content_hash()


def _mask_kommune(repo: Repository, text: str) -> pd.Series:
    """The row the lookup gave before it was indexed: the first row matching key or name,
    else the key without leading zeros."""
    keys = repo.kommunen["schluessel"]
    rows = repo.kommunen[(keys == text) | (repo.kommunen["name"] == text)]
    if rows.empty:
        rows = repo.kommunen[keys.str.lstrip("0") == text.lstrip("0")]
    return rows.iloc[0]


def test_indexed_lookups_give_the_rows_of_a_scan(kb: Path) -> None:
    repo = Repository.load(kb)
    # frames assigned anew are indexed anew; a repeated id or name: the first row wins
    extra = repo.leistungen[repo.leistungen["id"] == "fundsachen"].assign(name="Fundsachen neu")
    repo.leistung("fundsachen")  # index the old frame first
    repo.leistungen = pd.concat([repo.leistungen, extra, extra.assign(name="Dritte")],
                                ignore_index=True)
    twin = repo.kommunen.iloc[[0]].assign(schluessel="033560009")
    repo.kommunen = pd.concat([repo.kommunen, twin], ignore_index=True)
    for lid in repo.leistungen["id"]:
        expected = repo.leistungen[repo.leistungen["id"] == lid].iloc[0]
        pd.testing.assert_series_equal(repo.leistung(lid), expected)
    assert repo.leistung("fundsachen")["name"] == "Fundsachen"
    probes = [*repo.kommunen["schluessel"], *repo.kommunen["name"], "33560005", "33560009"]
    for probe in probes:
        pd.testing.assert_series_equal(repo.kommune(probe), _mask_kommune(repo, probe))
    assert repo.kommune(repo.kommunen["name"][0])["schluessel"] == "033560002"
    assert repo.kommune(33560009)["schluessel"] == "033560009"
    with pytest.raises(RepositoryError, match="Unbekannte Kommune '999'"):
        repo.kommune("999")
    with pytest.raises(RepositoryError, match="Unbekannte Leistung 'gibtsnicht'"):
        repo.leistung("gibtsnicht")
    repo.leistungen = repo.leistungen.iloc[::-1].reset_index(drop=True)
    assert repo.leistung("fundsachen")["name"] == "Dritte"
