"""Fixtures of the portal tests: the shipped example built once per module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from workbench.portal import build_portal
from workbench.repository import Repository


def build(kb: Path, out: Path, **options: object):
    """Load the knowledge base fresh (as the CLI does) and build the portal."""
    return build_portal(Repository.load(kb), out, **options)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """(site folder, summary) of the shipped example, released processes only."""
    base = tmp_path_factory.mktemp("portal")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    out = base / "site"
    return out, build(kb, out)


def files(site: Path) -> dict[str, bytes]:
    """Every file of a site (without the build cache) by relative path."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and ".portal-cache" not in p.parts}
