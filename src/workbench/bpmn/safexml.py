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
from .errors import Finding, NotBpmn, NotXml, UnsafeXml


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


def _prolog_text(data: bytes) -> str:
    """The first bytes decoded well enough to see the markup of the prolog."""
    head = data[:65536]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("latin-1")


def _check_prolog(data: bytes, source: str | None, findings: list[Finding]) -> None:
    """Reject DTDs that declare entities or load external files; warn about a harmless one."""
    text = _prolog_text(data).lstrip("\ufeff\ufffe\xef\xbb\xbf")
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
                raise UnsafeXml(
                    "Die Datei enthält eine DTD mit Entity-Deklarationen; das ist aus "
                    "Sicherheitsgründen nicht erlaubt (XXE/Entity-Expansion). Bitte ohne DOCTYPE "
                    "aus dem Modellierungswerkzeug exportieren.",
                    source=source, code="unsafe-dtd",
                )
            if re.search(r"\b(SYSTEM|PUBLIC)\b", decl):
                raise UnsafeXml(
                    "Die Datei verweist auf eine externe DTD; externe Ressourcen werden aus "
                    "Sicherheitsgründen nicht geladen. Bitte ohne DOCTYPE exportieren.",
                    source=source, code="unsafe-dtd",
                )
            findings.append(Finding(
                "doctype", "Eine DOCTYPE-Angabe ohne Inhalt wurde ignoriert.",
                line=text.count("\n", 0, pos) + 1, file=source,
            ))
            pos = n if end < 0 else end + 1
        else:
            return


def _declared_encoding(data: bytes) -> str | None:
    match = _DECL.match(data[:512])
    return match.group(1).decode("ascii").lower() if match else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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


def _parser(encoding: str | None = None) -> etree.XMLParser:
    return etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def _syntax_reason(err: etree.XMLSyntaxError) -> str:
    line = getattr(err, "lineno", None) or (err.position[0] if err.position else None)
    msg = str(err.msg if hasattr(err, "msg") else err).split(", line")[0]
    where = f" (Zeile {line})" if line else ""
    return f"Kein wohlgeformtes XML{where}: {msg}"


def _looks_like_encoding_error(err: etree.XMLSyntaxError) -> bool:
    text = str(err).lower()
    return any(word in text for word in ("encoding", "utf-8", "utf-16", "char 0x", "bytes:"))


def parse(
    data: bytes, *, source: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[etree._Element, list[Finding]]:
    """Parse untrusted BPMN bytes safely and leniently; returns the root and warnings.

    Raises :class:`UnsafeXml`, :class:`NotXml` or :class:`NotBpmn` with a one-line German reason.
    """
    findings: list[Finding] = []
    if len(data) > limits.max_bytes:
        raise UnsafeXml(
            f"Die Datei ist {len(data) / 2**20:.1f} MB groß; erlaubt sind höchstens "
            f"{limits.max_bytes / 2**20:.0f} MB (Grenze 'max_bytes' anpassen, wenn das Absicht ist).",
            source=source, code="too-large",
        )
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise NotXml("Die Datei ist leer.", source=source, code="empty")
    _check_prolog(data, source, findings)
    declared = _declared_encoding(data)
    override, why = _encoding_override(data, declared)
    try:
        root = etree.fromstring(data, _parser(override))
    except etree.XMLSyntaxError as err:
        if override or not _looks_like_encoding_error(err):
            raise NotXml(_syntax_reason(err), source=source, code="not-xml") from None
        override = "utf-8" if _is_utf8(data) else "windows-1252"
        why = f"deklariert ist '{declared or 'UTF-8'}', der Inhalt ist aber {override.upper()}"
        try:
            root = etree.fromstring(data, _parser(override))
        except etree.XMLSyntaxError:
            raise NotXml(_syntax_reason(err), source=source, code="not-xml") from None
    except ValueError as err:  # e.g. unicode strings with encoding declaration
        raise NotXml(f"Kein lesbares XML: {err}", source=source, code="not-xml") from None
    if why:
        findings.append(Finding(
            "encoding-mismatch",
            f"Falsche Zeichenkodierung: {why}. Die Datei wurde als {override.upper()} gelesen; "
            "beim Speichern wird UTF-8 geschrieben.",
            line=1, file=source,
        ))
    _check_depth(root, limits, source)
    _normalize_namespaces(root, source, findings)
    return root, findings


def _check_depth(root: etree._Element, limits: Limits, source: str | None) -> None:
    path = "/*" * (limits.max_depth + 1)
    if root.getroottree().xpath(f"boolean({path})"):
        raise UnsafeXml(
            f"Die Datei ist tiefer als {limits.max_depth} Ebenen verschachtelt; das ist für BPMN "
            "unüblich und wird aus Sicherheitsgründen abgelehnt (Grenze 'max_depth').",
            source=source, code="too-deep",
        )


def _normalize_namespaces(root: etree._Element, source: str | None, findings: list[Finding]) -> None:
    """Map variant namespace URIs to the standard ones; reject non-BPMN documents."""
    root_ns = ns.namespace_of(root.tag)
    if ns.local_name(root.tag) != "definitions":
        raise NotBpmn(
            f"Keine BPMN-Datei: das Wurzelelement ist <{ns.local_name(root.tag) or root.tag}> "
            "statt <definitions>. Bitte als BPMN 2.0 (XML) exportieren.",
            source=source, code="not-bpmn",
        )
    variants = {uri for uri in root.nsmap.values() if uri in ns.VARIANTS}
    if root_ns not in (ns.BPMN, *variants):
        if root_ns in ns.VARIANTS or "bpmn" in root_ns.lower():
            variants.add(root_ns)
            ns.VARIANTS.setdefault(root_ns, ns.BPMN)
        else:
            raise NotBpmn(
                f"Keine BPMN-Datei: <definitions> steht im Namensraum '{root_ns}' statt "
                f"'{ns.BPMN}'.",
                source=source, code="not-bpmn",
            )
    if not variants:
        return
    for uri in sorted(variants):
        target = ns.VARIANTS[uri]
        for el in root.iter(f"{{{uri}}}*"):
            el.tag = f"{{{target}}}{ns.local_name(el.tag)}"
        findings.append(Finding(
            "namespace-variant",
            f"Abweichender Namensraum '{uri}' wurde als Standard-Namensraum '{target}' gelesen; "
            "beim Speichern wird der Standard geschrieben.",
            line=1, file=source,
        ))
    top = {prefix: ns.VARIANTS.get(uri, uri) for prefix, uri in root.nsmap.items() if prefix}
    etree.cleanup_namespaces(root, top_nsmap=top)
