"""What real tools get wrong and the importer tolerates — each with its warning."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.bpmn.xsd import validate_xsd

from .helpers import assert_same, canonical, chain, doc, problems, process, raw_tree

NAME = "Prüfung größer Maßnahmen"  # umlauts and ß survive every encoding case
BODY = doc(process(chain("s", "t", "e").replace('name="T"', f'name="{NAME}"')), decl="")


def codes(defs: bpmn.Definitions) -> list[str]:
    return [w.code for w in problems(defs)]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(("declared", "codec"), [
    ("ISO-8859-1", "utf-8"),
    ("UTF-8", "cp1252"),
    ("UTF-16", "utf-8"),
    ("windows-1252", "utf-8"),
    (None, "cp1252"),
], ids=["latin1-but-utf8", "utf8-but-cp1252", "utf16-but-utf8", "cp1252-but-utf8",
        "undeclared-cp1252"])
def test_wrong_encoding_declaration_is_repaired(declared: str | None, codec: str) -> None:
    decl = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else '<?xml version="1.0"?>\n'
    data = decl.encode("ascii") + BODY.encode(codec)
    defs = bpmn.read(data)
    assert defs["t"].name == NAME
    assert codes(defs) == ["encoding-mismatch"]
    warning = problems(defs)[0]
    assert warning.line == 1 and "Zeichenkodierung" in warning.message
    out = defs.to_bytes()
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    again = bpmn.read(out)
    assert again["t"].name == NAME and codes(again) == []


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_correct_encodings_give_no_warning(codec: str) -> None:
    label = {"cp1252": "windows-1252", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}.get(codec, codec)
    text = f'<?xml version="1.0" encoding="{label}"?>\n' + BODY
    data = text.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + text).encode(codec)
    defs = bpmn.read(data)
    assert defs["t"].name == NAME and codes(defs) == []


def test_utf8_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + ('<?xml version="1.0" encoding="UTF-8"?>\r\n' + BODY).replace(
        "><", ">\r\n<").encode()
    defs = bpmn.read(data)
    assert defs["t"].name == NAME and codes(defs) == [] and defs["t"].line > 1
    assert_same(raw_tree(data), raw_tree(defs.to_bytes()))


def test_text_input_with_a_foreign_declaration_and_bom() -> None:
    text = '\ufeff<?xml version="1.0" encoding="ISO-8859-1"?>\n' + BODY
    defs = bpmn.read(text)
    assert defs["t"].name == NAME and codes(defs) == []


# --------------------------------------------------------------------------- namespaces

VARIANTS = [
    "https://www.omg.org/spec/BPMN/20100524/MODEL",
    "http://www.omg.org/spec/BPMN/20100524/MODEL/",
    "http://schema.omg.org/spec/BPMN/2.0",
    "HTTP://WWW.OMG.ORG/SPEC/BPMN/20100524/MODEL",
    "http://www.omg.org/spec/BPMN/20100501/MODEL",  # an older draft date
]


def _with_model_namespace(uri: str, prefix: str | None) -> str:
    text = BODY.replace("<bpmn:process", '<bpmn:process xmlns:q="urn:q"', 1)
    text = text.replace(
        '<bpmn:sequenceFlow id="t_e" sourceRef="t" targetRef="e"/>',
        '<bpmn:sequenceFlow id="t_e" sourceRef="t" targetRef="e"><bpmn:conditionExpression '
        'xsi:type="bpmn:tFormalExpression">ok</bpmn:conditionExpression></bpmn:sequenceFlow>')
    text = text.replace(f'xmlns:bpmn="{ns.BPMN}"', f'xmlns:bpmn="{uri}"')
    if prefix is None:  # the same document with BPMN as the default namespace
        text = text.replace(f'xmlns:bpmn="{uri}"', f'xmlns="{uri}"')
        text = text.replace("<bpmn:", "<").replace("</bpmn:", "</")
        text = text.replace('xsi:type="bpmn:tFormalExpression"', 'xsi:type="tFormalExpression"')
    return text


@pytest.mark.parametrize("prefix", ["bpmn", None], ids=["prefixed", "default-namespace"])
@pytest.mark.parametrize("uri", VARIANTS)
def test_variant_namespace_is_read_and_written_as_standard(uri: str, prefix: str | None) -> None:
    text = _with_model_namespace(uri, prefix)
    defs = bpmn.read(text)
    assert codes(defs) == ["namespace-variant"]
    assert uri in problems(defs)[0].message
    assert defs["t"].name == NAME and [f.id for f in defs["t"].outgoing] == ["t_e"]
    assert defs["t_e"].condition == "ok"
    out = defs.to_bytes()
    assert uri.encode() not in out
    written = raw_tree(out)
    assert written.tag == f"{{{ns.BPMN}}}definitions"
    assert written.prefix == prefix  # the document's own prefix is kept
    # semantically equal to the original once its variant URI is read as the standard one
    assert_same(raw_tree(text.encode()), written, uri_map={uri: ns.BPMN})
    assert codes(bpmn.read(out)) == []


def test_variant_di_namespace_declared_on_a_nested_element() -> None:
    variant = "https://www.omg.org/spec/BPMN/20100524/DI"
    text = doc(process(chain("s", "e")), decl="").replace(
        "</bpmn:definitions>",
        f'<x:BPMNDiagram xmlns:x="{variant}" id="D"><x:BPMNPlane id="PL" bpmnElement="P">'
        f'<x:BPMNShape id="s_di" bpmnElement="s"><dc:Bounds x="1" y="2" width="36" height="36"/>'
        "</x:BPMNShape></x:BPMNPlane></x:BPMNDiagram></bpmn:definitions>")
    defs = bpmn.read(text)
    assert codes(defs) == ["namespace-variant"]
    assert defs.has_di and defs.diagrams[0].shapes[0].bounds.width == 36
    assert_same(raw_tree(text.encode()), raw_tree(defs.to_bytes()), uri_map={variant: ns.BPMNDI})


def test_similar_but_foreign_namespaces_are_not_mapped() -> None:
    """bpmn.io's color extension lives under omg.org/spec/BPMN/ but is not BPMN."""
    color = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
    text = doc(process(chain("s", "t", "e").replace(
        '<bpmn:task id="t"', '<bpmn:task color:background-color="#fff" id="t"')), decl="",
        extra_ns=f'xmlns:color="{color}"')
    defs = bpmn.read(text)
    assert codes(defs) == []
    assert defs["t"].element.get(f"{{{color}}}background-color") == "#fff"


