"""The `workbench` command line: parses, calls the library, prints. No logic of its own."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Sequence
from typing import TextIO

from ..text import neutralize_terminal
from .common import EXIT_INPUT, GermanParser

#: Command modules, each with ``register(subparsers)``; order is the order in ``--help``.
COMMAND_MODULES = (
    "workbench.cli.bpmn_cmd",
    "workbench.cli.metrics_cmd",
    "workbench.cli.levels_cmd",
    "workbench.cli.kb_cmd",
    "workbench.cli.potential_cmd",
    "workbench.cli.strategie_cmd",
    "workbench.cli.map_cmd",
    "workbench.cli.diff_cmd",
    "workbench.cli.report_cmd",
    "workbench.cli.portal_cmd",
    "workbench.cli.simulation_cmd",
)


def build_parser() -> GermanParser:
    """The full argument parser with every registered command."""
    parser = GermanParser(
        prog="workbench",
        description="Prozess-Werkbench: Wissensbasis, BPMN-Modelle, Digitalisierungspotenzial "
        "und Berichte für Kommunen.",
    )
    sub = parser.add_subparsers(dest="command", metavar="BEFEHL", required=True,
                                parser_class=GermanParser)
    groups: dict[str, object] = {}
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        result = module.register(sub)
        if name.endswith("bpmn_cmd"):
            groups["bpmn"] = result
        if hasattr(module, "register_bpmn"):
            module.register_bpmn(groups["bpmn"])
    return parser


class _SafeStream:
    """A text stream that shows bidi controls and escape introducers instead of obeying them:
    names from a knowledge base cannot reorder or rewrite what the terminal shows."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(neutralize_terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = saved


def run() -> None:
    """The console script: :func:`main`, then exit. Before the interpreter's shutdown every
    object is frozen (``gc.freeze``): its final garbage collections then skip the hundreds of
    thousands of objects of pandas, numpy & co. that die with the process anyway (about
    0.1 CPU-s at the end of ``workbench report``; output and exit code unchanged)."""
    code = main()
    gc.freeze()
    sys.exit(code)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt as err:
        from ..reports.stopping import EXIT_TERMINATED, Terminated

        if isinstance(err, Terminated):
            print("Abgebrochen (Signal SIGTERM).", file=sys.stderr)
            return EXIT_TERMINATED
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"Fehler: {where}Datei konnte nicht gelesen oder geschrieben werden "
              f"(Betriebssystem: {err.strerror or err}). Bitte Pfad, Rechte und freien "
              "Speicherplatz prüfen.", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    run()
