"""Writing a patched model back into its original bytes: only what changed is written anew.

lxml serialises a whole document its own way: XML declaration, encoding, quotes, character
references, empty-element tags, line ends and namespace declarations. Here the original bytes are
tokenised once and every node of the parsed tree gets its spans (start tag, text, end tag,
tail). After the edit the document is written from those spans: an unchanged node as its
original text, a changed start tag with only the changed attributes rewritten (the others keep
their quotes and spacing), a new element in the document's own prefixes and line ends, and the
whole in the document's own encoding. The result is parsed again and compared with the edited
tree; when anything differs, :meth:`SourceMap.render` returns None and the caller falls back to
a full serialisation (lossless too, only not byte-for-byte).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from lxml import etree

from ..bpmn import namespaces as ns
from ..bpmn.errors import BpmnRejected
from ..bpmn.safexml import parse, source_encoding, standard_namespace

_XML_NS = "http://www.w3.org/XML/1998/namespace"
#: Markup of a well-formed document (text between is skipped; CDATA is text).
_MARKUP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE[^>]*+>|</[^>]*+>"
    r"|<(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>", re.S)
_START = re.compile(r"<([^\s/>]+)")
_ATTR = re.compile(r"(\s+)([^\s=/>]+)(\s*=\s*)([\"'])(.*?)\4", re.S)
_CLOSE = re.compile(r"\s*/?>")
_QNAME_VALUE = re.compile(r"([A-Za-z_][\w.-]*):[^\s:]+")


@dataclass
class _Attr:
    """One attribute as written in the original start tag."""

    space: str
    name: str
    equals: str
    quote: str
    raw: str

    def text(self) -> str:
        return f"{self.space}{self.name}{self.equals}{self.quote}{self.raw}{self.quote}"


@dataclass
class _Node:
    """Spans of one node in the original text and the node's state when it was read."""

    start: tuple[int, int]
    end: tuple[int, int] | None = None  # end tag; None: empty-element tag (or comment/PI)
    children: list[_Node] = field(default_factory=list)
    text_span: tuple[int, int] = (0, 0)
    tail_span: tuple[int, int] = (0, 0)
    kind: str = "element"  # element | comment | pi
    name: str = ""
    token: str = ""  # the start tag as written
    empty: bool = False  # written as an empty-element tag <x/>
    declarations: dict[str | None, str] = field(default_factory=dict)
    scope: dict[str | None, str] = field(default_factory=dict)  # in scope inside the element
    state: tuple = ()
    _parsed: tuple[list[_Attr], str] | None = None

    @property
    def stop(self) -> int:
        return (self.end or self.start)[1]

    def attributes(self) -> tuple[list[_Attr], str]:
        """The attributes as written and the closing ``>``/``/>`` with its spacing (parsed once)."""
        if self._parsed is None:
            attrs, pos = [], len(self.name) + 1
            while True:
                attr = _ATTR.match(self.token, pos)
                if attr is None:
                    break
                attrs.append(_Attr(*attr.groups()))
                pos = attr.end()
            self._parsed = (attrs, self.token[pos:])
        return self._parsed

    def uses_changed_prefix(self, now: dict[str | None, str]) -> bool:
        """True when a prefix written in this start tag means something else in ``now``."""
        if now is self.scope or now == self.scope:
            return False
        for prefix in {p for p in now.keys() | self.scope.keys() if now.get(p) != self.scope.get(p)}:
            if prefix is None:
                if ":" not in self.name:
                    return True
            elif f"{prefix}:" in self.token:
                return True
        return False


def _is_declaration(name: str) -> bool:
    return name == "xmlns" or name.startswith("xmlns:")


def _attribute_value(raw: str) -> str:
    """An attribute's value as the parser reads it (line ends, whitespace, references)."""
    value = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ").replace("\t", " ")
    return html.unescape(value)


def _state(node: etree._Element) -> tuple:
    if isinstance(node.tag, str):
        return (node.tag, node.attrib.items(), node.text, node.tail)
    return (node.text, node.tail, getattr(node, "target", None))


