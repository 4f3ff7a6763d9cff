"""XSD validation against the official OMG BPMN 2.0 schemas shipped in SpiffWorkflow's wheel.

XSD violations are warnings: real modeling tools emit them routinely.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lxml import etree

from .errors import Finding
from .model import Definitions

_SCHEMA_PACKAGE = "SpiffWorkflow.bpmn.parser.schema"
_MAX_FINDINGS = 200


@lru_cache(maxsize=1)
def schema() -> etree.XMLSchema:
    """The compiled BPMN 2.0 schema (BPMN20.xsd with its DI/DC/Semantic imports)."""
    folder = resources.files(_SCHEMA_PACKAGE)
    with resources.as_file(folder / "BPMN20.xsd") as path:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        doc = etree.parse(str(path), parser)
        return etree.XMLSchema(doc)


def validate_xsd(defs: Definitions) -> list[Finding]:
    """XSD findings (severity warning) with line, element id and a German message."""
    xsd = schema()
    if xsd.validate(defs.tree):
        return []
    prefixes = {p: u for p, u in defs.root.nsmap.items() if p}
    findings = []
    for error in list(xsd.error_log)[:_MAX_FINDINGS]:
        findings.append(Finding(
            "xsd",
            "Verstößt gegen das BPMN-2.0-Schema: " + german_message(error.message),
            severity="warning",
            element_id=_element_id(defs, error.path, prefixes),
            line=error.line or None,
            file=defs.source,
        ))
    return findings


def _element_id(defs: Definitions, path: str | None, prefixes: dict[str, str]) -> str | None:
    """Id of the element the error is about (or of its nearest ancestor with an id)."""
    if not path:
        return None
    try:
        found = defs.tree.xpath(path, namespaces=prefixes)
    except (etree.XPathError, TypeError):
        return None
    node = found[0] if isinstance(found, list) and found else None
    while isinstance(node, etree._Element) and not node.get("id"):
        node = node.getparent()
    return node.get("id") if isinstance(node, etree._Element) else None


_GERMAN = (
    (re.compile(r"This element is not expected\. Expected is one of \( (.+) \)\."),
     r"Das Element ist an dieser Stelle nicht erlaubt (falsche Reihenfolge oder falscher Ort); "
     r"erwartet wird eines von: \1."),
    (re.compile(r"This element is not expected\. Expected is \( (.+) \)\."),
     r"Das Element ist an dieser Stelle nicht erlaubt (falsche Reihenfolge oder falscher Ort); "
     r"erwartet wird: \1."),
    (re.compile(r"This element is not expected\."),
     "Das Element ist an dieser Stelle nicht erlaubt (falsche Reihenfolge oder falscher Ort)."),
    (re.compile(r"Missing child element\(s\)\. Expected is one of \( (.+) \)\."),
     r"Es fehlen Kindelemente; erwartet wird eines von: \1."),
    (re.compile(r"Missing child element\(s\)\. Expected is \( (.+) \)\."),
     r"Es fehlen Kindelemente; erwartet wird: \1."),
    (re.compile(r"The attribute '([^']+)' is not allowed\."),
     r"Das Attribut '\1' ist hier nicht erlaubt."),
    (re.compile(r"The attribute '([^']+)' is required but missing\."),
     r"Das Pflichtattribut '\1' fehlt."),
    (re.compile(r"'([^']*)' is not a valid value of the atomic type 'xs:ID'\."),
     r"'\1' ist keine gültige ID (doppelt vergeben oder kein XML-Name)."),
    (re.compile(r"'([^']*)' is not a valid value of the atomic type '([^']+)'\."),
     r"'\1' ist kein gültiger Wert vom Typ '\2'."),
    (re.compile(r"\[facet 'enumeration'\] The value '([^']*)' is not an element of the set "
                r"\{(.+)\}\."),
     r"Der Wert '\1' ist nicht erlaubt; erlaubt sind \2."),
    (re.compile(r"^Element '([^']+)', attribute '([^']+)': "), r"Element <\1>, Attribut '\2': "),
    (re.compile(r"^Element '([^']+)': "), r"Element <\1>: "),
)


def german_message(message: str) -> str:
    """libxml2's schema message with namespace URIs as prefixes and the common parts German."""
    message = _shorten(message.strip())
    for pattern, replacement in _GERMAN:
        message = pattern.sub(replacement, message)
    return message


def _shorten(message: str) -> str:
    for uri, prefix in (
        ("{http://www.omg.org/spec/BPMN/20100524/MODEL}", "bpmn:"),
        ("{http://www.omg.org/spec/BPMN/20100524/DI}", "bpmndi:"),
        ("{http://www.omg.org/spec/DD/20100524/DC}", "dc:"),
        ("{http://www.omg.org/spec/DD/20100524/DI}", "di:"),
    ):
        message = message.replace(uri, prefix)
    return message