# --------------------------------------------------------------------------- structure


ORDER = doc(
    process(
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>'
        '<bpmn:endEvent id="e" name="Ende"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:task id="t" name="Prüfen"><bpmn:outgoing>f2</bpmn:outgoing>'
        '<bpmn:incoming>f1</bpmn:incoming><bpmn:documentation>zuletzt</bpmn:documentation></bpmn:task>'
        '<bpmn:startEvent id="s" name="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        '<bpmn:laneSet id="ls"><bpmn:lane id="L" name="Amt"><bpmn:flowNodeRef>t</bpmn:flowNodeRef>'
        '</bpmn:lane></bpmn:laneSet>'),
    decl="").replace("<bpmn:process", '<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="PL" '
                     'bpmnElement="P"/></bpmndi:BPMNDiagram><bpmn:process', 1)


def test_elements_out_of_xsd_order_import_and_keep_their_order() -> None:
    defs = bpmn.read(ORDER)
    assert codes(defs) == []  # order is no import problem; the XSD check reports it
    task = defs["t"]
    assert [f.id for f in task.incoming] == ["f1"] and [f.id for f in task.outgoing] == ["f2"]
    assert task.documentation == "zuletzt" and task.lane.name == "Amt"
    assert [n.id for n in defs.main_process().flow_nodes] == ["e", "t", "s"]
    assert_same(raw_tree(ORDER.encode()), raw_tree(defs.to_bytes()))
    xsd = validate_xsd(defs)
    assert xsd and all(f.code == "xsd" and f.severity == "warning" and f.line for f in xsd)
    assert any("nicht erlaubt" in f.message and f.element_id for f in xsd)