class SourceMap:
    """Where each node of a parsed tree sits in the bytes it was parsed from.

    Build it right after reading, before the tree is edited (:meth:`build`); after the edit
    :meth:`render` writes the edited tree into the original bytes.
    """

    def __init__(self, bom: bytes, text: str, codec: str, root: _Node,
                 nodes: dict[etree._Element, _Node]) -> None:
        self.bom, self.text, self.codec = bom, text, codec
        self.root = root
        self.nodes = nodes
        self.newline = "\r\n" if "\r\n" in text else "\n"

    # ------------------------------------------------------------------ reading
    @classmethod
    def build(cls, data: bytes, root: etree._Element) -> SourceMap | None:
        """The map of ``root`` (parsed from ``data``); None when the bytes cannot be mapped."""
        decoded = _decode(data)
        if decoded is None:
            return None
        bom, text, codec = decoded
        top = _tokenise(text)
        if top is None:
            return None
        flat: list[_Node] = []
        _flatten(top, flat)
        tree_nodes = [n for n in root.iter() if not isinstance(n, etree._Entity)]
        if len(flat) != len(tree_nodes):
            return None
        nodes: dict[etree._Element, _Node] = {}
        for node, el in zip(flat, tree_nodes, strict=True):
            if not _same_kind(node, el):
                return None
            node.state = _state(el)
            nodes[el] = node
        return cls(bom, text, codec, top, nodes)

    # ------------------------------------------------------------------ writing
    def render(self, root: etree._Element) -> bytes | None:
        """The edited tree in the original bytes; None when that is not exact (see module)."""
        out = [self.text[: self.root.start[0]]]
        try:
            self._element(root, {"xml": _XML_NS}, out)
        except _Unrepresentable:
            return None
        out.append(self.text[self.root.stop:])
        try:
            data = self.bom + "".join(out).encode(self.codec, errors="xmlcharrefreplace")
        except UnicodeError:
            return None
        return data if _same_document(data, root) else None

    def _raw(self, span: tuple[int, int]) -> str:
        return self.text[span[0]:span[1]]

    def _node(self, el: etree._Element, scope: dict[str | None, str], out: list[str]) -> None:
        if isinstance(el.tag, str):
            self._element(el, scope, out)
            return
        node = self.nodes.get(el)
        if node is not None and _state(el)[:1] + _state(el)[2:] == node.state[:1] + node.state[2:]:
            out.append(self._raw(node.start))
        elif isinstance(el, etree._Comment):
            out.append(f"<!--{el.text or ''}-->")
        elif isinstance(el, etree._ProcessingInstruction):
            out.append(f"<?{el.target} {el.text}?>" if el.text else f"<?{el.target}?>")
        else:
            raise _Unrepresentable

    def _element(self, el: etree._Element, scope: dict[str | None, str], out: list[str]) -> None:
        node = self.nodes.get(el)
        if node is None or node.kind != "element":
            self._new(el, scope, out)
            return
        tag, attrib, text, *_ = node.state
        inner = {**scope, **node.declarations} if node.declarations else scope
        changed = el.tag != tag or el.attrib.items() != attrib
        added: dict[str | None, str] = {}
        if changed or el.getparent() is None:  # declarations come with changed names
            added = {p: u for p, u in _local_nsmap(el).items()
                     if inner.get(p) != u and p not in node.declarations}
            if added:
                inner = {**inner, **added}
        content = len(el) > 0 or bool(el.text)
        if not changed and not added and not node.uses_changed_prefix(inner):
            name = node.name
            start = self._raw(node.start)
            if node.empty and content:
                start = _open(start)
        else:
            inner = dict(inner)
            name, start = self._start_tag(el, node, inner, added, content)
        out.append(start)
        if el.text is not None:
            out.append(self._raw(node.text_span) if el.text == text
                       else _escape_text(el.text, self.newline))
        for child in el:
            self._node(child, inner, out)
            self._tail(child, out)
        if not node.empty:
            out.append(self._raw(node.end) if name == node.name else f"</{name}>")
        elif content:
            out.append(f"</{name}>")

    def _tail(self, child: etree._Element, out: list[str]) -> None:
        if not child.tail:
            return
        node = self.nodes.get(child)
        if node is not None and child.tail == node.state[3 if isinstance(child.tag, str) else 1]:
            out.append(self._raw(node.tail_span))
        else:
            out.append(_escape_text(child.tail, self.newline))

    def _start_tag(self, el: etree._Element, node: _Node, inner: dict[str | None, str],
                   added: dict[str | None, str], content: bool) -> tuple[str, str]:
        """A changed start tag: unchanged attributes as written, the rest written anew."""
        tag, attrib, *_ = node.state
        before = dict(attrib)
        attrs, close = node.attributes()
        declared: dict[str | None, str] = {}
        if el.tag == tag and _resolves(node.name, inner, node.scope, element=True):
            name = node.name
        else:
            name = _qname(el.tag, inner, declared, element=True, hint=el.prefix)
        now = dict(el.attrib)
        parts = ["<", name]
        seen: set[str] = set()
        quote = attrs[-1].quote if attrs else '"'
        for attr in attrs:
            if _is_declaration(attr.name):
                parts.append(attr.text())
                continue
            clark = _clark(attr.name, node.scope)
            if clark in seen or clark not in now:
                if clark in seen:
                    parts.append(attr.text())
                continue
            seen.add(clark)
            same_name = _resolves(attr.name, inner, node.scope, element=False)
            if before.get(clark) == now[clark] and same_name:
                parts.append(attr.text())
                continue
            written = attr.name if same_name else _qname(clark, {**inner, **declared}, declared,
                                                         element=False, hint=None)
            parts.append(f"{attr.space}{written}{attr.equals}{attr.quote}"
                         f"{_escape_attribute(now[clark], attr.quote)}{attr.quote}")
        for clark, value in el.attrib.items():
            if clark in seen:
                continue
            written = _qname(clark, {**inner, **declared}, declared, element=False,
                             hint=_prefix_for(el, clark))
            parts.append(f" {written}={quote}{_escape_attribute(value, quote)}{quote}")
        for prefix, uri in {**added, **declared}.items():
            parts.append(f" {_declaration(prefix)}={quote}{_escape_attribute(uri, quote)}{quote}")
        inner.update(declared)
        if node.empty and content:
            close = _open(close)
        parts.append(close)
        return name, "".join(parts)

    def _new(self, el: etree._Element, scope: dict[str | None, str], out: list[str]) -> None:
        """An element the edit made: written in the prefixes in scope (declared where missing)."""
        declared: dict[str | None, str] = {}
        for value in el.attrib.values():  # QName values (xsi:type) keep their prefix bound
            match = _QNAME_VALUE.fullmatch(value)
            prefix = match.group(1) if match else None
            if prefix and prefix in el.nsmap and scope.get(prefix) != el.nsmap[prefix]:
                declared[prefix] = el.nsmap[prefix]
        inner = {**scope, **declared}
        name = _qname(el.tag, inner, declared, element=True, hint=el.prefix)
        attrs = []
        for clark, value in el.attrib.items():
            written = _qname(clark, {**scope, **declared}, declared, element=False,
                             hint=_prefix_for(el, clark))
            attrs.append(f' {written}="{_escape_attribute(value, chr(34))}"')
        inner = {**scope, **declared}
        decls = "".join(f' {_declaration(p)}="{_escape_attribute(u, chr(34))}"'
                        for p, u in declared.items())
        if len(el) == 0 and not el.text:
            out.append(f"<{name}{decls}{''.join(attrs)}/>")
            return
        out.append(f"<{name}{decls}{''.join(attrs)}>")
        if el.text:
            out.append(_escape_text(el.text, self.newline))
        for child in el:
            self._node(child, inner, out)
            self._tail(child, out)
        out.append(f"</{name}>")


