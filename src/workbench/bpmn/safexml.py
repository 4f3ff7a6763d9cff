"""Safe, lenient XML parsing for BPMN files.

Rejects what is unsafe (DTDs with entities or external references, oversized or too deeply
nested input) before the parser sees it, and repairs what real tools get wrong (a wrong encoding
declaration, a variant namespace URI) with a warning instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from . import namespaces as ns
from .errors import BpmnRejected, Finding, NotBpmn, NotXml, UnsafeXml
from .xmlmessages import german


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds for untrusted input. Adjust for unusually large models."""

    max_bytes: int = 64 * 1024 * 1024
    max_depth: int = 200


DEFAULT_LIMITS = Limits()

_SINGLE_BYTE = {
    "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252",
    "us-ascii", "ascii", "iso-8859-15", "iso8859-15", "latin-9",
}
_UTF8 = {"utf-8", "utf8"}
_UTF16 = {"utf-16", "utf16", "utf-16le", "utf-16be", "ucs-2"}
_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_NAME_CHAR = re.compile(r"[A-Za-z_:\u00c0-\uffff]")


_PROLOG_WINDOW = 65536


_UTF32 = ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"),
          (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"))
_EBCDIC_DECL = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC: libxml2 would switch to it
#: Markup characters that must keep their ASCII bytes for the prolog check to see them.
_MARKUP = "<?!>[]\"'=&%; \t\r\nDOCTYPEdoctypeENTITYSYSTEMPUBLIC"


def _transcode(data: bytes, source: str | None,
               findings: list[Finding]) -> bytes:
    """Input in an encoding whose markup bytes are not ASCII, as UTF-8 — or a refusal.

    The DTD check reads the prolog as ASCII; an encoding that writes ``<!DOCTYPE`` differently
    (UTF-32, UTF-7, EBCDIC …) would hide a DTD from it. UTF-32 is decoded here and continues as
    UTF-8 (with a warning); other such encodings are refused. UTF-16 is handled by the parser path.
    """
    for bom, codec in _UTF32:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise NotXml("Die Datei sieht nach UTF-32 aus, ist aber nicht gültig kodiert.",
                             source=source, code="not-xml") from None
            findings.append(Finding(
                "encoding-mismatch", "Die Datei ist UTF-32-kodiert; sie wurde gelesen und wird "
                "beim Speichern als UTF-8 geschrieben.", line=1, file=source))
            return _as_utf8(text)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<"):
        return data
    declared = _declared_encoding(data)
    if data[:4] == _EBCDIC_DECL or (declared and not _ascii_markup(declared)):
        name = f"'{declared}'" if declared else "eine unbekannte Zeichenkodierung"
        raise NotXml(f"Die Datei verwendet {name}; unterstützt werden UTF-8, UTF-16, UTF-32 und "
                     "die Latin-/Windows-Kodierungen. Bitte als UTF-8 exportieren.",
                     source=source, code="unsupported-encoding")
    return data


def _ascii_markup(encoding: str) -> bool:
    """True when the encoding writes markup characters as their ASCII bytes."""
    if encoding in _UTF16:
        return True
    try:
        return _MARKUP.encode(encoding) == _MARKUP.encode("ascii")
    except (LookupError, UnicodeError, ValueError):
        return False


def _as_utf8(text: str) -> bytes:
    """XML text as UTF-8 bytes whose declaration says so."""
    text = text.lstrip("\ufeff")
    if text.startswith("<?xml"):
        end = text.find("?>")
        decl = re.sub(r"""\s+encoding\s*=\s*["'][^"']*["']""", ' encoding="UTF-8"', text[: end + 2])
        text = decl + text[end + 2 :]
    return text.encode("utf-8")


def _prolog_text(data: bytes, size: int | None = _PROLOG_WINDOW) -> str:
    """The first bytes decoded well enough to see the markup of the prolog."""
    head = data if size is None else data[:size]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("latin-1")


_DTD_ENTITIES = ("Die Datei enthält eine DTD mit Entity-Deklarationen; das ist aus "
                 "Sicherheitsgründen nicht erlaubt (XXE/Entity-Expansion). Bitte ohne DOCTYPE "
                 "aus dem Modellierungswerkzeug exportieren.")
_DTD_EXTERNAL = ("Die Datei verweist auf eine externe DTD; externe Ressourcen werden aus "
                 "Sicherheitsgründen nicht geladen. Bitte ohne DOCTYPE exportieren.")


def _check_prolog(data: bytes, source: str | None, findings: list[Finding]) -> None:
    """Reject DTDs that declare entities or load external files; warn about a harmless one."""
    found: list[Finding] = []
    if not _scan_prolog(_prolog_text(data), source, found) and len(data) > _PROLOG_WINDOW:
        # The prolog (comments, processing instructions) is longer than the first window: a
        # DOCTYPE may hide behind it, so look at the whole input before the parser does.
        found = []
        _scan_prolog(_prolog_text(data, None), source, found)
    findings.extend(found)


def _scan_prolog(text: str, source: str | None, findings: list[Finding]) -> bool:
    """Check the prolog; True when the root element was reached inside ``text``."""
    text = text.lstrip("\ufeff\ufffe\xef\xbb\xbf")
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
            pos = n if end < 0 else end + 2
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
            pos = n if end < 0 else end + 3
        elif text.startswith("<!DOCTYPE", pos) or text.startswith("<!doctype", pos):
            end = text.find(">", pos)
            decl = text[pos : (n if end < 0 else end + 1)]
            if "[" in decl:
                raise UnsafeXml(_DTD_ENTITIES, source=source, code="unsafe-dtd")
            if re.search(r"\b(SYSTEM|PUBLIC)\b", decl):
                raise UnsafeXml(_DTD_EXTERNAL, source=source, code="unsafe-dtd")
            findings.append(Finding(
                "doctype", "Eine DOCTYPE-Angabe ohne Inhalt wurde ignoriert.",
                line=text.count("\n", 0, pos) + 1, file=source,
            ))
            pos = n if end < 0 else end + 1
        else:
            return True
    return False


def _declared_encoding(data: bytes) -> str | None:
    match = _DECL.match(data[:512])
    return match.group(1).decode("ascii").lower() if match else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def source_encoding(data: bytes) -> str | None:
    """The Python codec this module's parser reads ``data`` with (the text after a byte-order
    mark); None for input it transcodes first (UTF-32)."""
    if data[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00"):
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if data.startswith(b"\xff\xfe") or data[:2] == b"<\x00":
        return "utf-16-le"
    if data.startswith(b"\xfe\xff") or data[:2] == b"\x00<":
        return "utf-16-be"
    declared = _declared_encoding(data)
    codec = _encoding_override(data, declared)[0] or declared or "utf-8"
    try:
        data.decode(codec)
    except (LookupError, UnicodeDecodeError):  # the parser's second try, see _parse_safely
        return "utf-8" if _is_utf8(data) else "windows-1252"
    return codec


def _encoding_override(data: bytes, declared: str | None) -> tuple[str | None, str | None]:
    """Which encoding to force, and why, when the declaration cannot be right."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None, None
    if declared in _SINGLE_BYTE and not data.isascii() and _is_utf8(data):
        return "utf-8", f"deklariert ist '{declared}', der Inhalt ist aber UTF-8"
    if declared in _UTF16 and data[:5] == b"<?xml":
        enc = "utf-8" if _is_utf8(data) else "windows-1252"
        return enc, f"deklariert ist '{declared}', der Inhalt ist aber {enc.upper()}"
    return None, None


def _parser(encoding: str | None = None, *, recover: bool = False) -> etree.XMLParser:
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        recover=recover,
    )


def _syntax_reason(err: etree.XMLSyntaxError) -> str:
    line = getattr(err, "lineno", None) or (err.position[0] if err.position else None)
    msg = str(err.msg if hasattr(err, "msg") else err).split(", line")[0]
    where = f" (Zeile {line})" if line else ""
    return f"Kein wohlgeformtes XML{where}: {german(msg)}"


def _looks_like_encoding_error(err: etree.XMLSyntaxError) -> bool:
    text = str(err).lower()
    return any(word in text for word in ("encoding", "utf-8", "utf-16", "char 0x", "bytes:"))


#: libxml2 stops at this depth by itself (without ``huge_tree``), whatever ``max_depth`` says.
PARSER_MAX_DEPTH = 256


def _syntax_error(
    err: etree.XMLSyntaxError, source: str | None, limits: Limits = DEFAULT_LIMITS
) -> BpmnRejected:
    """The rejection for a parser error: too deep (unsafe) or not well-formed."""
    if "excessive depth" in str(err).lower():
        return _too_deep(min(limits.max_depth, PARSER_MAX_DEPTH), source)
    return NotXml(_syntax_reason(err), source=source, code="not-xml")


def _too_deep(depth: int, source: str | None) -> UnsafeXml:
    return UnsafeXml(
        f"Die Datei ist tiefer als {depth} Ebenen verschachtelt; das ist für BPMN "
        "unüblich und wird aus Sicherheitsgründen abgelehnt (Grenze 'max_depth').",
        source=source, code="too-deep",
    )


_UNDECLARED = re.compile(r"Namespace prefix (\S+)")
_REDEFINED = re.compile(r"(?:Namespaced )?[Aa]ttribute (\S+)(?: in \S+)? redefined")


def _tolerable(error: etree._LogEntry) -> bool:
    """Errors real tools produce in otherwise well-formed XML: namespace mistakes and an
    attribute given twice (Bizagi writes ``xsi:type`` twice)."""
    return (
        error.domain == etree.ErrorDomains.NAMESPACE
        or error.type == etree.ErrorTypes.ERR_ATTRIBUTE_REDEFINED
    )


def _fromstring(
    data: bytes, encoding: str | None, source: str | None
) -> tuple[etree._Element, list[Finding]]:
    """Parse strictly; tolerate only namespace mistakes and duplicate attributes.

    Input with such mistakes (and no others) is parsed again in libxml2's recover mode: an
    element or attribute with an undeclared prefix keeps its prefixed name without a namespace
    (it is written back unchanged), of a duplicated attribute the first value counts. Each
    problem becomes a warning; any other error rejects the input.
    """
    parser = _parser(encoding)
    try:
        return etree.fromstring(data, parser), []
    except etree.XMLSyntaxError as err:
        first = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
        if not first or not all(_tolerable(e) for e in first):
            raise
        lenient = _parser(encoding, recover=True)
        root = etree.fromstring(data, lenient)
        errors = [e for e in lenient.error_log if e.level >= etree.ErrorLevels.ERROR]
        if root is None or not errors or not all(_tolerable(e) for e in errors):
            raise err from None
    findings: list[Finding] = []
    prefixes: dict[str, list[int]] = {}
    for e in errors:
        undeclared = _UNDECLARED.match(e.message)
        redefined = _REDEFINED.match(e.message)
        if e.type == etree.ErrorTypes.NS_ERR_UNDEFINED_NAMESPACE and undeclared:
            prefixes.setdefault(undeclared.group(1), []).append(e.line)
        elif redefined:
            owner = _dedupe_attributes(root, e.line, redefined.group(1))
            findings.append(Finding(
                "duplicate-attribute",
                f"Das Attribut '{redefined.group(1)}' ist mehrfach angegeben (kein gültiges XML); "
                "der erste Wert wird verwendet.",
                element_id=owner, line=e.line or None, file=source,
            ))
        else:
            findings.append(Finding(
                "namespace-error", f"Namensraumfehler, übernommen wie geschrieben: {german(e.message)}",
                line=e.line or None, file=source,
            ))
    for prefix, where in prefixes.items():
        owner = _first_with_prefix(root, prefix)
        findings.append(Finding(
            "undeclared-prefix",
            f"Das Namensraum-Präfix '{prefix}' wird benutzt, aber nicht deklariert "
            f"(xmlns:{prefix} fehlt, {len(where)}-mal). Diese Elemente und Attribute werden "
            "unverändert übernommen, aber nicht ausgewertet.",
            element_id=owner, line=where[0] or None, file=source,
        ))
    return root, findings


def _dedupe_attributes(root: etree._Element, line: int, name: str) -> str | None:
    """Drop repeated attributes (recover mode keeps both) on elements of that line.

    Returns the id of the (first) element concerned."""
    owner = None
    for el in root.iter():
        if not isinstance(el.tag, str) or el.sourceline != line:
            continue
        keys = list(el.attrib.keys())
        repeated = {k for k in keys if keys.count(k) > 1}
        for key in repeated:
            value = el.get(key)
            while key in el.attrib:
                del el.attrib[key]
            el.set(key, value)
        if repeated and owner is None:
            owner = el.get("id") or ""
    return owner or None


def _first_with_prefix(root: etree._Element, prefix: str) -> str | None:
    """Id of the first element (or its nearest ancestor with an id) using an undeclared prefix."""
    mark = prefix + ":"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag.startswith(mark) or any(key.startswith(mark) for key in el.attrib):
            node: etree._Element | None = el
            while node is not None and not node.get("id"):
                node = node.getparent()
            return node.get("id") if node is not None else None
    return None


def _is_blank(data: bytes) -> bool:
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    return not data[:4096].strip(blank) and not data.strip(blank)


def _size(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.1f} KB".replace(".", ",")
    return f"{n} Bytes"


def too_large(size: int, limits: Limits, source: str | None) -> UnsafeXml:
    """The rejection of input larger than ``limits.max_bytes``."""
    return UnsafeXml(
        f"Die Datei ist {_size(size)} groß; erlaubt sind höchstens {_size(limits.max_bytes)} "
        "(Grenze 'max_bytes' anpassen, wenn das Absicht ist).",
        source=source, code="too-large",
    )


def parse(
    data: bytes, *, source: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[etree._Element, list[Finding]]:
    """Parse untrusted BPMN bytes safely and leniently; returns the root and warnings.

    Raises :class:`UnsafeXml`, :class:`NotXml` or :class:`NotBpmn` with a one-line German reason.
    """
    root, findings, override = _parse_safely(data, source, limits)
    return _normalize_namespaces(root, data, override, source, findings), findings


def parse_xml(
    data: bytes, *, source: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[etree._Element, list[Finding]]:
    """Parse untrusted XML of any vocabulary with the same safety rules as BPMN.

    DTDs with entities or external references, oversized and too deeply nested input are
    refused (:class:`UnsafeXml`), input that is not well-formed raises :class:`NotXml`. The
    caller checks the root element and namespace.
    """
    root, findings, _ = _parse_safely(data, source, limits)
    return root, findings


def _parse_safely(
    data: bytes, source: str | None, limits: Limits
) -> tuple[etree._Element, list[Finding], str | None]:
    """The vocabulary-independent part of :func:`parse`: root, findings, forced encoding."""
    findings: list[Finding] = []
    if len(data) > limits.max_bytes:
        raise too_large(len(data), limits, source)
    if _is_blank(data):
        raise NotXml("Die Datei ist leer.", source=source, code="empty")
    data = _transcode(data, source, findings)
    _check_prolog(data, source, findings)
    declared = _declared_encoding(data)
    override, why = _encoding_override(data, declared)
    try:
        root, prefix_findings = _fromstring(data, override, source)
    except etree.XMLSyntaxError as err:
        if override or not _looks_like_encoding_error(err):
            raise _syntax_error(err, source, limits) from None
        override = "utf-8" if _is_utf8(data) else "windows-1252"
        why = f"deklariert ist '{declared or 'UTF-8'}', der Inhalt ist aber {override.upper()}"
        try:
            root, prefix_findings = _fromstring(data, override, source)
        except etree.XMLSyntaxError:
            raise _syntax_error(err, source, limits) from None
    except ValueError as err:  # e.g. unicode strings with encoding declaration
        raise NotXml(f"Kein lesbares XML: {err}", source=source, code="not-xml") from None
    if why:
        findings.append(Finding(
            "encoding-mismatch",
            f"Falsche Zeichenkodierung: {why}. Die Datei wurde als {override.upper()} gelesen; "
            "beim Speichern wird UTF-8 geschrieben.",
            line=1, file=source,
        ))
    findings.extend(prefix_findings)
    _check_parsed_doctype(root, source)
    _check_depth(root, limits, source)
    return root, findings, override


def _check_parsed_doctype(root: etree._Element, source: str | None) -> None:
    """After decoding: refuse any DTD content the parser saw, whatever the encoding was.

    The prolog check above runs on bytes; this second check looks at what libxml2 actually parsed,
    so no encoding trick can bring entity declarations or an external DTD through."""
    info = root.getroottree().docinfo
    dtd = info.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or list(dtd.iterelements())):
        raise UnsafeXml(_DTD_ENTITIES, source=source, code="unsafe-dtd")
    if info.system_url or info.public_id or info.externalDTD is not None:
        raise UnsafeXml(_DTD_EXTERNAL, source=source, code="unsafe-dtd")
    if any(isinstance(el, etree._Entity) for el in root.iter(etree.Entity)):
        raise UnsafeXml(_DTD_ENTITIES, source=source, code="unsafe-dtd")


def _check_depth(root: etree._Element, limits: Limits, source: str | None) -> None:
    path = "/*" * (limits.max_depth + 1)
    if root.getroottree().xpath(f"boolean({path})"):
        raise _too_deep(limits.max_depth, source)


_STANDARD = {ns.BPMN, ns.BPMNDI, ns.DC, ns.DI}
_OMG_URI = re.compile(
    r"https?://(?:www\.|schema\.)?omg\.org/spec/(bpmn|dd)/(?:\d{8}|2\.0)/(model|di|dc)/?",
    re.IGNORECASE,
)
_OMG_TARGET = {
    ("bpmn", "model"): ns.BPMN, ("bpmn", "di"): ns.BPMNDI, ("dd", "dc"): ns.DC, ("dd", "di"): ns.DI,
}
_XMLNS_DECL = re.compile(rb"""(xmlns(?::[^\s=/>]+)?\s*=\s*)(["'])(.*?)\2""", re.DOTALL)
_XMLNS_URI = re.compile(rb"""xmlns(?::[^\s=/>]+)?\s*=\s*(["'])(.*?)\1""", re.DOTALL)


def standard_namespace(uri: str) -> str | None:
    """The standard BPMN/DI/DC/DI namespace a variant URI stands for; None if it is none."""
    if uri in _STANDARD:
        return None
    if uri in ns.VARIANTS:
        return ns.VARIANTS[uri]
    match = _OMG_URI.fullmatch(uri.strip())
    if match:
        return _OMG_TARGET.get((match.group(1).lower(), match.group(2).lower()))
    return None


def is_utf16(data: bytes) -> bool:
    """UTF-16 input (with or without BOM): ASCII byte searches do not work on it."""
    return data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:2] in (b"<\x00", b"\x00<")


def _declared_uris(root: etree._Element, data: bytes) -> set[str]:
    """Namespace URIs declared in the document: on the root, and nested ones when there are."""
    uris = set(root.nsmap.values())
    if is_utf16(data):
        uris.update(el_ns for el in root.iter() for el_ns in el.nsmap.values())
    elif data.count(b"xmlns") > len(root.nsmap):
        uris.update(m.group(2).decode("utf-8", "replace") for m in _XMLNS_URI.finditer(data))
    return uris


def _utf16_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be")


def _rewrite_declarations(data: bytes, mapping: dict[str, str]) -> tuple[bytes, bool]:
    """The input with variant namespace URIs replaced in its xmlns declarations only.

    Returns the new bytes and whether they were re-encoded as UTF-8 (from UTF-16).
    """
    def swap(match: re.Match[bytes]) -> bytes:
        uri = match.group(3).decode("utf-8", "replace")
        target = mapping.get(uri)
        if target is None:
            return match.group(0)
        quote = match.group(2)
        return match.group(1) + quote + target.encode("ascii") + quote

    if not is_utf16(data):
        return _XMLNS_DECL.sub(swap, data), False
    text = _utf16_text(data).lstrip("\ufeff")
    if text.startswith("<?xml"):
        end = text.find("?>")
        decl = re.sub(r"""\s+encoding\s*=\s*["'][^"']*["']""", ' encoding="UTF-8"', text[: end + 2])
        text = decl + text[end + 2 :]
    return _XMLNS_DECL.sub(swap, text.encode("utf-8")), True


def _normalize_namespaces(
    root: etree._Element,
    data: bytes,
    encoding: str | None,
    source: str | None,
    findings: list[Finding],
) -> etree._Element:
    """Map variant namespace URIs to the standard ones; reject non-BPMN documents.

    Variant URIs are replaced in the namespace declarations and the input is parsed again, so
    prefixes, line numbers and QName values (``xsi:type="bpmn:tFormalExpression"``) stay intact.
    """
    root_ns = ns.namespace_of(root.tag)
    local = ns.local_name(root.tag)
    if local != "definitions":
        if not root_ns and local.endswith(":definitions"):
            prefix = local.partition(":")[0]
            raise NotBpmn(
                f"Keine BPMN-Datei: das Präfix '{prefix}' des Wurzelelements <{local}> ist nicht "
                f"deklariert (xmlns:{prefix} fehlt). Bitte als BPMN 2.0 (XML) exportieren.",
                source=source, code="not-bpmn",
            )
        if local.startswith("alleInhalte."):  # an XProzess (FIM) message with an embedded model
            raise NotBpmn(
                f"Keine BPMN-Datei, sondern eine XProzess-Nachricht (FIM) <{local}>. Das "
                "enthaltene Modell übernimmt: workbench import xprozess DATEI --leistung ID "
                "(danach map, metrics und Berichte wie für jedes Modell).",
                source=source, code="not-bpmn",
            )
        raise NotBpmn(
            f"Keine BPMN-Datei: das Wurzelelement ist <{local or root.tag}> "
            "statt <definitions>. Bitte als BPMN 2.0 (XML) exportieren.",
            source=source, code="not-bpmn",
        )
    mapping = {}
    for uri in _declared_uris(root, data):
        target = standard_namespace(uri)
        # a declaration no element uses (tools declare namespaces by habit) needs no repair
        if target is not None and next(root.iter(f"{{{uri}}}*"), None) is not None:
            mapping[uri] = target
    if root_ns != ns.BPMN and mapping.get(root_ns) != ns.BPMN:
        raise NotBpmn(
            f"Keine BPMN-Datei: <definitions> steht im Namensraum '{root_ns}' statt "
            f"'{ns.BPMN}'.",
            source=source, code="not-bpmn",
        )
    if not mapping:
        return root
    new_data, utf8 = _rewrite_declarations(data, mapping)
    try:
        new_root, _ = _fromstring(new_data, None if utf8 else encoding, source)
    except etree.XMLSyntaxError as err:  # cannot happen for input that parsed before
        raise _syntax_error(err, source) from None
    for uri in sorted(mapping):
        findings.append(Finding(
            "namespace-variant",
            f"Abweichender Namensraum '{uri}' wurde als Standard-Namensraum '{mapping[uri]}' "
            "gelesen; beim Speichern wird der Standard geschrieben.",
            line=root.sourceline or 1, file=source,
        ))
    return new_root
