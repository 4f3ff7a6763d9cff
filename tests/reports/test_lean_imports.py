"""The batch's processes import nbformat without compiling jsonschema's IRI grammar."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from workbench.reports.jobs import installed_templates, template_imports

EXAMPLE = Path(__file__).resolve().parents[2] / "processes"


def _printed_by_fresh_python(code: str) -> list[str]:
    """What ``code`` prints in a fresh interpreter, split into words."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_worker_import_keeps_lark_out_and_notebooks_still_validate() -> None:
    code = (
        "import sys, workbench.reports.worker, nbformat, papermill\n"
        "from workbench.reports.jobs import installed_templates\n"
        "nb = nbformat.read(installed_templates() / 'report_kommune.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "print('lark' in sys.modules, 'rfc3987_syntax' in sys.modules and "
        "sys.modules['rfc3987_syntax'] is not None)\n")
    assert _printed_by_fresh_python(code) == ["False", "False"]


def test_template_imports_read_as_json_equal_nbformat_cells() -> None:
    import nbformat

    for path in sorted(installed_templates().glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        names = template_imports(text)
        assert "workbench.report_content" in names
        # nbformat's reading of the same cells gives the same modules
        nb = nbformat.reads(text, as_version=4)
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        assert all(any(n.split(".")[-1] in s for s in sources) for n in names)


def test_template_imports_of_a_version_3_notebook_go_through_nbformat() -> None:
    import json

    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "import workbench.charts\n", "language": "python",
         "outputs": [], "metadata": {}}]}]}
    assert template_imports(json.dumps(v3)) == ["workbench.charts"]


def test_batch_parent_reads_analysis_without_display_libraries() -> None:
    """The batch's own process (preparation, fingerprints) does not load IPython/matplotlib."""
    code = ("import sys\n"
            "from workbench.report_content.data import load_context, shared_analysis\n"
            "from workbench.report_content.fingerprint import kommune_digests\n"
            "print('IPython' in sys.modules, 'matplotlib' in sys.modules)\n")
    assert _printed_by_fresh_python(code) == ["False", "False"]


def test_batch_preparation_of_the_example_runs_without_matplotlib() -> None:
    """The whole preparation step (analysis, fingerprints incl. the strategy hours) of the
    shipped example, as ``workbench report --alle`` runs it, never imports matplotlib."""
    code = ("import sys\n"
            "from workbench.repository import Repository\n"
            "from workbench.reports.jobs import installed_templates, jobs_for_repository\n"
            "from workbench.reports.prepare import report_preparer\n"
            f"repo = Repository.load({str(EXAMPLE)!r})\n"
            "jobs = jobs_for_repository(repo, kommunen=None, include_verbund=True,\n"
            "    stand='2025-06-30', top_n=5, template_dir=installed_templates())\n"
            "prepared = report_preparer(repo.root, jobs, stand='2025-06-30', top_n=5)()\n"
            "print(len(prepared.shown), 'matplotlib' in sys.modules, 'IPython' in sys.modules)\n")
    shown, matplotlib, ipython = _printed_by_fresh_python(code)
    assert int(shown) >= 16  # 8 Kommune reports + 8 strategy reports have their own view
    assert (matplotlib, ipython) == ("False", "False")


def test_kernel_preload_imports_the_parts_a_lazy_package_names() -> None:
    code = ("import sys\n"
            "from workbench.reports.kernel_state import import_preload\n"
            "import_preload(['workbench.report_content'])\n"
            "import workbench.report_content as rc\n"
            "print(all(f'workbench.report_content.{p}' in sys.modules for p in rc.__preload__),\n"
            "      'workbench.simulation.engine' in sys.modules)\n")
    assert _printed_by_fresh_python(code) == ["True", "True"]


def test_lazy_package_gives_the_same_names() -> None:
    from workbench import report_content
    from workbench.report_content import common, kommune, load_context, show, verbund
    from workbench.report_content.data import load_context as direct

    assert load_context is direct
    assert {common.__name__, kommune.__name__, verbund.__name__} == {
        f"workbench.report_content.{n}" for n in ("common", "kommune", "verbund")}
    assert "<b>" in show("<b>x</b>").data
    try:
        report_content.nicht_vorhanden  # noqa: B018
    except AttributeError as err:
        assert "nicht_vorhanden" in str(err)
    else:
        raise AssertionError("unknown names must raise AttributeError")


def test_fork_server_builds_what_workers_used_to_build_after_the_fork() -> None:
    """Workers are forked from the fork server: the kernel spec lookup (IPython), the network
    address list (psutil) and nbformat's compiled validator are built there, once."""
    from workbench.reports.worker import PRELOAD

    assert "workbench.reports.forkserver_warmup" in PRELOAD
    code = ("import sys\n"
            "import workbench.reports.forkserver_warmup\n"
            "from jupyter_client import localinterfaces\n"
            "from nbformat import validator\n"
            "print('IPython' in sys.modules, 'ipykernel.kernelspec' in sys.modules,\n"
            "      bool(localinterfaces.LOCAL_IPS), any(k[1:3] == (4, 5) for k in validator.validators))\n")
    assert _printed_by_fresh_python(code) == ["True", "True", "True", "True"]