class _Unrepresentable(Exception):
    """A node the writer does not know how to write (never leaves this module)."""


def _decode(data: bytes) -> tuple[bytes, str, str] | None:
    """(byte-order mark, text, codec) such that bom + text.encode(codec) == data."""
    codec = source_encoding(data)
    if codec is None:
        return None
    bom = b""
    for mark in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(mark):
            bom = mark
            break
    body = data[len(bom):]
    try:
        text = body.decode(codec)
        if text.encode(codec) != body:
            return None
    except (LookupError, UnicodeError):
        return None
    return bom, text, codec


def _tokenise(text: str) -> _Node | None:
    """The element structure of a well-formed document: the root node with its descendants."""
    stack: list[_Node] = []
    root: _Node | None = None
    scopes: list[dict[str | None, str]] = [{"xml": _XML_NS}]
    for match in _MARKUP.finditer(text):
        token, start, stop = match.group(0), match.start(), match.end()
        first = token[1]
        if first == "!" or first == "?":
            if token.startswith(("<!--", "<?")) and stack:
                kind = "comment" if token.startswith("<!--") else "pi"
                stack[-1].children.append(_Node((start, stop), kind=kind))
            continue
        if first == "/":
            if not stack:
                return None
            stack.pop().end = (start, stop)
            scopes.pop()
            continue
        node = _start_node(token, start, stop, scopes[-1])
        if node is None:
            return None
        if stack:
            stack[-1].children.append(node)
        elif root is None:
            root = node
        else:
            return None
        if not node.empty:
            stack.append(node)
            scopes.append(node.scope)
    if stack or root is None:
        return None
    _spans(root)
    return root


