"""Text on maps: German line breaking with a hyphenation dictionary, names for unnamed pools and
lanes, and the map title.

Long German compounds are broken only where the maintained LibreOffice/Hunspell hyphenation
patterns of pyphen (``de_DE``) allow it ("Ent-sor-gungs-be-trieb"), or after a hyphen or slash
already in the text. A token with no such point (an id, a code) is never broken: it is shortened
with an ellipsis, and the full text goes into the element's tooltip.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from pathlib import PurePath

from ..bpmn.model import Definitions, Element
from . import shapes as sh

ELLIPSIS = "…"
_VOWELS = set("aeiouäöüyéè")
_ID_PREFIX = re.compile(r"^(sid|eaid|id|_|process|collaboration|participant|lane|definitions|"
                        r"diagram|bpmndiagram|laneset)[-_]", re.IGNORECASE)
_HEXISH = re.compile(r"[0-9a-fA-F]{6,}|[0-9][a-z0-9]{5,}|[a-z0-9]*\d[a-z0-9]*$")


@lru_cache(maxsize=1)
def _dictionary() -> object | None:
    try:
        import pyphen  # noqa: F401
    except ImportError:  # pragma: no cover - pyphen is a dependency; without it: no hyphenation
        return None
    from .hyphenation import german

    return german()  # pyphen's de_DE, patterns parsed when a word needs them


@lru_cache(maxsize=4096)
def break_points(word: str) -> tuple[int, ...]:
    """Indexes where ``word`` may be broken: after '-' or '/', or between two letters where the
    German hyphenation patterns allow it (never in tokens with digits, such as ids)."""
    points = {i for i in range(1, len(word)) if word[i - 1] in "-/" and i < len(word)}
    if any(c.isdigit() for c in word) or word.count("_"):
        return tuple(sorted(points))
    dic = _dictionary()
    if dic is not None:
        found = [0, *dic.positions(word), len(word)]  # type: ignore[attr-defined]
        for prev, i, nxt in zip(found, found[1:], found[2:], strict=False):
            # the patterns sometimes split off single letters ("Be-a-r-bei-tung"): a break
            # counts only where both neighbouring syllables have two letters and a vowel
            if (word[i - 1].isalpha() and word[i].isalpha()
                    and _syllable(word[prev:i]) and _syllable(word[i:nxt])):
                points.add(i)
    return tuple(sorted(points))


def _syllable(part: str) -> bool:
    return len(part) >= 2 and any(c in _VOWELS for c in part.lower())


def _split(word: str, room: int) -> tuple[str, str] | None:
    """The longest head of ``word`` (with a hyphen where one is added) that fits ``room``."""
    for i in reversed(break_points(word)):
        head = word[:i] if word[i - 1] in "-/" else word[:i] + "-"
        if len(head) <= room and len(word) - i >= 2:
            return head, word[i:]
    return None


def wrap(text: str | None, width: int = 18, max_lines: int | None = 4) -> list[str]:
    """Wrap a German label into lines of at most ``width`` characters.

    Words move to the next line whole; a word longer than a line is hyphenated at a dictionary
    break point (or after '-' / '/'); a token without one is shortened with '…'. Beyond
    ``max_lines`` the last line ends with '…'. Callers keep the full text in a tooltip.
    Computed once per process for the same arguments (maps write the same names many times).
    """
    return list(_wrapped(text, width, max_lines))


@lru_cache(maxsize=8192, typed=True)
def _wrapped(text: str | None, width: int, max_lines: int | None) -> tuple[str, ...]:
    text = sh.clean_text(text)
    if not text:
        return ()
    width = max(width, 4)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            while word:
                sep = " " if current else ""
                if len(current) + len(sep) + len(word) <= width:
                    current += sep + word
                    word = ""
                elif current:
                    lines.append(current)
                    current = ""
                else:
                    parts = _split(word, width)
                    if parts is None:  # no break point fits: shorten, never cut silently
                        lines.append(word[: width - 1] + ELLIPSIS)
                        word = ""
                    else:
                        lines.append(parts[0])
                        word = parts[1]
        lines.append(current)
    lines = [line for line in lines if line] or [""]
    if max_lines and len(lines) > max_lines:
        last = lines[max_lines - 1]
        if last.endswith("-") and not last.endswith(ELLIPSIS):
            last = last[:-1]
        if len(last) > width:  # the ellipsis may take one character more than a line
            cut = last.rfind(" ", 0, width)
            last = last[:cut] if cut > 0 else last[:width]
        lines = [*lines[: max_lines - 1], last.rstrip(" -/") + ELLIPSIS]
    return tuple(lines)


def looks_like_id(text: str) -> bool:
    """True for generated identifiers ("Process_0i4nlha", "sid-8EFE…", "_39239818-…") that
    people should not read as names."""
    text = text.strip()
    if not text:
        return True
    if " " in text:
        return False
    if _ID_PREFIX.match(text):
        return True
    return bool(("_" in text or "-" in text) and _HEXISH.search(text))


def readable(name: str | None) -> str:
    """The name if it reads like one, else ''."""
    name = sh.clean_text(name)
    return "" if looks_like_id(name) else name


def map_title(model: Definitions, diagram_name: str = "") -> str:
    """Title of a map: the collaboration's name, else the diagram's (DI style), the main
    process's, the model's, the file's name; never a generated id ("Prozesskarte" as the last
    resort)."""
    candidates = [c.name for c in model.collaborations] + [diagram_name]
    with contextlib.suppress(ValueError):
        candidates.append(model.main_process().name)
    candidates.append(model.name)
    if model.source:
        candidates.append(PurePath(str(model.source)).stem)
    for text in candidates:
        if readable(text):
            return readable(text)
    return "Prozesskarte"


def element_name(element: Element) -> str:
    """What a map writes on an element: its name, else its German type ("Aufgabe") — never
    its id (that goes into the tooltip)."""
    return sh.clean_text(element.name) or element.type_label


def numbered_names(elements: list[Element], word: str) -> dict[str, str]:
    """Names of pools or lanes, unnamed ones counted in order: "Pool 1", "Lane 2"."""
    out: dict[str, str] = {}
    for index, element in enumerate(elements, start=1):
        out[element.id] = readable(element.name) or f"{word} {index}"
    return out


def tooltip(element: Element, shown: str = "") -> str:
    """Tooltip of an element on a map: its full name, or for an unnamed one what the map shows
    and the id ("Lane 2 – ohne Namen, ID sid-8EFE…")."""
    name = sh.clean_text(element.name)
    if name:
        return name
    return f"{shown or element.type_label} – ohne Namen, ID {element.id}"
