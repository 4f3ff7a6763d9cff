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
from .safexml import DEFAULT_LIMITS, Limits, parse

Source = str | bytes | os.PathLike[str]

_DI_ELEMENTS = ("{" + ns.BPMNDI + "}BPMNShape", "{" + ns.BPMNDI + "}BPMNEdge")
#: Ids of BPMN and BPMN DI elements; ``id`` attributes of vendor extension elements are not
#: BPMN ids (tools such as MID Innovator repeat them freely inside extensionElements).
_IDS = etree.XPath(
    "//*[namespace-uri()=$bpmn or namespace-uri()=$bpmndi]/@id",
    namespaces=None,
)
_WB_ATTRS = etree.XPath("//@*[namespace-uri()=$uri]")


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
            if size > limits.max_bytes:
                raise BpmnRejected(
                    f"Die Datei ist {size / 2**20:.1f} MB groß; erlaubt sind höchstens "
                    f"{limits.max_bytes / 2**20:.0f} MB.", source=label, code="too-large")
            data = path.read_bytes()
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
    index, import_warnings = _index_and_check(root, label)
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
    root: etree._Element, source: str | None
) -> tuple[dict[str, etree._Element], list[Finding]]:
    """Build the id index and collect import warnings in one cheap pass."""
    findings: list[Finding] = []
    index: dict[str, etree._Element] = {}
    for key in _IDS(root, bpmn=ns.BPMN, bpmndi=ns.BPMNDI):
        el = key.getparent()
        if key:
            key = str(key)
            if key in index:
                findings.append(Finding(
                    "duplicate-id",
                    f"Die ID '{key}' kommt mehrfach vor (auch Zeile {index[key].sourceline}); "
                    "Verweise darauf sind mehrdeutig. Bitte eindeutige IDs vergeben.",
                    element_id=key, line=el.sourceline, file=source))
            else:
                index[key] = el
    diagrams = root.findall("{" + ns.BPMNDI + "}BPMNDiagram")
    if not diagrams:
        findings.append(Finding(
            "missing-di",
            "Das Modell enthält keine Diagramminformationen (BPMN DI); es wird automatisch "
            "angeordnet.", severity="info", file=source))
    for el in root.iter(*_DI_ELEMENTS):
        ref = el.get("bpmnElement")
        if ref and ref not in index:
            findings.append(Finding(
                "di-dangling",
                f"Diagrammelement verweist auf das unbekannte Modellelement '{ref}'; es wird "
                "beim Zeichnen ignoriert.",
                element_id=el.get("id") or ref, line=el.sourceline, file=source))
    for attr in _WB_ATTRS(root, uri=ns.WB):
        owner = attr.getparent()
        problem = ext.problem(attr.attrname.rpartition("}")[2], str(attr))
        if problem:
            findings.append(Finding(
                "invalid-extension-value", problem + " Der Wert wird ignoriert.",
                element_id=owner.get("id"), line=owner.sourceline, file=source))
    return index, findings
