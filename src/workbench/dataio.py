"""Frames and plain values as JSON — exact, typed, and without any code path.

Caches hold data, never code: a value read from a folder someone else can write must not be able
to run anything (no pickle). :func:`frame_to_json` keeps what the reports rely on: column order and
dtypes (float, int, bool, string, nullable ``Int64``/``boolean``, categories with their order),
the index, ``attrs``, and every float bit for bit (``repr`` round-trips; NaN and ±inf are tagged).
Anything else is refused with :class:`DataFormatError` instead of being guessed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

FORMAT = "werkbench-frame-1"
_PLAIN_DTYPES = {"float64", "int64", "bool", "object", "str", "string", "Int64", "boolean",
                 "float32", "int32"}


class DataFormatError(ValueError):
    """The value cannot be stored as data, or stored data is not what we wrote."""


def _encode_value(value: Any) -> Any:
    """A JSON-safe form of one cell or attribute value (floats tagged when not finite)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return {"$f": "nan"}
        if math.isinf(number):
            return {"$f": "inf" if number > 0 else "-inf"}
        return number
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return [_encode_value(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise DataFormatError("Nur Zuordnungen mit Text-Schlüsseln lassen sich speichern.")
        return {"$d": {k: _encode_value(v) for k, v in value.items()}}
    raise DataFormatError(f"Wert vom Typ {type(value).__name__} lässt sich nicht als Daten "
                          "speichern.")


def _decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if isinstance(value, dict):
        if "$f" in value:
            return float(value["$f"])
        if "$d" in value and isinstance(value["$d"], dict):
            return {k: _decode_value(v) for k, v in value["$d"].items()}
        raise DataFormatError("Unbekannter Eintrag in gespeicherten Daten.")
    return value


def _encode_series(values: pd.Series | pd.Index) -> dict[str, Any]:
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return {"dtype": "category", "ordered": bool(dtype.ordered),
                "categories": _encode_series(pd.Index(dtype.categories)),
                "categories_name": _encode_value(dtype.categories.name),
                "codes": [int(c) for c in np.asarray(values.codes if isinstance(values, pd.Index)
                                                      else values.cat.codes)]}
    name = str(dtype)
    if name not in _PLAIN_DTYPES:
        raise DataFormatError(f"Spaltentyp {name} lässt sich nicht als Daten speichern.")
    return {"dtype": name, "values": _encode_list(name, values)}


def _encode_list(dtype: str, values: pd.Series | pd.Index) -> list[Any]:
    """:func:`_encode_value` of every value; numpy columns without a Python call per value
    (the same JSON values: finite floats as they are, non-finite ones tagged)."""
    if dtype in ("float64", "float32"):
        array = values.to_numpy()
        out = array.tolist()
        for i in np.flatnonzero(~np.isfinite(array)).tolist():
            out[i] = _encode_value(out[i])
        return out
    if dtype in ("int64", "int32", "bool"):
        return values.to_numpy().tolist()
    return [v if type(v) is str else _encode_value(v) for v in values.tolist()]


def _decode_series(data: dict[str, Any]) -> pd.Index:
    dtype = data.get("dtype")
    if dtype == "category":
        categories = _decode_series(data["categories"])
        categories.name = _decode_value(data.get("categories_name"))
        cat = pd.CategoricalDtype(categories, ordered=bool(data["ordered"]))
        return pd.Index(pd.Categorical.from_codes(data["codes"], dtype=cat))
    if dtype not in _PLAIN_DTYPES:
        raise DataFormatError(f"Unbekannter Spaltentyp {dtype!r} in gespeicherten Daten.")
    raw = data["values"]
    if dtype in ("float64", "float32") and all(type(v) is float for v in raw):
        return pd.Index(np.array(raw, dtype=dtype))  # the common case: no tagged NaN/inf
    values = [v if type(v) in (str, float, int, bool) else _decode_value(v) for v in raw]
    if dtype in ("object", "str", "string"):
        return pd.Index(values, dtype=dtype, tupleize_cols=False)
    return pd.Index(pd.array(values, dtype=dtype))


def frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as a JSON-ready dict (see the module docstring)."""
    index = frame.index
    if isinstance(index, pd.MultiIndex) or frame.columns.has_duplicates:
        raise DataFormatError("Mehrstufige Indizes und doppelte Spalten lassen sich nicht speichern.")
    if isinstance(index, pd.RangeIndex):
        index_data: dict[str, Any] = {"range": [index.start, index.stop, index.step]}
    else:
        index_data = _encode_series(index)
    return {
        "format": FORMAT,
        "columns": [str(c) for c in frame.columns],
        "data": [_encode_series(frame[c]) for c in frame.columns],
        "index": index_data, "index_name": _encode_value(index.name),
        "attrs": {k: _encode_value(v) for k, v in frame.attrs.items()},
    }


def frame_from_json(data: dict[str, Any], *, consume: bool = False) -> pd.DataFrame:
    """The frame written by :func:`frame_to_json`. ``consume``: drop each parsed column from
    ``data`` once decoded (a national analysis then never holds both forms of every column)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataFormatError("Keine gespeicherte Tabelle der Werkbench.")
    parsed = data["data"]
    if len(parsed) != len(data["columns"]):
        raise ValueError("Spalten und Daten passen nicht zusammen.")

    def decoded() -> Iterator[pd.Index]:
        for i in range(len(parsed)):
            values = _decode_series(parsed[i])
            if consume:
                parsed[i] = None
            yield values

    return _assemble(data, decoded())


def _assemble(head: dict[str, Any], values: Iterable[pd.Index]) -> pd.DataFrame:
    """A frame from the parts of :func:`frame_to_json` (``head``) and its decoded columns."""
    index_data = head["index"]
    if "range" in index_data:
        index: pd.Index = pd.RangeIndex(*index_data["range"])
    else:
        index = _decode_series(index_data)
    index.name = _decode_value(head.get("index_name"))
    columns = {}
    for name, column in zip(head["columns"], values, strict=True):
        columns[name] = pd.Series(column, index=index, copy=False).set_axis(index)
    frame = pd.DataFrame(columns, index=index, columns=head["columns"])
    frame.attrs.update({k: _decode_value(v) for k, v in head.get("attrs", {}).items()})
    return frame


def encode(value: Any) -> Any:
    """A plain value (numbers, text, lists, dicts) in its JSON-safe form."""
    return _encode_value(value)


def decode(value: Any) -> Any:
    """The value written by :func:`encode`."""
    return _decode_value(value)


def dumps(document: Any) -> bytes:
    """Deterministic JSON bytes (sorted keys are not used: order carries meaning)."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def dumps_frames(document: dict[str, Any]) -> bytes:
    """:func:`dumps` of ``document`` with every DataFrame value as :func:`frame_to_json`, the
    same bytes, but written one column at a time: a national analysis (millions of cells)
    never exists as one tree of Python objects."""
    out = bytearray(b"{")
    for i, (key, value) in enumerate(document.items()):
        out += (b"," if i else b"") + dumps(str(key)) + b":"
        if isinstance(value, pd.DataFrame):
            _frame_bytes(value, out)
        else:
            out += dumps(value)
    out += b"}"
    return bytes(out)


def _frame_bytes(frame: pd.DataFrame, out: bytearray) -> None:
    """Append :func:`dumps` of :func:`frame_to_json` of ``frame`` to ``out``, column by
    column (the keys in the order :func:`frame_to_json` writes them)."""
    head = frame_to_json(frame.iloc[:0])  # the checks, the index and attrs (small) …
    head["index"] = frame_to_json(frame[[]])["index"]  # … of the whole frame
    for i, (key, value) in enumerate(head.items()):
        out += (b"," if i else b"{") + dumps(key) + b":"
        if key == "data":
            out += b"["
            for j, column in enumerate(frame.columns):
                out += (b"," if j else b"") + dumps(_encode_series(frame[column]))
            out += b"]"
        else:
            out += dumps(value)
    out += b"}"


def loads(data: bytes) -> Any:
    """Parse JSON bytes written by :func:`dumps`; anything else is a :class:`DataFormatError`."""
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise DataFormatError(f"Gespeicherte Daten nicht lesbar ({err}).") from None


def loads_frames(data: bytes, frames: Collection[str]) -> Any:
    """:func:`loads` of a document written by :func:`dumps_frames`, with the values under the
    top-level keys ``frames`` read as DataFrames (:func:`frame_from_json`) one column at a
    time: the parsed form of a national analysis never exists as one tree of Python objects.
    A value there that is no stored frame stays as parsed (the caller's check refuses it)."""
    try:
        stream = _Stream(data.decode("utf-8"))
        if stream.peek() != "{":
            return stream.whole()
        document = {}
        for key in stream.members():
            document[key] = (_frame_from_stream(stream) if key in frames and stream.peek() == "{"
                             else stream.value())
        stream.end()
        return document
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        raise DataFormatError(f"Gespeicherte Daten nicht lesbar ({err}).") from None


def _frame_from_stream(stream: _Stream) -> pd.DataFrame | dict[str, Any]:
    """One :func:`frame_to_json` object from ``stream``, each column decoded as soon as it is
    parsed (the other keys are small)."""
    head: dict[str, Any] = {}
    values: list[pd.Index] = []
    for key in stream.members():
        if key == "data" and stream.peek() == "[":
            values = [_decode_series(stream.value()) for _ in stream.elements()]
            head[key] = values
        else:
            head[key] = stream.value()
    if head.get("format") != FORMAT or head.get("data") is not values:
        raise DataFormatError("Keine gespeicherte Tabelle der Werkbench.")
    if len(values) != len(head["columns"]):
        raise ValueError("Spalten und Daten passen nicht zusammen.")
    return _assemble(head, values)


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


class _Stream:
    """A cursor over JSON text: objects and arrays walked, their values parsed one by one
    with the scanner of :mod:`json` (same values, same errors as :func:`json.loads`)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def peek(self) -> str:
        self.pos = _SPACE.match(self.text, self.pos).end()
        return self.text[self.pos:self.pos + 1]

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise json.JSONDecodeError(f"'{char}' erwartet", self.text, self.pos)
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        value, self.pos = _DECODER.raw_decode(self.text, self.pos)
        return value

    def whole(self) -> Any:
        value = self.value()
        self.end()
        return value

    def end(self) -> None:
        if self.peek():
            raise json.JSONDecodeError("Daten nach dem Ende", self.text, self.pos)

    def members(self) -> Iterator[str]:
        """The keys of an object; the caller reads each value before asking for the next."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            if self.peek() != '"':
                raise json.JSONDecodeError("Schlüssel erwartet", self.text, self.pos)
            key = self.value()
            self.take(":")
            yield key
            if self.peek() != ",":
                self.take("}")
                return
            self.pos += 1

    def elements(self) -> Iterator[None]:
        """The elements of an array; the caller reads each one (:meth:`value`)."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield
            if self.peek() != ",":
                self.take("]")
                return
            self.pos += 1
