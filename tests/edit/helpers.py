"""Helpers of the edit tests."""

from __future__ import annotations

import difflib
import re

from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.edit.splice import SourceMap

WB_DECLARATION = f' xmlns:wb="{ns.WB}"'


def line_changes(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """Lines removed from and added to ``before`` (a plain line diff)."""
    removed, added = [], []
    for line in difflib.ndiff(before.decode().splitlines(), after.decode().splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def start_tag_span(data: bytes, element_id: str | None) -> tuple[int, int]:
    """Byte span of the start tag of the BPMN element ``element_id`` (None: the root)."""
    defs = bpmn.read(data)
    source = SourceMap.build(data, defs.root)
    assert source is not None
    node = source.root if element_id is None else source.nodes[defs.element_by_id(element_id)]
    a, b = node.start
    return (len(source.bom) + len(source.text[:a].encode(source.codec)),
            len(source.bom) + len(source.text[:b].encode(source.codec)))


def assert_only_start_tag_changed(before: bytes, after: bytes, element_id: str,
                                  expected: str) -> None:
    """``after`` is ``before`` with the start tag of ``element_id`` changed by ``expected``
    (one attribute with value), plus possibly the ``wb`` declaration on the root."""
    start, stop = start_tag_span(before, element_id)
    if after[:start] != before[:start]:  # the wb declaration on the root element
        root_start, root_stop = start_tag_span(before, None)
        assert after[:root_start] == before[:root_start]
        shift = len(WB_DECLARATION)
        new_root = after[root_start:root_stop + shift].decode("latin-1")
        assert new_root.replace(WB_DECLARATION, "") == before[root_start:root_stop].decode(
            "latin-1")
        after = after[:root_start] + before[root_start:root_stop] + after[root_stop + shift:]
    assert after[:start] == before[:start], "bytes before the element changed"
    tail = len(before) - stop
    assert after[len(after) - tail:] == before[stop:], "bytes after the element changed"
    old_tag = before[start:stop].decode("utf-8", "replace")
    new_tag = after[start:len(after) - tail].decode("utf-8", "replace")
    assert expected in new_tag, (old_tag, new_tag)
    name = expected.partition("=")[0].strip()
    pattern = rf' {re.escape(name)}=["\'][^"\']*["\']'
    stripped = re.sub(pattern, "", new_tag.replace(WB_DECLARATION, ""))
    assert stripped == re.sub(pattern, "", old_tag), (old_tag, new_tag)
