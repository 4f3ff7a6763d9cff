"""Writing BPMN 2.0: serialize the tree (lossless) and save atomically."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from ..fileio import atomic_write_bytes
from . import namespaces as ns
from .errors import BpmnRejected

if TYPE_CHECKING:
    from .model import Definitions


def to_bytes(defs: Definitions) -> bytes:
    """UTF-8 XML with declaration; the ``wb`` prefix is declared once on the root when used.

    Comments and processing instructions around the root element are kept; a DOCTYPE is not
    written (the reader ignores a harmless one and rejects any other).
    """
    root = defs.root
    default = root.nsmap.get(None)
    if root.nsmap.get("wb") != ns.WB and (
        # cleanup_namespaces would drop a default namespace no element uses, which unprefixed
        # QName values may still need: then the per-element xmlns:wb declarations stay.
        default is None or next(root.iter(f"{{{default}}}*"), None) is not None
    ) and any(True for _ in root.iter() if isinstance(_.tag, str) and _.attrib and _has_wb(_)):
        # Declarations that no element or attribute name uses may still be needed by QName
        # values (structureRef="xsd:string", xsi:type="bpmn:tFormalExpression"): keep them all.
        keep = {
            prefix
            for el in root.iter()
            if isinstance(el.tag, str)
            for prefix, uri in el.nsmap.items()
            if prefix and uri != ns.WB
        }
        etree.cleanup_namespaces(root, top_nsmap={"wb": ns.WB}, keep_ns_prefixes=sorted(keep))
    before = [etree.tostring(n) for n in reversed(list(root.itersiblings(preceding=True)))]
    after = [etree.tostring(n) for n in root.itersiblings()]
    body = etree.tostring(root, encoding="UTF-8")
    if not before and not after:
        return b"<?xml version='1.0' encoding='UTF-8'?>\n" + body
    return b"\n".join([b"<?xml version='1.0' encoding='UTF-8'?>", *before, body, *after])


def _has_wb(el: etree._Element) -> bool:
    prefix = "{" + ns.WB + "}"
    return any(key.startswith(prefix) for key in el.attrib)


def write(defs: Definitions, path: str | os.PathLike[str]) -> Path:
    """Save the model atomically (temp file + rename); the old file survives a failed write.

    The bytes are read back with the safe reader before they replace anything: a model that
    could not be opened again (e.g. an entity reference without its DTD) is never written, so a
    readable file is never replaced by an unreadable one. Raises :class:`BpmnRejected` then.
    """
    data = to_bytes(defs)
    check_readable(data, str(path))
    return atomic_write_bytes(Path(path), data)


def check_readable(data: bytes, name: str) -> None:
    """Raise :class:`BpmnRejected` (German) when ``data`` would not be read back."""
    from .read import read

    try:
        read(data, name=name)
    except BpmnRejected as err:
        raise BpmnRejected(
            f"Das Modell ließe sich nach dem Speichern nicht wieder öffnen ({err.reason}); es "
            "wurde nicht geschrieben, eine vorhandene Datei bleibt unverändert.",
            source=name, code="unreadable-result") from None
