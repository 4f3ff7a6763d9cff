"""Shared CLI helpers: a German argparse, tables, JSON lines, exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from ..text import json_escape_controls

EXIT_OK = 0
EXIT_FINDINGS = 1  # the command ran; the content has errors
EXIT_INPUT = 2  # input rejected or wrong usage

_TRANSLATIONS = (
    ("the following arguments are required", "diese Angaben fehlen"),
    ("unrecognized arguments", "unbekannte Angaben"),
    ("invalid choice", "ungültige Auswahl"),
    ("choose from", "erlaubt sind"),
    ("expected one argument", "erwartet einen Wert"),
    ("argument", "Angabe"),
    ("not allowed with argument", "nicht zusammen mit"),
    ("one of the arguments", "eine der Angaben"),
    ("is required", "ist nötig"),
    ("invalid int value", "keine ganze Zahl"),
    ("invalid float value", "keine Zahl"),
)


class GermanParser(argparse.ArgumentParser):
    """ArgumentParser whose errors and headings are German."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", help="diese Hilfe zeigen und beenden")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "Aufruf:")

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "Aufruf:")

    def error(self, message: str) -> NoReturn:
        for english, german in _TRANSLATIONS:
            message = message.replace(english, german)
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: Fehler: {message}\n")


def fail(message: str, code: int = EXIT_INPUT) -> int:
    """Print a German one-line error to stderr and return the exit code."""
    print(f"Fehler: {message}", file=sys.stderr)
    return code


def print_json_lines(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        print(json_escape_controls(json.dumps(row, ensure_ascii=False, sort_keys=False,
                                              default=str)))


def print_table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """A plain, aligned text table (German headers given by the caller)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def print_import_report(report: Any) -> int:
    """Print what an import did (``kb.imports.ImportReport``); exit 1 when rows were rejected."""
    print(report.summary())
    for n, reason in report.rejected:
        print(f"  abgelehnt: Zeile {n}: {reason}")
    for note in report.notes:
        print(f"  Hinweis: {note}")
    print(f"Geschrieben: {report.written}" if report.written else "Keine Änderung geschrieben.")
    return EXIT_FINDINGS if report.rejected else EXIT_OK
