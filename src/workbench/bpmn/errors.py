"""Errors and warnings of BPMN reading, with German messages a person can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in a BPMN file: a warning on import, a lint or XSD finding."""

    code: str
    message: str
    severity: str = "warning"  # "error" | "warning" | "info"
    element_id: str | None = None
    line: int | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line:
            where.append(f"Zeile {self.line}")
        if self.element_id:
            where.append(f"Element '{self.element_id}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class BpmnRejected(ValueError):
    """The input cannot be imported at all (not XML, not BPMN, or unsafe). One-line German reason."""

    def __init__(self, reason: str, *, source: str | None = None, code: str = "rejected") -> None:
        self.reason = reason
        self.source = source
        self.code = code
        super().__init__(f"{source}: {reason}" if source else reason)


class UnsafeXml(BpmnRejected):
    """The input uses XML features that are not allowed (DTD, entities, excessive size or depth)."""


class NotXml(BpmnRejected):
    """The input is not well-formed XML."""


class NotBpmn(BpmnRejected):
    """The input is XML, but not a BPMN 2.0 document."""
