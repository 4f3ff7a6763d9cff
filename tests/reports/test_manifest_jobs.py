"""Content hashes, the manifest and building jobs from the knowledge base (no kernels)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from workbench.reports.batch import jobs_for_repository, slugify, template_imports
from workbench.reports.manifest import MANIFEST_NAME, InputHasher, Manifest
from workbench.repository import Repository, RepositoryError


def test_digest_covers_inputs_template_parameters_and_version(tmp_path: Path):
    data, template = tmp_path / "daten.csv", tmp_path / "vorlage.ipynb"
    data.write_text("a\n1\n")
    template.write_text("{}")

    def digest(**changes):
        args = {"inputs": [data], "template": template, "parameters": {"kommune": "1", "top_n": 5}}
        args.update(changes)
        return InputHasher().digest(**args)

    base = digest()
    assert digest() == base
    assert digest(parameters={"top_n": 5, "kommune": "1"}) == base  # canonical JSON
    assert digest(parameters={"kommune": "1", "top_n": 6}) != base
    assert digest(version="9.9") != base
    data.write_text("a\n2\n")
    assert digest() != base
    data.write_text("a\n1\n")
    template.write_text('{"x": 1}')
    assert digest() != base


def test_manifest_roundtrip_and_missing_files(tmp_path: Path):
    manifest = Manifest.load(tmp_path)
    assert manifest.reports == {}
    (tmp_path / "a.html").write_text("x")
    manifest.record("a", "h1", ["a.html"], title="A", kind="kommune")
    manifest.save()
    again = Manifest.load(tmp_path)
    assert again.is_current("a", "h1", ["a.html"])
    assert not again.is_current("a", "h2", ["a.html"])
    assert not again.is_current("a", "h1", ["a.html", "a.pdf"])  # PDF newly requested
    (tmp_path / "a.html").unlink()
    assert not again.is_current("a", "h1", ["a.html"])
    first = (tmp_path / MANIFEST_NAME).read_bytes()
    again.save()
    assert (tmp_path / MANIFEST_NAME).read_bytes() == first


def test_corrupt_manifest_means_rebuild(tmp_path: Path):
    (tmp_path / MANIFEST_NAME).write_text("{kaputt")
    manifest = Manifest.load(tmp_path)
    assert manifest.reports == {} and "neu" in manifest.warning
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"berichte": []}))
    assert Manifest.load(tmp_path).warning


def test_slugify():
    assert slugify("Osterholz-Scharmbeck, Stadt") == "osterholz-scharmbeck-stadt"
    assert slugify("Großenkneten") == "grossenkneten"
    assert slugify("Bühl (Baden), Stadt") == "buehl-baden-stadt"
    assert slugify("<script>") == "script"
    assert slugify("???") == "bericht"


def test_jobs_for_the_shipped_example():
    repo = Repository.load(EXAMPLE)
    jobs = jobs_for_repository(repo, stand="2026-11-24", top_n=5, template_dir=Path("notebooks"))
    assert len(jobs) == 1 + len(repo.kommunen)
    verbund, *kommunen = jobs
    assert verbund.stem == "verbund" and verbund.kind == "verbund"
    assert "kommune" not in verbund.parameters
    assert verbund.template == Path("notebooks/report_verbund.ipynb")
    stems = [j.stem for j in kommunen]
    assert "033560007_osterholz-scharmbeck-stadt" in stems
    grasberg = next(j for j in kommunen if j.parameters["kommune"] == "033560002")
    assert grasberg.parameters == {"kommune": "033560002", "repository": str(repo.root),
                                   "stand": "2026-11-24", "top_n": 5, "bewertung": None,
                                   "verbundbericht": "verbund.html"}
    assert grasberg.template == Path("notebooks/report_kommune.ipynb")
    # any KB change re-renders every report, so does a change in a linked partner KB
    partner = Repository.load(EXAMPLE / repo.verbund.linked[0])
    assert grasberg.inputs == repo.files() + partner.files()
    some = jobs_for_repository(repo, kommunen=["033560005", "Grasberg"], include_verbund=False,
                               stand="2026-11-24", top_n=3, template_dir=Path("x"),
                               kommune_template=Path("eigene.ipynb"))
    assert [j.parameters["kommune"] for j in some] == ["033560005", "033560002"]
    assert all(j.template == Path("eigene.ipynb") for j in some)
    with pytest.raises(RepositoryError, match="Unbekannte Kommune"):
        jobs_for_repository(repo, kommunen=["999"], stand="2026-11-24", top_n=5,
                            template_dir=Path("x"))


def test_template_imports_are_found():
    from tests.reports.conftest import REPORT_NB

    names = template_imports(REPORT_NB.read_text(encoding="utf-8"))
    assert {"csv", "html", "os", "pathlib", "IPython.display", "workbench.reports.cache"} <= set(names)
