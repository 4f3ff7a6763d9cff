"""Issue 11, item 2 (and libxml2 messages of item 10): a DTD is refused in every encoding, and a
readable model is never replaced by one that cannot be read back."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import EXAMPLE
from workbench import bpmn
from workbench.cli import main

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
HOSTILE = f"""<?xml version="1.0" encoding="{{enc}}"?>
<!DOCTYPE definitions [<!ENTITY y "EXPANDIERT">]>
<definitions xmlns="{BPMN_NS}" id="d" targetNamespace="x">
  <process id="p" name="&y;"><startEvent id="s"/><task id="t" name="Schritt &y;"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>"""
CLEAN = f"""<?xml version="1.0" encoding="{{enc}}"?>
<definitions xmlns="{BPMN_NS}" id="d" targetNamespace="x">
  <process id="p" name="Grüße"><startEvent id="s"/><task id="t" name="Prüfen"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>"""

ENCODINGS = [("UTF-32", "utf-32"), ("UTF-32", "utf-32-le"), ("UTF-32", "utf-32-be"),
             ("UTF-16", "utf-16"), ("UTF-16", "utf-16-be"), ("UTF-8", "utf-8-sig"),
             ("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252"), ("UTF-7", "utf-7")]


@pytest.mark.parametrize(("declared", "codec"), ENCODINGS)
def test_dtd_refused_in_every_encoding(declared: str, codec: str) -> None:
    data = HOSTILE.format(enc=declared).encode(codec)
    with pytest.raises(bpmn.BpmnRejected) as caught:
        bpmn.read(data)
    assert caught.value.code in ("unsafe-dtd", "unsupported-encoding")


@pytest.mark.parametrize("codec", ["cp500", "cp037"])
def test_ebcdic_refused_with_german_message(codec: str) -> None:
    with pytest.raises(bpmn.BpmnRejected) as caught:
        bpmn.read(HOSTILE.format(enc=codec).encode(codec))
    assert caught.value.code == "unsupported-encoding" and "UTF-8" in caught.value.reason


@pytest.mark.parametrize(("declared", "codec"), [e for e in ENCODINGS if e[0] != "UTF-7"])
def test_clean_model_reads_in_every_supported_encoding(declared: str, codec: str) -> None:
    defs = bpmn.read(CLEAN.format(enc=declared).encode(codec))
    assert defs.root.find(f"{{{BPMN_NS}}}process").get("name") == "Grüße"
    again = bpmn.read(bpmn.to_bytes(defs))  # written as UTF-8, reads back
    assert again.root.find(f"{{{BPMN_NS}}}process").get("name") == "Grüße"


def test_utf32_dtd_import_keeps_the_good_model(tmp_path, capsys) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    target = kb / "hundeanmeldung" / "ist.bpmn"
    before = target.read_bytes()
    hostile = tmp_path / "export.bpmn"
    hostile.write_bytes(HOSTILE.format(enc="UTF-32").encode("utf-32"))
    code = main(["import", "bpmn", str(hostile), "--leistung", "hundeanmeldung", "--variant",
                 "ist", "--ueberschreiben", "--repository", str(kb)])
    assert code == 2 and target.read_bytes() == before
    assert "DTD" in capsys.readouterr().err
    out = tmp_path / "rund.bpmn"
    assert main(["bpmn", "roundtrip", str(hostile), str(out)]) == 2
    assert not out.exists()


def test_write_refuses_a_result_that_cannot_be_read(tmp_path) -> None:
    from lxml import etree

    defs = bpmn.read(CLEAN.format(enc="UTF-8").encode())
    task = defs.root.find(f".//{{{BPMN_NS}}}task")
    task.append(etree.Entity("y"))  # an entity reference without its DTD
    target = tmp_path / "ist.bpmn"
    target.write_bytes(b"alt")
    with pytest.raises(bpmn.BpmnRejected) as caught:
        bpmn.write(defs, target)
    assert caught.value.code == "unreadable-result"
    assert target.read_bytes() == b"alt"


@pytest.mark.parametrize("body", ["<process id='p'/>", ""])
def test_import_refuses_models_that_cannot_be_evaluated(tmp_path, capsys, body) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    target = kb / "hundeanmeldung" / "ist.bpmn"
    before = target.read_bytes()
    bad = tmp_path / "leer.bpmn"
    bad.write_text(f'<definitions xmlns="{BPMN_NS}" id="d" targetNamespace="x">{body}'
                   "</definitions>", encoding="utf-8")
    code = main(["import", "bpmn", str(bad), "--leistung", "hundeanmeldung", "--variant", "ist",
                 "--ueberschreiben", "--repository", str(kb)])
    assert code == 2 and target.read_bytes() == before
    assert "nicht auswertbar" in capsys.readouterr().err


def test_loop_without_exit_is_refused_on_import(tmp_path, capsys) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    bad = tmp_path / "endlos.bpmn"
    bad.write_text(f"""<definitions xmlns="{BPMN_NS}" id="d" targetNamespace="x">
      <process id="p"><startEvent id="s"/><task id="a"/><task id="b"/><endEvent id="e"/>
        <sequenceFlow id="f1" sourceRef="s" targetRef="a"/><sequenceFlow id="f2" sourceRef="a" targetRef="b"/>
        <sequenceFlow id="f3" sourceRef="b" targetRef="a"/></process></definitions>""", encoding="utf-8")
    code = main(["import", "bpmn", str(bad), "--leistung", "eigentuemerwechsel", "--variant", "ist",
                 "--repository", str(kb)])
    assert code == 2 and not (kb / "eigentuemerwechsel" / "ist.bpmn").exists()
    assert "kann nicht enden" in capsys.readouterr().err
