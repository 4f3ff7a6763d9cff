"""Reading BPMN 2.0 from a path, bytes or text — leniently, safely, with German warnings."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from lxml import etree

from . import extensions as ext
from . import namespaces as ns
from .errors import BpmnRejected, Finding
from .model import Definitions
from .safexml import DEFAULT_LIMITS, Limits, is_utf16, parse, too_large

Source = str | bytes | os.PathLike[str]

_DI_ELEMENTS = ("{" + ns.BPMNDI + "}BPMNShape", "{" + ns.BPMNDI + "}BPMNEdge")
_XNS = {"b": ns.BPMN, "d": ns.BPMNDI, "wb": ns.WB}
#: Ids of BPMN and BPMN DI elements, as plain strings (cheap); ``id`` attributes of vendor
#: extension elements are not BPMN ids (MID Innovator repeats them inside extensionElements).
_IDS = etree.XPath("//b:*/@id | //d:*/@id", namespaces=_XNS, smart_strings=False)
_DI_REFS = etree.XPath("//d:BPMNShape/@bpmnElement | //d:BPMNEdge/@bpmnElement",
                       namespaces=_XNS, smart_strings=False)
_WB_ATTRS = etree.XPath("//@wb:*", namespaces=_XNS)
_WB_BYTES = ns.WB.encode("ascii")


def read(source: Source, *, limits: Limits = DEFAULT_LIMITS, name: str | None = None) -> Definitions:
    """Import a BPMN document from a file path, raw bytes or XML text.

    Problems that real tools produce become :attr:`Definitions.warnings`; only input that is not
    XML, not BPMN or unsafe raises :class:`~workbench.bpmn.errors.BpmnRejected`.
    """
    if isinstance(source, bytes):
        data, label = source, name
    elif isinstance(source, str) and source.lstrip().lstrip("\ufeff").lstrip().startswith("<"):
        data, label = _text_to_bytes(source), name
    else:
        path = Path(source)
        label = name or str(path)
        try:
            size = path.stat().st_size
            if size > limits.max_bytes:  # checked before reading: a huge file is never loaded
                raise too_large(size, limits, label)
            data = path.read_bytes()
        except BpmnRejected:
            raise
        except FileNotFoundError:
            raise BpmnRejected("Datei nicht gefunden.", source=label, code="not-found") from None
        except IsADirectoryError:
            raise BpmnRejected("Das ist ein Verzeichnis, keine Datei.", source=label,
                               code="not-found") from None
        except PermissionError:
            raise BpmnRejected("Keine Leseberechtigung für die Datei.", source=label,
                               code="not-found") from None
        except (OSError, ValueError) as err:  # name too long, NUL byte in the name, I/O error
            raise BpmnRejected(f"Datei kann nicht gelesen werden ({_os_reason(err)}).",
                               source=label[:200], code="not-found") from None
    root, warnings = parse(data, source=label, limits=limits)
    index, import_warnings = _index_and_check(root, label, data)
    return Definitions(root, source=label, warnings=warnings + import_warnings, index=index)


def _os_reason(err: Exception) -> str:
    if getattr(err, "errno", None) == errno.ENAMETOOLONG:
        return "Dateiname zu lang – war XML-Text gemeint, muss er mit '<' beginnen"
    if isinstance(err, ValueError):
        return "ungültiger Dateiname"
    return "Lesefehler des Betriebssystems"


def _text_to_bytes(text: str) -> bytes:
    """Encode XML text as UTF-8 and make its declaration say so."""
    stripped = text.lstrip("\ufeff")
    if stripped.startswith("<?xml"):
        end = stripped.find("?>")
        decl = stripped[: end + 2]
        decl = re.sub(r"\s+encoding\s*=\s*[\"'][^\"']*[\"']", ' encoding="UTF-8"', decl)
        stripped = decl + stripped[end + 2 :]
    return stripped.encode("utf-8")


def _index_and_check(
    root: etree._Element, source: str | None, data: bytes = b""
) -> tuple[dict[str, etree._Element] | None, list[Finding]]:
    """Collect the import warnings cheaply: C-level XPath, Python loops only where a problem is.

    Returns the id index when building it was needed anyway (duplicates), else None: the
    model then builds it on first use.
    """
    findings: list[Finding] = []
    ids = _IDS(root)
    known = set(ids)
    index: dict[str, etree._Element] | None = None
    if len(known) != len(ids):  # some id occurs twice: find where (rare)
        index = {}
        for el in root.iter("{" + ns.BPMN + "}*", "{" + ns.BPMNDI + "}*"):
            key = el.get("id")
            if not key:
                continue
            if key in index:
                findings.append(Finding(
                    "duplicate-id",
                    f"Die ID '{key}' kommt mehrfach vor (auch Zeile {index[key].sourceline}); "
                    "Verweise darauf sind mehrdeutig. Bitte eindeutige IDs vergeben.",
                    element_id=key, line=el.sourceline, file=source))
            else:
                index[key] = el
    if root.find("{" + ns.BPMNDI + "}BPMNDiagram") is None:
        findings.append(Finding(
            "missing-di",
            "Das Modell enthält keine Diagramminformationen (BPMN DI); es wird automatisch "
            "angeordnet.", severity="info", file=source))
    if any(ref and ref not in known for ref in _DI_REFS(root)):
        for el in root.iter(*_DI_ELEMENTS):
            ref = el.get("bpmnElement")
            if ref and ref not in known:
                findings.append(Finding(
                    "di-dangling",
                    f"Diagrammelement verweist auf das unbekannte Modellelement '{ref}'; es wird "
                    "beim Zeichnen ignoriert.",
                    element_id=el.get("id") or ref, line=el.sourceline, file=source))
    # wb: attributes need the namespace declared somewhere; skip the search when it is not
    if ns.WB in root.nsmap.values() or _WB_BYTES in data or is_utf16(data):
        for attr in _WB_ATTRS(root):
            owner = attr.getparent()
            name = attr.attrname.rpartition("}")[2]
            problem = ext.problem(name, str(attr))
            if problem:
                findings.append(Finding(
                    "invalid-extension-value", problem + " Der Wert wird ignoriert.",
                    element_id=owner.get("id"), line=owner.sourceline, file=source,
                    severity="error" if ext.beyond_limit(name, str(attr)) else "warning"))
            elif warning := ext.plausibility(name, str(attr)):
                findings.append(Finding(
                    "implausible-extension-value", warning,
                    element_id=owner.get("id"), line=owner.sourceline, file=source))
    return index, findings
