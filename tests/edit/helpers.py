"""Helpers of the edit tests."""

from __future__ import annotations

import difflib


def line_changes(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """Lines removed from and added to ``before`` (a plain line diff)."""
    removed, added = [], []
    for line in difflib.ndiff(before.decode().splitlines(), after.decode().splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added
