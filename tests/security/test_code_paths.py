"""Issue 11, items 1 and 11: no code runs from files a user can write.

Reproduces the attacks on a real batch: a planted pickle in the report cache (through a symlinked
``.cache`` and under the cache's exact file names), report notebooks and a ``numpy.py`` lying in the
folder where ``workbench report`` is called. Each planted file would create a marker when run.
"""

from __future__ import annotations

import ast
import json
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT
from workbench.cli import main

KOMMUNE = "033560005"


class _Planted:
    """Unpickling this creates the marker file (what an attacker's payload would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _notebook_writing(marker: Path) -> str:
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": f"open({str(marker)!r}, 'w').write('lief')"}
    return json.dumps({"cells": [cell], "metadata": {"kernelspec": {"name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture(scope="module")
def attacked_batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A batch run inside an untrusted folder whose output folder was prepared by an attacker."""
    from workbench.repository import Repository

    base = tmp_path_factory.mktemp("untrusted")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    markers = {name: base / f"ran-{name}" for name in
               ("notebook", "numpy", "pickle-symlink", "pickle-json")}
    # 11: notebooks of the folder the command runs in, and a module shadowing numpy
    (base / "notebooks").mkdir()
    for name in ("report_kommune.ipynb", "report_verbund.ipynb"):
        (base / "notebooks" / name).write_text(_notebook_writing(markers["notebook"]))
    (base / "numpy.py").write_text(f"open({str(markers['numpy'])!r}, 'w').write('lief')\n")
    # 1: the output folder's .cache is a symlink into the attacker's folder, holding pickles under
    # every name the analysis cache ever used
    state = Repository.load(kb).content_hash()[:24]
    attacker = base / "attacker"
    attacker.mkdir()
    (attacker / f"analyse-{state}-top5.pickle").write_bytes(
        pickle.dumps(_Planted(markers["pickle-symlink"])))
    (attacker / f"analyse-{state}-top5.json").write_bytes(
        pickle.dumps(_Planted(markers["pickle-json"])))
    out = base / "out"
    out.mkdir()
    (out / ".cache").symlink_to(attacker, target_is_directory=True)
    before = sorted(p.name for p in attacker.iterdir())
    cwd = Path.cwd()
    os.chdir(base)
    try:
        code = main(["report", "--kommune", KOMMUNE, "--ohne-verbund", "--repository", "processes",
                     "--out", "out", "--jobs", "1", "--ohne-fortschritt"])
    finally:
        os.chdir(cwd)
    assert sorted(p.name for p in attacker.iterdir()) == before  # nothing touched there
    return {"code": code, "out": out, "attacker": attacker, **markers}


@pytest.mark.slow
def test_report_in_untrusted_folder_runs_no_planted_code(attacked_batch):
    assert attacked_batch["code"] == 0
    for name in ("notebook", "numpy", "pickle-symlink", "pickle-json"):
        assert not attacked_batch[name].exists(), f"planted code ran: {name}"
    page = next(attacked_batch["out"].glob(f"{KOMMUNE}_*.html")).read_text(encoding="utf-8")
    assert "Digitalisierungspotenzial" in page  # the installed template ran, not the planted one


@pytest.mark.slow
def test_symlinked_cache_is_removed_not_followed(attacked_batch):
    out = attacked_batch["out"]
    assert not (out / ".cache").is_symlink()
    assert not [p for p in out.iterdir() if p.name.startswith(".cache")]  # removed after the batch


def test_fork_server_does_not_import_from_the_working_folder(tmp_path: Path):
    """The batch's fork server imports nbformat, papermill … at its start; a module of the same
    name planted in the folder the command runs in must not be what it imports (it did: the
    server starts as ``python -c`` with the folder first on its path)."""
    import subprocess
    import sys

    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    marker = tmp_path / "lief"
    for name in ("nbformat", "papermill", "attrs"):
        (tmp_path / f"{name}.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\nraise ImportError('untergeschoben')\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "workbench"), "report", "--kommune", KOMMUNE,
         "--ohne-verbund", "--repository", "processes", "--out", "out", "--jobs", "1",
         "--ohne-fortschritt"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "WERKBENCH_SIM_CACHE": str(tmp_path / "sim")})
    assert done.returncode == 0, done.stderr
    assert not marker.exists(), f"planted module ran: {marker.read_text()}"


