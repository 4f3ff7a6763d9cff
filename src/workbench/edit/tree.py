"""Low-level tree surgery that keeps the rest of the document as it was.

Inserting or removing an element touches only that element and the whitespace right next to
it, so the serialisation of every other element stays byte-for-byte the same. New elements
reuse the namespace prefixes the document already declares.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

_INDENT = "  "


def _space_before(parent: etree._Element, index: int) -> str | None:
    """The whitespace in front of child ``index`` (parent text for the first child)."""
    text = parent.text if index == 0 else parent[index - 1].tail
    return text if text is None or not text.strip() else None


def _indent_of(el: etree._Element) -> str:
    """The indentation line of ``el`` ('\\n' plus spaces), guessed from its neighbours."""
    parent = el.getparent()
    if parent is None:
        return "\n"
    before = _space_before(parent, parent.index(el))
    if before and "\n" in before:
        return "\n" + before.rpartition("\n")[2]
    return _indent_of(parent) + _INDENT


def insert(parent: etree._Element, index: int, child: etree._Element) -> etree._Element:
    """Insert ``child`` at ``index``, indented like its siblings; neighbours keep their text."""
    count = len(parent)
    index = max(0, min(index, count))
    if count == 0:
        outer = _indent_of(parent)
        if parent.text is None or not parent.text.strip():
            parent.text = outer + _INDENT
        parent.insert(0, child)
        child.tail = outer
        return child
    if index == count:
        last = parent[count - 1]
        before_last = _space_before(parent, count - 1)
        parent.insert(index, child)
        child.tail = last.tail
        if before_last is not None:
            last.tail = before_last
        return child
    before = _space_before(parent, index)
    parent.insert(index, child)
    if before is not None:
        child.tail = before
    return child


def remove(child: etree._Element) -> None:
    """Remove ``child``; the closing indentation of its parent stays as it was."""
    parent = child.getparent()
    if parent is None:
        return
    index = parent.index(child)
    tail = child.tail
    if index == len(parent) - 1:
        if index > 0:
            parent[index - 1].tail = tail
        elif parent.text is not None and not parent.text.strip():
            parent.text = None
    parent.remove(child)  # lxml removes the tail with the element


def make(parent: etree._Element, index: int, tag: str,
         attrib: Iterable[tuple[str, str]] = ()) -> etree._Element:
    """A new element at ``index`` of ``parent``, namespaces resolved in the parent's scope."""
    child = etree.SubElement(parent, tag)
    for key, value in attrib:
        child.set(key, value)
    parent.remove(child)
    return insert(parent, index, child)


def move(child: etree._Element, parent: etree._Element, index: int) -> etree._Element:
    """Move ``child`` to ``index`` of ``parent`` (its own content and attributes unchanged)."""
    remove(child)
    if parent is child.getparent():
        index = min(index, len(parent))
    return insert(parent, index, child)


def declare(root: etree._Element, namespaces: dict[str, str]) -> None:
    """Declare namespaces (prefix → URI) on the root element, keeping every other declaration."""
    missing = {p: u for p, u in namespaces.items() if u not in root.nsmap.values()}
    if not missing:
        return
    taken = set(root.nsmap)
    top: dict[str, str] = {}
    for prefix, uri in missing.items():
        name, n = prefix or "ns", 1
        while name in taken:
            n += 1
            name = f"{prefix or 'ns'}{n}"
        taken.add(name)
        top[name] = uri
    keep = sorted({p for el in root.iter() if isinstance(el.tag, str) for p in el.nsmap if p}
                  | set(top))
    etree.cleanup_namespaces(root, top_nsmap=top, keep_ns_prefixes=keep)
