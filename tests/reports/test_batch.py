"""The batch runner: parallel workers, index, incremental manifest, --force, shared cache."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tests.reports.conftest import KOMMUNEN, MakeJobs, out_files
from workbench.reports.batch import run_batch
from workbench.reports.manifest import MANIFEST_NAME

EXPECTED = {"verbund.html", *(f"{key}_test.html" for key, _ in KOMMUNEN),
            "index.html", MANIFEST_NAME, "batch.log"}


def statuses(result) -> dict[str, str]:
    return {r.stem: r.status for r in result.results}


def test_batch_incremental_and_force(tmp_path: Path, make_jobs: MakeJobs, kb: Path):
    out, counter = tmp_path / "reports", tmp_path / "zaehler.txt"
    jobs = make_jobs(zaehler=str(counter))
    first = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)
    assert set(statuses(first).values()) == {"erstellt"}, first.summary()
    assert first.exit_code == 0
    assert out_files(out) == EXPECTED
    assert len(first.workers) == 2  # two worker processes, one warm kernel each
    assert all(w["kernel_starts"] == 1 for w in first.workers.values())
    assert counter.read_text().count("gerendert") == 1  # shared map rendered once per batch

    index = (out / "index.html").read_text(encoding="utf-8")
    for job in jobs:
        assert f'href="{job.stem}.html"' in index
    assert index.count("erstellt</td>") == len(jobs)
    evil = (out / "099999999_test.html").read_text(encoding="utf-8")
    assert "<script" not in evil and "&lt;script&gt;alert(1)&lt;/script&gt;" in evil
    summary = first.summary()
    assert "Kommune" in summary and "Status" in summary and "Bericht Grasberg" in summary
    assert "5 erstellt" in summary

    before = {p: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}
    again = run_batch(jobs, out_dir=out, jobs_n=2, progress=False)
    assert set(statuses(again).values()) == {"übersprungen"}
    assert again.workers == {}  # nothing to do: no worker, no kernel started
    assert "übersprungen</td>" in (out / "index.html").read_text(encoding="utf-8")

    # one job's parameters change → only that report is rendered again
    changed = make_jobs(zaehler=str(counter), extra={"033560005": {"top_n": 3}})
    third = run_batch(changed, out_dir=out, jobs_n=2, progress=False)
    assert [s for s, st in statuses(third).items() if st == "erstellt"] == ["033560005_test"]
    assert "Top 3" in (out / "033560005_test.html").read_text(encoding="utf-8")
    # one job's own input file changes → only that report is rendered again
    extra_input = tmp_path / "nur_grasberg.csv"  # outside kb/: an input of one job only
    extra_input.write_text("x\n1\n")
    with_input = make_jobs(zaehler=str(counter), extra={"033560005": {"top_n": 3}})
    with_input[1] = replace(with_input[1], inputs=[*with_input[1].inputs, extra_input])
    run_batch(with_input, out_dir=out, jobs_n=2, progress=False)
    extra_input.write_text("x\n2\n")
    fourth = run_batch(with_input, out_dir=out, jobs_n=2, progress=False)
    assert [s for s, st in statuses(fourth).items() if st == "erstellt"] == [with_input[1].stem]

    forced = run_batch(with_input, out_dir=out, jobs_n=2, force=True, progress=False)
    assert set(statuses(forced).values()) == {"erstellt"}
    for path, data in before.items():  # deterministic: same inputs → byte-identical report
        if path.name not in ("033560005_test.html",):
            assert path.read_bytes() == data, path.name
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert set(manifest["berichte"]) == {j.stem for j in jobs}
    assert "Fertig: 5 erstellt" in (out / "batch.log").read_text(encoding="utf-8")


def test_send_order_verbund_strategy_after_the_first_round():
    """The shipped jobs are sent longest first (Verbund report, Kommune reports, the Kommunen's
    short strategy reports), with the Verbund's strategy report right after the first round of
    one report per worker, so it follows the Verbund report onto its kernel (pyplot loaded
    once); without a Verbund report it keeps its place at the front."""
    from workbench.reports.batch import _send_order, jobs_for_repository
    from workbench.reports.jobs import installed_templates
    from workbench.repository import Repository

    repo = Repository.load(Path(__file__).resolve().parents[2] / "processes")
    jobs = jobs_for_repository(repo, kommunen=None, include_verbund=True, stand="2025-06-30",
                               top_n=5, template_dir=installed_templates())
    kommunen = [j.stem for j in jobs if j.kind == "kommune"]
    own = [j.stem for j in jobs if j.kind == "strategie" and j.parameters.get("kommune")]
    for workers in (1, 2, 3):
        order = [j.stem for j in _send_order(jobs, workers)]
        assert order == (["verbund", *kommunen[:workers - 1], "strategie", *kommunen[workers - 1:],
                          *own])
    without = [j for j in jobs if j.kind != "verbund"]
    assert [j.stem for j in _send_order(without, 2)] == ["strategie", *kommunen, *own]
