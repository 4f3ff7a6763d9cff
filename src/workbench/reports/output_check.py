"""nbformat's check of every kernel output, with the schema definition compiled once.

nbclient turns each output message of a kernel into a notebook output with
``nbformat.v4.output_from_msg``, which validates the new node against the notebook schema's
definition of its output type. nbformat validates a whole notebook with its compiled validator
(fastjsonschema) but such a single node with the interpreted one (jsonschema): about 0.2 ms per
output, 0.1 CPU-s of the workers for the 18 example reports. :func:`install` wraps
``nbformat.v4.nbbase.validate``: a node checked against a definition is first checked by a
fastjsonschema validator compiled for that definition of the same schema; nbformat's own check
runs only when that one rejects the node, so every error raised is nbformat's, with its message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_compiled: dict[str, Callable[[Any], Any] | None] = {}


def install() -> None:
    """Wrap ``nbformat.v4.nbbase.validate`` once per process (no-op when already done)."""
    from nbformat.v4 import nbbase

    original = nbbase.validate
    if getattr(original, "_werkbench", False):
        return

    def validate(node: Any, ref: str | None = None) -> Any:
        check = _validator(ref) if ref else None
        if check is not None:
            try:
                check(node)
                return None
            except Exception:  # rejected (or not checkable): nbformat decides, with its message
                pass
        return original(node, ref=ref)

    validate._werkbench = True  # type: ignore[attr-defined]
    validate.original = original  # type: ignore[attr-defined]
    nbbase.validate = validate


def _validator(ref: str) -> Callable[[Any], Any] | None:
    """The compiled check of the v4 schema's definition ``ref`` (None: nbformat checks)."""
    if ref not in _compiled:
        _compiled[ref] = _compile(ref)
    return _compiled[ref]


def _compile(ref: str) -> Callable[[Any], Any] | None:
    try:
        import fastjsonschema
        import nbformat.v4 as v4
        from nbformat.validator import _get_schema_json

        schema = _get_schema_json(v4, version=4, version_minor=v4.nbformat_minor)
        if ref not in schema.get("definitions", {}):
            return None
        return fastjsonschema.compile({**schema, "$ref": f"#/definitions/{ref}"})
    except Exception:  # another nbformat or no fastjsonschema: the uncompiled check as before
        return None
