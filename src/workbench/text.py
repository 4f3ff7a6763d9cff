"""Small text helpers shared across the workbench: folding, slugs, German numbers, and making
untrusted text safe to show (bidi controls)."""

from __future__ import annotations

import math
import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                          "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


#: Unicode bidi controls (embeddings, overrides, isolates, marks): they reorder what a reader sees
#: ("Trojan Source"), so in reports and on the terminal each becomes a visible ``⟨U+202E⟩``.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
#: ... and the terminal escape introducers (an ANSI sequence in a name could rewrite the screen).
TERMINAL_CONTROLS = frozenset("\x1b\x9b")
_BIDI_TABLE = {ord(c): f"⟨U+{ord(c):04X}⟩" for c in BIDI_CONTROLS}
_TERMINAL_TABLE = {**_BIDI_TABLE, **{ord(c): f"⟨U+{ord(c):04X}⟩" for c in TERMINAL_CONTROLS}}


#: Finds a bidi control in C; translating a whole report page character by character through
#: the table costs about 10 ms per page, and almost no page has one.
_BIDI_ANY = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def neutralize_bidi(text: str) -> str:
    """Bidi controls shown as ``⟨U+202E⟩`` instead of reordering the text around them."""
    if _BIDI_ANY.search(text) is None:
        return text
    return text.translate(_BIDI_TABLE)


def neutralize_terminal(text: str) -> str:
    """Bidi controls and escape introducers made visible, for text printed on a terminal."""
    return text.translate(_TERMINAL_TABLE)


_JSON_TABLE = {ord(c): f"\\u{ord(c):04x}" for c in BIDI_CONTROLS | TERMINAL_CONTROLS}


def json_escape_controls(line: str) -> str:
    """A JSON text with bidi controls and escape introducers as ``\\uXXXX`` escapes: the data stay
    exact for programs, and nothing reorders or rewrites the terminal."""
    return line.translate(_JSON_TABLE)


def ascii_fold(text: str) -> str:
    """Lowercase ASCII with umlauts spelled out: 'Prüfen ' → 'pruefen'."""
    text = str(text).strip().lower().translate(_UMLAUTS)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def fold_key(text: str) -> str:
    """Letters and digits only, for matching column names: 'Wartezeit (Tage)' → 'wartezeittage'."""
    return re.sub(r"[^a-z0-9]+", "", ascii_fold(text))


def slug(text: str, *, separator: str = "_", max_length: int = 60, fallback: str = "x") -> str:
    """An identifier from a name: 'Osterholz-Scharmbeck, Stadt' → 'osterholz_scharmbeck_stadt'."""
    value = re.sub(r"[^a-z0-9]+", separator, ascii_fold(text)).strip(separator)
    return value[:max_length].rstrip(separator) or fallback


def german_number(value: object, digits: int = 0, unit: str = "") -> str:
    """German number format (1.234,5) with optional unit; None, NaN and ±inf become an en dash
    (a report never prints "inf")."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{float(value):,.{digits}f}".replace(",", "\x00").replace(".", ",")
    text = text.replace("\x00", ".")
    return f"{text}\u00a0{unit}" if unit else text
