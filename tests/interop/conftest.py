"""Fixtures of the bpmn-js interop tests: one headless Chromium with the real bpmn-js viewer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.interop.harness import BpmnJsViewer, Unavailable, open_viewer


@pytest.fixture(scope="module")
def bpmnjs() -> Iterator[BpmnJsViewer]:
    """The bpmn-js viewer page, shared by a test module (skipped with a German reason if unusable)."""
    try:
        with open_viewer() as viewer:
            yield viewer
    except Unavailable as exc:
        pytest.skip(str(exc))
