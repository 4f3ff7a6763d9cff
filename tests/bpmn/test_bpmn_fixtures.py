"""Real tools' exports and broken files from tests/fixtures/bpmn/manifest.json.

Every ``import`` file imports and round-trips semantically equal; every ``reject`` file is
rejected with a German one-line reason. Where a defect named in the manifest maps onto one of
our finding codes, that finding must appear (on import, in lint or in the XSD check); import
warnings must all be explained by the file's defects.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time

import pytest
from lxml import etree

from workbench import bpmn
from workbench.bpmn import NotBpmn, NotXml, UnsafeXml
from workbench.bpmn.inspect import element_counts
from workbench.bpmn.lint import lint
from workbench.bpmn.safexml import standard_namespace
from workbench.bpmn.xsd import validate_xsd

from .helpers import FIXTURES, assert_same, raw_tree

MANIFEST = FIXTURES / "manifest.json"
ENTRIES: list[dict] = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else []
if not ENTRIES:
    pytest.skip("tests/fixtures/bpmn/manifest.json fehlt noch", allow_module_level=True)

IMPORTS = [e for e in ENTRIES if e["expect"] == "import"]
REJECTS = [e for e in ENTRIES if e["expect"] == "reject"]

#: Manifest defect → our finding codes (any of them must be reported).
DEFECT_CODES: dict[str, set[str]] = {
    "missing-di": {"missing-di"},
    "encoding-mismatch": {"encoding-mismatch"},
    "namespace-variant": {"namespace-variant"},
    "doctype": {"doctype"},
    "duplicate-id": {"duplicate-id"},
    "dangling-reference": {"dangling-reference", "di-dangling"},
    "no-start-event": {"start-event-required"},
    "split-and-join": {"split-and-join"},
    "implicit-split": {"implicit-split"},
    "invalid-extension-value": {"invalid-extension-value"},
    "xsd-order": {"xsd"},
}
#: Defects that are no problem for us: they must not produce an import warning.
HARMLESS = {"vendor-extension", "bom", "crlf", "multiple-diagrams", "nested-lanes"}
#: Defects shown by the model itself rather than by a finding.
STRUCTURE = {
    "multiple-diagrams": lambda d: len(d.diagrams) >= 2,
    "nested-lanes": lambda d: next(d.root.iter(f"{{{bpmn.namespaces.BPMN}}}childLaneSet"),
                                   None) is not None,
}
#: Deliberate differences from the manifest's wording, with the reason.
NOT_REPORTED = {
    # ids of bpanda:property elements inside extensionElements are not BPMN ids
    ("vendor/mid-innovator__a1-roundtrip.bpmn", "duplicate-id"),
}
#: Import warnings the manifest describes only in its note.
EXTRA_WARNINGS = {
    "vendor/bizagi__c1-roundtrip-dup-attr.bpmn": {"duplicate-attribute"},
}
REJECT_KIND: dict[str, type[bpmn.BpmnRejected]] = {
    "not-xml": NotXml, "truncated": NotXml, "not-bpmn": NotBpmn, "xxe": UnsafeXml,
    "entity-bomb": UnsafeXml,
}
GERMAN = re.compile(r"\b(Datei|Kein|Keine|nicht|leer)\b")


def _id(entry: dict) -> str:
    return entry["file"]


def test_manifest_is_consistent() -> None:
    for entry in ENTRIES:
        assert entry["expect"] in ("import", "reject"), entry
        assert (FIXTURES / entry["file"]).exists(), entry["file"]
        unknown = set(entry["defects"]) - set(DEFECT_CODES) - HARMLESS - set(REJECT_KIND)
        assert not unknown, f"{entry['file']}: Defekt ohne Zuordnung {unknown}"


@pytest.mark.parametrize("entry", IMPORTS, ids=_id)
def test_import_file_imports_and_round_trips(entry: dict) -> None:
    path = FIXTURES / entry["file"]
    data = path.read_bytes()
    defs = bpmn.read(path)
    codes = {w.code for w in defs.warnings}
    for warning in defs.warnings:
        assert warning.message and warning.file == str(path)
    # every import warning is explained by the manifest
    explained = set().union(*(DEFECT_CODES.get(d, set()) for d in entry["defects"]))
    explained |= EXTRA_WARNINGS.get(entry["file"], set())
    assert codes <= explained, f"unerklärte Warnungen {codes - explained}"
    # round trip: the written file says the same as the tree we read …
    out = defs.to_bytes()
    assert_same(defs.root, raw_tree(out))
    again = bpmn.read(out)
    assert element_counts(again) == element_counts(defs)
    assert {w.code for w in again.warnings} <= codes - {"encoding-mismatch", "namespace-variant",
                                                       "doctype", "duplicate-attribute"}
    # … and as the original, where bare lxml can read that at all
    if "encoding-mismatch" not in codes:
        try:
            original = raw_tree(data)
        except etree.XMLSyntaxError:
            original = None
        if original is not None:
            uri_map = {uri: standard_namespace(uri) for el in original.iter()
                       for uri in el.nsmap.values() if standard_namespace(uri)}
            assert_same(original, raw_tree(out), uri_map=uri_map)


@pytest.mark.parametrize("entry", [e for e in IMPORTS if set(e["defects"]) - HARMLESS
                                   or set(e["defects"]) & set(STRUCTURE)], ids=_id)
def test_defects_are_reported(entry: dict) -> None:
    defs = bpmn.read(FIXTURES / entry["file"])
    found = {w.code for w in defs.warnings} | {f.code for f in lint(defs)} | {
        f.code for f in validate_xsd(defs)}
    for defect in entry["defects"]:
        if (entry["file"], defect) in NOT_REPORTED:
            assert not DEFECT_CODES[defect] & {w.code for w in defs.warnings}, defect
        elif defect in DEFECT_CODES:
            assert DEFECT_CODES[defect] & found, f"{defect}: erwartet {DEFECT_CODES[defect]}"
        elif defect in STRUCTURE:
            assert STRUCTURE[defect](defs), defect


def _reject_input(entry: dict) -> bytes:
    path = FIXTURES / entry["file"]
    if path.suffix != ".py":
        return path.read_bytes()
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.quadratic_blowup(2)
    assert len(data) > 1_000_000
    return data


@pytest.mark.parametrize("entry", REJECTS, ids=_id)
def test_reject_file_is_rejected_with_a_german_reason(entry: dict) -> None:
    data = _reject_input(entry)
    start = time.perf_counter()
    with pytest.raises(bpmn.BpmnRejected) as info:
        bpmn.read(data, name=entry["file"])
    assert time.perf_counter() - start < 1.0
    err = info.value
    assert "\n" not in err.reason and GERMAN.search(err.reason), err.reason
    kinds = {REJECT_KIND[d] for d in entry["defects"] if d in REJECT_KIND}
    assert kinds and any(isinstance(err, kind) for kind in kinds), (type(err), kinds)
    if {"xxe", "entity-bomb"} & set(entry["defects"]):
        assert err.code == "unsafe-dtd"
