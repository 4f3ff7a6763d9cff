"""The compiled output check (``reports.output_check``) decides exactly as nbformat's own."""

from __future__ import annotations

import copy
from typing import Any

import nbformat
import pytest
from nbformat.v4 import nbbase

from workbench.reports import output_check

VALID: list[dict[str, Any]] = [
    {"output_type": "stream", "name": "stdout", "text": "Hallo\n"},
    {"output_type": "stream", "name": "stderr", "text": ["a", "b"]},
    {"output_type": "display_data", "metadata": {},
     "data": {"text/html": "<p>Bericht</p>", "text/plain": "<IPython.core.display.HTML object>"}},
    {"output_type": "display_data", "metadata": {"image/png": {"width": 300}},
     "data": {"image/png": "iVBORw0KGgo=", "application/json": {"a": [1, 2]}}},
    {"output_type": "execute_result", "execution_count": 3, "metadata": {},
     "data": {"text/plain": "42"}},
    {"output_type": "execute_result", "execution_count": None, "metadata": {},
     "data": {"text/markdown": ["# Titel\n", "Text"]}},
    {"output_type": "error", "ename": "ValueError", "evalue": "kaputt",
     "traceback": ["Traceback …", "ValueError: kaputt"]},
]

WRONG_VALUES: list[Any] = [None, 5, 1.5, "x", [], ["x", 3], {}, {"k": 1}, True]


def _variants() -> list[tuple[str, dict[str, Any]]]:
    """Each valid output, and each with one key dropped, retyped or added."""
    out = []
    for node in VALID:
        ref = node["output_type"]
        out.append((ref, node))
        for key in node:
            dropped = {k: v for k, v in node.items() if k != key}
            out.append((ref, dropped))
            for value in WRONG_VALUES:
                out.append((ref, {**node, key: value}))
        out.append((ref, {**node, "unbekannt": 1}))
        out.append((ref, {**node, "output_type": "display_data" if ref != "display_data"
                          else "stream"}))
        if "data" in node:
            out.append((ref, {**node, "data": {**node["data"], "text/html": 7}}))
            out.append((ref, {**node, "data": {**node["data"], "keine mime": "x"}}))
    return out


def _verdict(check: Any, node: dict[str, Any], ref: str) -> str | None:
    try:
        check(copy.deepcopy(node), ref)
    except nbformat.ValidationError as err:
        return str(err)
    return None


@pytest.fixture()
def original() -> Any:
    """nbformat's own ``validate`` (restored after the test)."""
    saved = nbbase.validate
    base = getattr(saved, "original", saved)  # nbformat's, even if installed before
    yield base
    nbbase.validate = saved


def test_same_verdict_and_message_as_nbformat(original: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nbbase, "validate", original)
    output_check.install()
    wrapped = nbbase.validate
    assert wrapped is not original and getattr(wrapped, "_werkbench", False)
    variants = _variants()
    rejected = 0
    for ref, node in variants:
        expected = _verdict(original, node, ref)
        assert _verdict(wrapped, node, ref) == expected, (ref, node)
        rejected += expected is not None
    assert rejected > len(variants) // 2  # the mutations do reach the rejecting branch


def test_valid_outputs_skip_the_interpreted_check(original: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str | None] = []

    def counting(node: Any, ref: str | None = None) -> Any:
        calls.append(ref)
        return original(node, ref=ref)

    monkeypatch.setattr(nbbase, "validate", counting)
    output_check.install()
    output_check.install()  # once only: no wrapper around the wrapper
    for node in VALID:
        nbformat.v4.output_from_msg({"msg_type": node["output_type"], "content": {
            k: v for k, v in node.items() if k != "output_type"},
            "header": {"msg_type": node["output_type"]}})
    assert calls == []
    with pytest.raises(nbformat.ValidationError):
        nbbase.validate({"output_type": "stream", "name": "stdout"}, "stream")
    assert calls == ["stream"]  # rejected: nbformat's own check raised, with its message