VENDOR = doc(
    process(
        '<bpmn:extensionElements><camunda:properties><camunda:property name="a" value="1"/>'
        '</camunda:properties><signavio:signavioMetaData metaKey="bgcolor" metaValue="#ffcc00"/>'
        '</bpmn:extensionElements>'
        + chain("s", "t", "e").replace(
            '<bpmn:task id="t" name="T"/>',
            '<bpmn:userTask id="t" name="T" camunda:assignee="${sachbearbeitung}" '
            'camunda:candidateGroups="amt" zeebe:x="1"><bpmn:extensionElements>'
            '<zeebe:taskDefinition type="pruefen" retries="3"/>'
            '<camunda:inputOutput><camunda:inputParameter name="frist">14</camunda:inputParameter>'
            '</camunda:inputOutput><unknown:blob xmlns:unknown="urn:ganz:anders">'
            '<![CDATA[<roh> & ungeparst]]><!-- Kommentar --><?pi daten?></unknown:blob>'
            '</bpmn:extensionElements></bpmn:userTask>')),
    '<bpmndi:BPMNShape id="t_di" bpmnElement="t" signavio:farbe="gelb">'
    '<dc:Bounds x="10.5" y="20" width="100" height="80"/><bpmndi:BPMNLabel labelStyle="ls1"/>'
    '</bpmndi:BPMNShape>',
    decl="", extra_ns='xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
    'xmlns:signavio="http://www.signavio.com"')


def test_vendor_extensions_survive_the_round_trip() -> None:
    defs = bpmn.read(VENDOR)
    assert codes(defs) == []
    out = defs.to_bytes()
    assert_same(raw_tree(VENDOR.encode()), raw_tree(out))
    written = raw_tree(out)
    blob = written.find(".//{urn:ganz:anders}blob")
    assert blob.text == "<roh> & ungeparst"
    assert written.find(".//{http://camunda.org/schema/zeebe/1.0}taskDefinition").get("retries") == "3"


def test_missing_di_is_an_info() -> None:
    defs = bpmn.read(doc(process(chain("s", "e"))))
    (finding,) = defs.warnings
    assert finding.code == "missing-di" and finding.severity == "info"
    assert not defs.has_di and defs.diagrams == []


def test_several_diagrams_are_kept() -> None:
    two = doc(process(chain("s", "e")), decl="").replace(
        "</bpmn:definitions>",
        ''.join(f'<bpmndi:BPMNDiagram id="D{i}" name="Sicht {i}"><bpmndi:BPMNPlane id="PL{i}" '
                f'bpmnElement="P"><bpmndi:BPMNShape id="s_di{i}" bpmnElement="s">'
                f'<dc:Bounds x="{i}" y="0" width="36" height="36"/></bpmndi:BPMNShape>'
                '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>' for i in (1, 2)) + "</bpmn:definitions>")
    defs = bpmn.read(two)
    assert codes(defs) == [] and len(defs.diagrams) == 2
    assert [d.shapes[0].bounds.x for d in defs.diagrams] == [1, 2]
    assert_same(raw_tree(two.encode()), raw_tree(defs.to_bytes()))


def test_dangling_di_reference_is_a_warning() -> None:
    text = doc(process(chain("s", "e")), '<bpmndi:BPMNShape id="x_di" bpmnElement="weg">'
               '<dc:Bounds x="0" y="0" width="1" height="1"/></bpmndi:BPMNShape>')
    defs = bpmn.read(text)
    (warning,) = problems(defs)
    assert warning.code == "di-dangling" and warning.element_id == "x_di" and warning.line
    assert "'weg'" in warning.message


