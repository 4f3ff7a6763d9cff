"""Writing BPMN 2.0: serialize the tree (lossless) and save atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..fileio import atomic_write_bytes
from . import namespaces as ns

if TYPE_CHECKING:
    from .model import Definitions


def to_bytes(defs: Definitions) -> bytes:
    """UTF-8 XML with declaration; the ``wb`` prefix is declared once on the root when used."""
    root = defs.root
    if root.nsmap.get("wb") != ns.WB and any(
        True for _ in root.iter() if isinstance(_.tag, str) and _.attrib and _has_wb(_)
    ):
        etree.cleanup_namespaces(root, top_nsmap={"wb": ns.WB})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _has_wb(el: etree._Element) -> bool:
    prefix = "{" + ns.WB + "}"
    return any(key.startswith(prefix) for key in el.attrib)


def write(defs: Definitions, path: str | os.PathLike[str]) -> Path:
    """Save the model atomically (temp file + rename); the old file survives a failed write."""
    return atomic_write_bytes(Path(path), to_bytes(defs))