def test_cache_reset_is_private_and_ignores_planted_folders(tmp_path):
    import logging

    from workbench.reports.batch import _reset_cache

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("x")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cache").symlink_to(outside, target_is_directory=True)
    (out / ".cache-alt").mkdir()
    (out / ".cache-alt" / "link").symlink_to(outside / "keep.txt")
    cache = _reset_cache(out, logging.getLogger("test"))
    assert (outside / "keep.txt").read_text() == "x"
    assert not (out / ".cache").exists() and not (out / ".cache-alt").exists()
    assert cache.is_dir() and not cache.is_symlink() and cache.parent == out
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert cache.name != ".cache"  # a fresh name nobody could prepare
    second = _reset_cache(out, logging.getLogger("test"))
    assert second != cache and not cache.exists()


def test_cache_reads_no_symlink(tmp_path, monkeypatch):
    from workbench.reports import cache

    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "karte.svg").symlink_to(secret)
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    assert cache.cached_text("karte.svg", lambda: "<svg/>") == "<svg/>"


def test_planted_cache_entry_runs_nothing_and_is_recomputed(tmp_path, monkeypatch):
    """A race after the reset: whatever lands under the cache's name is data, never code."""
    from workbench.report_content import data
    from workbench.repository import Repository

    marker = tmp_path / "ran"
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    state = Repository.load(kb).content_hash()[:24]
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / f"analyse-{state}-top5.json").write_bytes(pickle.dumps(_Planted(marker)))
    monkeypatch.setenv("WERKBENCH_CACHE_DIR", str(folder))
    monkeypatch.setattr(data, "SENSITIVITY_DRAWS", 20)
    data._MEMO.clear()
    ctx = data.load_context(kb, top_n=5)
    data._MEMO.clear()
    assert not marker.exists()
    assert len(ctx.analysis.frame) > 0


def test_analysis_cache_is_exact_json(tmp_path):
    import pandas as pd

    from workbench.potential import analyse
    from workbench.report_content.data import analysis_from_json, analysis_to_json
    from workbench.repository import Repository

    analysis = analyse(Repository.load(EXAMPLE), top=5, draws=20)
    stored = analysis_to_json(analysis)
    json.loads(stored)  # plain JSON, no code
    again = analysis_from_json(stored)
    for name in ("frame", "verbund", "efa"):
        pd.testing.assert_frame_equal(getattr(analysis, name), getattr(again, name),
                                      check_exact=True, check_categorical=True)
        assert getattr(analysis, name).attrs == getattr(again, name).attrs
    assert (again.parameter, again.annahmen, again.hinweise) == \
        (analysis.parameter, analysis.annahmen, analysis.hinweise)
    assert analysis_to_json(again) == stored


def test_no_module_deserialises_code():
    """No pickle, marshal or shelve anywhere in the package (caches hold data)."""
    banned = {"pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
    found = []
    for path in (ROOT / "src" / "workbench").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in banned]
    assert not found


def test_templates_come_from_the_package(tmp_path, monkeypatch):
    from workbench.cli.report_cmd import _templates
    from workbench.reports.jobs import installed_templates

    monkeypatch.chdir(tmp_path)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "report_kommune.ipynb").write_text("{}")
    folder, single = _templates(None)
    assert folder == installed_templates() and single is None
    assert (folder / "report_kommune.ipynb").is_file() and (folder / "report_verbund.ipynb").is_file()
    assert tmp_path not in folder.parents
    own = tmp_path / "meine"
    own.mkdir()
    assert _templates(str(own)) == (own, None)  # --vorlagen DIR is the explicit way
