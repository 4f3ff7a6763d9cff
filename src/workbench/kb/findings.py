"""Findings of the knowledge base: severity, file, location, German message."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITY_DE = {"error": "Fehler", "warning": "Warnung", "info": "Hinweis"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One data-quality or consistency finding in ``processes/``."""

    severity: str  # error | warning | info
    file: str  # path relative to the knowledge base root
    location: str  # "Zeile 5", "Eintrag 'hundeanmeldung'", "Element 'Task_3'" …
    message: str
    code: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file}, {self.location}" if self.location else self.file
        return f"{SEVERITY_DE.get(self.severity, self.severity)}: {where}: {self.message}"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by file and location; stable and deterministic."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.file,
                                           _natural(f.location), f.code, f.message))


def _natural(text: str) -> tuple[object, ...]:
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
