"""XSD validation against the official OMG BPMN 2.0 schemas shipped in SpiffWorkflow's wheel.

XSD violations are warnings: real modeling tools emit them routinely.
"""

from __future__ import annotations

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
    """XSD findings (severity warning) with line numbers; empty when the model is valid."""
    xsd = schema()
    if xsd.validate(defs.tree):
        return []
    findings = []
    for error in list(xsd.error_log)[:_MAX_FINDINGS]:
        findings.append(Finding(
            "xsd",
            "Verstößt gegen das BPMN-2.0-Schema: " + _shorten(error.message),
            severity="warning",
            line=error.line or None,
            file=defs.source,
        ))
    return findings


def _shorten(message: str) -> str:
    for uri, prefix in (
        ("{http://www.omg.org/spec/BPMN/20100524/MODEL}", "bpmn:"),
        ("{http://www.omg.org/spec/BPMN/20100524/DI}", "bpmndi:"),
        ("{http://www.omg.org/spec/DD/20100524/DC}", "dc:"),
        ("{http://www.omg.org/spec/DD/20100524/DI}", "di:"),
    ):
        message = message.replace(uri, prefix)
    return message