def test_undeclared_prefix_imports_with_a_warning_and_is_kept() -> None:
    text = doc(process(chain("s", "t", "e").replace(
        '<bpmn:task id="t" name="T"/>',
        '<bpmn:task id="t" name="T" camunda:asyncBefore="true"><bpmn:extensionElements>'
        '<camunda:properties/></bpmn:extensionElements></bpmn:task>')), decl="")
    defs = bpmn.read(text)
    (warning,) = problems(defs)
    assert warning.code == "undeclared-prefix" and warning.element_id == "t"
    assert "'camunda'" in warning.message and "2-mal" in warning.message
    assert defs["t"].name == "T" and [f.id for f in defs["t"].outgoing] == ["t_e"]
    out = defs.to_bytes()
    assert b'camunda:asyncBefore="true"' in out and b"<camunda:properties/>" in out


def test_duplicate_attribute_imports_with_a_warning() -> None:
    """Bizagi writes xsi:type twice on conditionExpression."""
    text = doc(process(chain("s", "e").replace(
        '<bpmn:sequenceFlow id="s_e" sourceRef="s" targetRef="e"/>',
        '<bpmn:sequenceFlow id="s_e" sourceRef="s" targetRef="e">'
        '<bpmn:conditionExpression id="c" xsi:type="bpmn:tFormalExpression" '
        'xsi:type="bpmn:tFormalExpression">ok</bpmn:conditionExpression></bpmn:sequenceFlow>')))
    defs = bpmn.read(text)
    (warning,) = problems(defs)
    assert warning.code == "duplicate-attribute" and warning.element_id == "c"
    assert "'xsi:type'" in warning.message
    out = defs.to_bytes()
    assert out.count(b"xsi:type") == 1
    assert problems(bpmn.read(out)) == [] and validate_xsd(bpmn.read(out)) == []


def test_broken_xml_is_still_rejected_even_with_tolerable_mistakes() -> None:
    text = doc(process(chain("s", "e")), decl="").replace(
        '<bpmn:startEvent id="s" name="S"/>', '<bpmn:startEvent id="s" x:y="1" name="S">')
    with pytest.raises(bpmn.NotXml):
        bpmn.read(text)


def test_comments_and_processing_instructions_around_the_root_are_kept() -> None:
    text = ('<?xml version="1.0"?>\n<!-- exportiert von Werkzeug X -->\n<?werkzeug v="2"?>\n'
            + doc(process("<!-- innen -->" + chain("s", "e")), decl="") + "\n<!-- Ende -->")
    defs = bpmn.read(text)
    out = defs.to_bytes()
    assert b"<!-- exportiert von Werkzeug X -->" in out and b"<!-- Ende -->" in out
    assert b"<?werkzeug" in out and b"<!-- innen -->" in out
    tree = raw_tree(out).getroottree()
    assert canonical(tree.getroot()) == canonical(raw_tree(text.encode()))


def test_view_line_numbers_point_into_the_original_file() -> None:
    text = '<?xml version="1.0"?>\n\n\n' + doc(process(chain("s", "e")).replace(
        "<bpmn:endEvent", "\n\n<bpmn:endEvent"), decl="")
    defs = bpmn.read(text)
    assert defs["s"].line == 4 and defs["e"].line == 6


def test_unused_variant_declaration_is_no_problem() -> None:
    text = BODY.replace("<bpmn:definitions ", '<bpmn:definitions xmlns:alt='
                        '"https://www.omg.org/spec/BPMN/20100524/MODEL" ', 1)
    defs = bpmn.read(text)
    assert codes(defs) == []
    assert_same(raw_tree(text.encode()), raw_tree(defs.to_bytes()))
