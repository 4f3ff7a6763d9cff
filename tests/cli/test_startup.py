"""Start-up of the command line (issue 13, goal 4): `workbench --help` and the help of every
command import no heavy library, so the first answer comes fast and cannot silently regress."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "scipy", "networkx", "matplotlib", "graphviz", "lxml", "ruamel",
         "nbformat", "papermill", "dask")

_PROBE = """
import json, sys
from workbench.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = {heavy!r}
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set(heavy))), file=sys.stderr)
"""


def _imported(argv: list[str]) -> list[str]:
    code = _PROBE.format(argv=argv, heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_imports_no_heavy_library() -> None:
    assert _imported(["--help"]) == []


@pytest.mark.parametrize("argv", [["potenzial", "--help"], ["report", "--help"],
                                  ["bpmn", "lint", "--help"], ["validate", "--help"],
                                  ["import", "bpmn", "--help"], ["strategie", "--help"]])
def test_command_help_imports_no_heavy_library(argv: list[str]) -> None:
    assert _imported(argv) == []


def test_a_command_still_gets_its_libraries() -> None:
    """The lazy imports happen when the command runs: `bpmn inspect` reads a file with lxml."""
    assert "lxml" in _imported(["bpmn", "inspect", "processes/hundeanmeldung/ist.bpmn"])
