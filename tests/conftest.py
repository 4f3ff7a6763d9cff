"""Shared test fixtures: paths to the shipped example and the shared reference data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "processes"
MIWG = SHARED / "data" / "miwg-reference"


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge base."""
    target = tmp_path / "processes"
    shutil.copytree(EXAMPLE, target)
    return target
