"""The fingerprint of a Kommune report = what it shows (report_content.fingerprint), and the
batch's preparation step (reports.prepare): fast checks without kernels."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLE
from workbench.report_content import load_context
from workbench.report_content.fingerprint import (
    cover_digest,
    kommune_digest,
    kommune_digests,
    rows_text,
    strategie_digest,
)
from workbench.reports.batch import Prepared, run_batch
from workbench.reports.jobs import installed_templates, jobs_for_repository
from workbench.reports.prepare import report_preparer
from workbench.repository import Repository


@pytest.fixture
def example(tmp_path: Path) -> Path:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    shutil.copytree(EXAMPLE.parent / "examples" / "odenwald", tmp_path / "examples" / "odenwald")
    return kb


def _digests(kb: Path) -> dict[str, str]:
    ctx = load_context(kb)
    return kommune_digests(ctx, [str(k) for k in ctx.repo.kommunen["schluessel"]])


def _set_fallzahl(kb: Path, kommune: str, leistung: str, jahr: int, value: int) -> None:
    path = kb / "fallzahlen.csv"
    pattern = re.compile(rf'^("?{kommune}"?,{leistung},{jahr},)\d+,', re.MULTILINE)
    text = path.read_text(encoding="utf-8")
    assert pattern.search(text)
    path.write_text(pattern.sub(rf"\g<1>{value},", text), encoding="utf-8")


def test_batch_and_kernel_compute_the_same_fingerprint(example: Path) -> None:
    ctx = load_context(example)
    keys = [str(k) for k in ctx.repo.kommunen["schluessel"]]
    batch = kommune_digests(ctx, keys)
    assert batch == {k: kommune_digest(ctx, k) for k in keys}  # one pass = one at a time
    assert len(set(batch.values())) == len(keys)


def test_cover_shows_the_batch_fingerprint_of_its_own_report(example: Path,
                                                              monkeypatch: pytest.MonkeyPatch):
    """In a batch the cover shows the fingerprint the parent computed for this report (passed in
    WERKBENCH_FINGERPRINT as kind:kommune:sha256); for another Kommune, another kind or a value
    that is no SHA-256 the kernel computes it itself."""
    ctx = load_context(example)
    grasberg, lilienthal = "033560002", "033560005"
    given = "ab" * 32
    monkeypatch.setenv("WERKBENCH_FINGERPRINT", f"kommune:{grasberg}:{given}")
    assert cover_digest(ctx, grasberg) == given
    assert cover_digest(ctx, lilienthal) == kommune_digest(ctx, lilienthal)
    assert cover_digest(ctx, grasberg, "strategie") == strategie_digest(ctx, grasberg)
    monkeypatch.setenv("WERKBENCH_FINGERPRINT", f"strategie:{grasberg}:{given}")
    assert cover_digest(ctx, grasberg, "strategie") == given
    assert cover_digest(ctx, grasberg) == kommune_digest(ctx, grasberg)
    monkeypatch.setenv("WERKBENCH_FINGERPRINT", f"kommune:{grasberg}:<script>")
    assert cover_digest(ctx, grasberg) == kommune_digest(ctx, grasberg)
    monkeypatch.delenv("WERKBENCH_FINGERPRINT")
    assert cover_digest(ctx, grasberg) == kommune_digest(ctx, grasberg) != given


@pytest.mark.slow
def test_fingerprint_follows_what_is_shown(example: Path) -> None:
    before = _digests(example)
    _set_fallzahl(example, "033560002", "hundeanmeldung", 2025, 91)  # 90 → 91: Grasberg only
    after = _digests(example)
    assert [k for k in before if before[k] != after[k]] == ["033560002"]
    _set_fallzahl(example, "033560002", "hundeanmeldung", 2025, 590)  # moves the Ø Verbund
    moved = _digests(example)
    changed = {k for k in after if after[k] != moved[k]}
    assert "033560002" in changed and len(changed) >= 3 and "03356" not in changed
    own = example / "anmeldung_einwohner" / "ist.033560005.bpmn"  # Lilienthal's own IST
    own.write_bytes(own.read_bytes() + b"\n")
    variant = _digests(example)
    assert [k for k in moved if moved[k] != variant[k]] == ["033560005"]
    (example / "verbund.yaml").write_bytes((example / "verbund.yaml").read_bytes() + b"\n")
    assert all(variant[k] != v for k, v in _digests(example).items())  # shared file: all


def test_rows_text_is_the_same_alone_and_in_the_whole_frame() -> None:
    frame = pd.DataFrame({"kommune": ["a", "b", "a"], "x": [0.1 + 0.2, 1.0, float("nan")],
                          "n": [1, 2, 3], "ok": [True, False, True],
                          "text": ["Zeile\nmit Umbruch, Komma", "b", None]})
    whole = rows_text(frame)
    assert set(whole) == {"a", "b"}
    assert whole["a"] == rows_text(frame[frame["kommune"] == "a"])["a"]
    assert whole["b"] == rows_text(frame.iloc[[1]])["b"]
    exact = frame.assign(x=[0.3, 1.0, float("nan")])  # 0.1 + 0.2 is not 0.3: floats exact
    assert rows_text(exact)["a"] != whole["a"] and rows_text(exact)["b"] == whole["b"]
    for change in ({"n": [1, 2, 4]}, {"ok": [True, False, False]},
                   {"text": ["Zeile\nmit Umbruch, Komma", "b", "None"]},
                   {"x": [0.1 + 0.2, 1.0, 0.0]}):
        assert rows_text(frame.assign(**change))["a"] != whole["a"], change
    swapped = frame.iloc[[2, 1, 0]]  # order of a Kommune's rows counts
    assert rows_text(swapped)["a"] != whole["a"] and rows_text(swapped)["b"] == whole["b"]


def test_preparer_shares_the_analysis_and_fingerprints_the_kommunen_reports(example: Path) -> None:
    repo = Repository.load(example)
    jobs = jobs_for_repository(repo, stand="2026-11-24", top_n=5,
                               template_dir=installed_templates())
    prepared = report_preparer(example, jobs, stand="2026-11-24", top_n=5)()
    per_kommune = {j.stem: str(j.parameters["kommune"]) for j in jobs
                   if j.parameters.get("kommune")}
    assert set(prepared.shown) == set(per_kommune)  # Verbund reports: all files
    ctx = load_context(example, stand="2026-11-24", top_n=5)
    for stem, key in per_kommune.items():  # what the kernel computes for the cover
        kernel = strategie_digest(ctx, key) if stem.startswith("strategie_") else \
            kommune_digest(ctx, key)
        assert prepared.shown[stem] == kernel, stem
    [(name, data)] = prepared.shared.items()
    assert name.startswith("analyse-") and data.startswith(b"{")
    own = jobs_for_repository(repo, stand="2026-11-24", top_n=5,
                              template_dir=installed_templates(),
                              kommune_template=EXAMPLE.parent / "tests" / "reports" / "notebooks"
                              / "report.ipynb")
    shown = report_preparer(example, own, stand="2026-11-24", top_n=5)().shown
    assert not [j.stem for j in own if j.kind == "kommune" and j.stem in shown]  # own template
    assert all(stem.startswith("strategie_") for stem in shown)


def test_failing_preparation_falls_back_to_the_input_files(tmp_path: Path, make_jobs) -> None:
    def broken() -> Prepared:
        raise ValueError("kaputt")

    jobs = make_jobs(keys=["033560002"], verbund=False)
    result = run_batch(jobs, out_dir=tmp_path / "out", jobs_n=1, progress=False, prepare=broken)
    assert [r.status for r in result.results] == ["erstellt"]
    log = (tmp_path / "out" / "batch.log").read_text(encoding="utf-8")
    assert "Gemeinsame Vorberechnung fehlgeschlagen (ValueError: kaputt)" in log