def _start_node(token: str, start: int, stop: int, scope: dict[str | None, str]) -> _Node | None:
    head = _START.match(token)
    if head is None:
        return None
    node = _Node((start, stop), name=head.group(1), token=token, empty=token.endswith("/>"))
    if "xmlns" in token:
        attrs, close = node.attributes()
        if _CLOSE.fullmatch(close) is None:
            return None
        for attr in attrs:
            if _is_declaration(attr.name):
                prefix = attr.name.partition(":")[2] or None
                uri = _attribute_value(attr.raw)
                node.declarations[prefix] = standard_namespace(uri) or uri
    node.scope = {**scope, **node.declarations} if node.declarations else scope
    return node


def _spans(node: _Node) -> None:
    """Text and tail spans between the tokens of an element (recursively)."""
    if node.kind != "element":
        return
    inner_end = node.end[0] if node.end else node.start[1]
    first = node.children[0].start[0] if node.children else inner_end
    node.text_span = (node.start[1], first)
    for i, child in enumerate(node.children):
        following = node.children[i + 1].start[0] if i + 1 < len(node.children) else inner_end
        child.tail_span = (child.stop, following)
        _spans(child)


def _flatten(node: _Node, out: list[_Node]) -> None:
    out.append(node)
    for child in node.children:
        _flatten(child, out)


def _same_kind(node: _Node, el: etree._Element) -> bool:
    if isinstance(el, etree._Comment):
        return node.kind == "comment"
    if isinstance(el, etree._ProcessingInstruction):
        return node.kind == "pi"
    if node.kind != "element" or not isinstance(el.tag, str):
        return False
    local = el.tag.rpartition("}")[2]
    return node.name.rpartition(":")[2] == local.rpartition(":")[2]


def _local_nsmap(el: etree._Element) -> dict[str | None, str]:
    """Namespace declarations on ``el`` itself (not inherited)."""
    parent = el.getparent()
    above = parent.nsmap if parent is not None else {}
    return {p: u for p, u in el.nsmap.items() if above.get(p) != u}


def _clark(name: str, scope: dict[str | None, str]) -> str:
    """A written attribute name in Clark notation ({uri}local) in ``scope``."""
    prefix, sep, local = name.partition(":")
    if not sep:
        return name
    if prefix == "xml":
        return f"{{{_XML_NS}}}{local}"
    uri = scope.get(prefix)
    return f"{{{uri}}}{local}" if uri else name


