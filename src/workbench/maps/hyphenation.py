"""pyphen's German hyphenation dictionary, with its patterns parsed when a word needs them.

``pyphen.Pyphen(lang="de_DE")`` parses all 78,000 patterns of ``hyph_de_DE.dic`` before the
first word (0.35 CPU-s, in every process that draws a map – each report kernel). A map needs a
few hundred of them. :func:`german` reads the file the same way but keeps each pattern as its
text, keyed like pyphen keys it (the pattern without its digits), and parses a pattern the
first time a word looks it up – with pyphen's own rules, so the break points are pyphen's
(test against pyphen's full parse of every pattern). A dictionary that uses what the lazy
reading does not cover (``^^xx`` characters, non-standard alternatives) is parsed by pyphen.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_DIGITS = re.compile(r"\d")
_ZEROS = re.compile(r"^[^1-9\n]*$", re.MULTILINE)


class LazyPatterns:
    """Pattern text → pyphen's ``(start, values)``, parsed on first lookup (None: no pattern)."""

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw
        self._parsed: dict[str, tuple[int, tuple[int, ...]] | None] = {}

    def get(self, key: str, default: Any = None) -> Any:
        try:
            found = self._parsed[key]
        except KeyError:
            line = self.raw.get(key)
            found = self._parsed[key] = None if line is None else parse(line)
        return default if found is None else found


def parse(pattern: str) -> tuple[int, tuple[int, ...]] | None:
    """pyphen's parse of one standard pattern (``HyphDict.__init__``): the offset of the first
    non-zero value and the values up to the last non-zero one (None when all are zero)."""
    tags_values = re.findall(r"(\d?)(\D?)", pattern)
    values = tuple(int(i or "0") for i, _ in tags_values)
    if max(values) == 0:
        return None
    start, end = 0, len(values)
    while not values[start]:
        start += 1
    while not values[end - 1]:
        end -= 1
    return start, values[start:end]


def german() -> Any:
    """A ``pyphen.Pyphen`` for ``de_DE`` whose patterns are parsed lazily (see module)."""
    import pyphen

    path = Path(pyphen.LANGUAGES[pyphen.language_fallback("de_DE")])
    hyph = _lazy_dict(path, pyphen)
    dic = pyphen.Pyphen.__new__(pyphen.Pyphen)
    dic.left, dic.right = 2, 2  # pyphen's defaults
    dic.hd = hyph if hyph is not None else pyphen.Pyphen(filename=path).hd
    return dic


def _without_digits(text: str) -> str:
    """``text`` without its decimal digits (``\\d``); as bytes when every character is below
    U+0100 (the only decimal digits there are 0-9)."""
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return _DIGITS.sub("", text)
    return data.translate(None, b"0123456789").decode("latin-1")


def _lazy_dict(path: Path, pyphen: Any) -> Any:
    """A ``pyphen.HyphDict`` with :class:`LazyPatterns`, or None when the file needs pyphen's
    full parser. Whole-text operations instead of pyphen's loop over the lines (that loop is what
    costs)."""
    ignored = getattr(pyphen, "ignored", None)  # the prefixes pyphen skips (its internals)
    if ignored is None or not hasattr(pyphen, "HyphDict"):
        return None
    with path.open("rb") as handle:
        encoding = handle.readline().decode().strip()
    if encoding.lower() == "microsoft-cp1251":
        encoding = "cp1251"
    text = path.read_text(encoding).split("\n", 1)[-1]
    if "^^" in text:
        return None
    # pyphen's reading: the stripped lines that are neither empty nor ignored
    lines = [line for line in map(str.strip, text.split("\n"))
             if line and not line.startswith(ignored)]
    joined = "\n".join(lines)
    if "/" in joined:  # pyphen: alternatives ('/' and '=' in a line)
        return None
    zeros = set(_ZEROS.findall(joined))  # pyphen skips patterns whose values are all zero
    if zeros:
        lines = [line for line in lines if line not in zeros]
        joined = "\n".join(lines)
    raw = dict(zip(_without_digits(joined).split("\n"), lines, strict=True))
    hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hyph.patterns = LazyPatterns(raw)
    hyph.cache = {}
    hyph.maxlen = max(map(len, raw))
    return hyph
