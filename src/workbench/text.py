"""Small text helpers shared across the workbench: folding, slugs, German numbers."""

from __future__ import annotations

import math
import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                          "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


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