def _resolves(name: str, now: dict[str | None, str], then: dict[str | None, str], *,
              element: bool) -> bool:
    """True when a written name means the same in the new scope as where it was written."""
    prefix, sep, _ = name.partition(":")
    if not sep:
        return not element or now.get(None) == then.get(None)
    return now.get(prefix) == then.get(prefix)


def _prefix_for(el: etree._Element, clark: str) -> str | None:
    uri = ns.namespace_of(clark)
    return next((p for p, u in el.nsmap.items() if u == uri and p), None)


def _qname(clark: str, scope: dict[str | None, str], declared: dict[str | None, str], *,
           element: bool, hint: str | None) -> str:
    """The written name of ``clark`` in ``scope``; a missing prefix goes into ``declared``."""
    if not clark.startswith("{"):
        if element and scope.get(None):
            declared[None] = ""
        return clark
    uri, _, local = clark[1:].partition("}")
    if uri == _XML_NS:
        return f"xml:{local}"
    if element and scope.get(None) == uri:
        return local
    bound = [p for p, u in scope.items() if p and u == uri]
    if bound:
        return f"{hint if hint in bound else bound[0]}:{local}"
    prefix, n = hint or "ns0", 0
    while prefix in scope or prefix in declared:
        n += 1
        prefix = f"ns{n}"
    declared[prefix] = uri
    scope[prefix] = uri
    return f"{prefix}:{local}"


def _declaration(prefix: str | None) -> str:
    return f"xmlns:{prefix}" if prefix else "xmlns"


def _open(close_or_tag: str) -> str:
    """An empty-element tag (or its end) turned into a start tag: ``/>`` → ``>``."""
    return close_or_tag[:-2].rstrip() + ">" if close_or_tag.endswith("/>") else close_or_tag


def _escape_text(value: str, newline: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("\r", "&#13;")
    return value.replace("\n", newline) if newline != "\n" else value


def _escape_attribute(value: str, quote: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return value.replace('"', "&quot;") if quote == '"' else value.replace("'", "&apos;")


def _same_document(data: bytes, root: etree._Element) -> bool:
    """True when ``data`` parses to the same tree as ``root`` (names, values, text, order)."""
    try:
        parsed, _ = parse(data)
    except (BpmnRejected, etree.XMLSyntaxError, ValueError):  # unreadable: not exact
        return False
    return _same(parsed, root, top=True)


def _same(a: etree._Element, b: etree._Element, *, top: bool = False) -> bool:
    """Same tags, attributes, texts, tails (not of the top element) and order throughout."""
    xs, ys = list(a.iter()), list(b.iter())
    if len(xs) != len(ys):
        return False
    for x, y in zip(xs, ys, strict=True):
        if isinstance(x.tag, str):
            if x.tag != y.tag or (x.attrib.items() != y.attrib.items() and \
                    dict(x.attrib) != dict(y.attrib)):
                return False
        elif type(x) is not type(y) or getattr(x, "target", None) != getattr(y, "target", None):
            return False
        if x.text != y.text or (x.tail != y.tail and not (top and x is a)):
            return False
        if len(x) != len(y):
            return False
    return True


class EditableModel:
    """A model read for patching, together with the bytes it was read from.

    Edit ``.defs`` (its lxml tree); :meth:`to_bytes` then writes the edits into the original
    bytes. Where that cannot be exact, it falls back to the lossless lxml serialisation.
    """

    def __init__(self, data: bytes | str, *, name: str | None = None) -> None:
        from .. import bpmn

        self.data = data.encode("utf-8") if isinstance(data, str) else data
        self.defs = bpmn.read(self.data, name=name)
        self.map = SourceMap.build(self.data, self.defs.root)

    def to_bytes(self) -> bytes:
        """The edited model in the original's bytes (see :class:`SourceMap`)."""
        if self.map is not None:
            spliced = self.map.render(self.defs.root)
            if spliced is not None:
                return spliced
        return self.defs.to_bytes()
