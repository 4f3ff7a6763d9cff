"""YAML for the knowledge base: safe reading with line numbers, comment-preserving writing.

Reading uses libyaml's C scanner and parser when PyYAML has it (about five times faster than
the pure-Python one; the marks keep line and column for the German messages). Composition
(alias refusal, depth limit) and construction stay in Python, so both paths give the same data
and refuse the same files. Without libyaml the pure-Python parser is used.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..fileio import atomic_write_text

try:  # libyaml's C parser (events with marks); absent in some PyYAML builds
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    _CParser = None

if TYPE_CHECKING:
    from ruamel.yaml import YAML

LINE_KEY = "__line__"


class YamlFileError(ValueError):
    """A YAML file that cannot be read, with a German message naming file and line."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line = path, line
        where = f", Zeile {line}" if line else ""
        super().__init__(f"{path.name}{where}: {message}")
        self.message = message


#: Deepest nesting of lists and mappings a knowledge-base file may have (real files: < 6).
MAX_DEPTH = 64


class UnsafeYaml(yaml.YAMLError):
    """YAML the knowledge base refuses (aliases, too deep); German ``problem`` and its mark."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class InvalidDate(str):
    """A date-shaped scalar that is no date (``2026-13-45``); the loaders report it with its line."""

    line: int | None = None

    def __new__(cls, text: str, line: int | None = None) -> InvalidDate:
        self = super().__new__(cls, text)
        self.line = line
        return self

    def finding_text(self) -> str:
        """The German message for a finding."""
        return f"'{self}' ist kein gültiges Datum (JJJJ-MM-TT, z. B. 2026-11-24)."


def _too_deep() -> str:
    return (f"Die Daten sind tiefer als {MAX_DEPTH} Ebenen verschachtelt; das ist für die "
            "Wissensbasis nicht vorgesehen.")


class _KbChecks:
    """Composition and construction rules of every knowledge-base loader: no aliases, bounded
    depth, impossible dates kept as :class:`InvalidDate`."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            event = self.peek_event()  # type: ignore[attr-defined]
            raise UnsafeYaml("YAML-Verweise (*name) sind in der Wissensbasis nicht erlaubt "
                             "(Schutz vor Alias-Bomben). Bitte den Wert an dieser Stelle "
                             "ausschreiben.", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise UnsafeYaml(_too_deep(), self.peek_event().start_mark)  # type: ignore[attr-defined]
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except (ValueError, OverflowError):
            return InvalidDate(node.value, node.start_mark.line + 1)


class PySafeKbLoader(_KbChecks, yaml.SafeLoader):
    """The knowledge-base loader on PyYAML's pure-Python scanner and parser."""


PySafeKbLoader.add_constructor("tag:yaml.org,2002:timestamp",
                               PySafeKbLoader.construct_yaml_timestamp)

if _CParser is not None:
    class SafeKbLoader(_KbChecks, Composer, _CParser, SafeConstructor, Resolver):
        """SafeLoader without aliases and with a depth limit; dates that do not exist are kept
        as :class:`InvalidDate` (the loaders report them with their line; the rest of the file
        is read).

        Aliases (``*name``) are refused: nine levels of them expand a few bytes into gigabytes
        once any code walks the data (an "alias bomb"), and the knowledge base never needs them.
        libyaml scans and parses; the Python composer above checks every node.
        """

        def __init__(self, stream: str | bytes) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

        def get_single_node(self) -> yaml.Node | None:
            try:
                return super().get_single_node()
            except yaml.MarkedYAMLError as err:  # libyaml stops at 1000 levels itself
                if "nesting depth" not in str(err.problem):
                    raise
                raise UnsafeYaml(_too_deep(), err.problem_mark) from None

    SafeKbLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                 SafeKbLoader.construct_yaml_timestamp)
else:  # pragma: no cover - depends on the PyYAML build
    SafeKbLoader = PySafeKbLoader  # type: ignore[misc]


def check_yaml_text(text: str) -> None:
    """Raise :class:`UnsafeYaml` for aliases or excessive nesting (before any other loader)."""
    yaml.compose(text, Loader=SafeKbLoader)


class _LineLoader(SafeKbLoader):
    """SafeKbLoader that records the line of every mapping under ``__line__``."""


class Line(int):
    """The line of a mapping (an int) that also knows the line of each of its keys."""

    keys: dict[str, int]

    def __new__(cls, line: int, keys: dict[str, int]) -> Line:
        self = super().__new__(cls, line)
        self.keys = keys
        return self


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = SafeConstructor.construct_mapping(loader, node, deep=True)
    keys = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    mapping[LINE_KEY] = Line(node.start_mark.line + 1, keys)
    return mapping


def line_of(mapping: Any, key: str) -> int | None:
    """The line of ``key`` in a mapping loaded by :func:`load_yaml` (None when unknown)."""
    line = mapping.get(LINE_KEY) if isinstance(mapping, dict) else None
    return line.keys.get(key) if isinstance(line, Line) else None


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely; mappings carry their line under ``__line__``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise YamlFileError(path, f"ist nicht UTF-8-kodiert (Byte {err.start}). Bitte als UTF-8 "
                                  "speichern.") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # SafeLoader subclass: no arbitrary objects
    except UnsafeYaml as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise YamlFileError(path, err.problem, line=line) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise YamlFileError(
            path, f"ungültiges YAML ({problem}). Bitte Einrückung, Doppelpunkte und "
                  "Anführungszeichen prüfen.", line=mark.line + 1 if mark else None) from None


def strip_lines(value: Any) -> Any:
    """A copy without the ``__line__`` bookkeeping keys."""
    if isinstance(value, dict):
        return {k: strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [strip_lines(v) for v in value]
    return value


def roundtrip_yaml() -> YAML:
    """A ruamel YAML instance that keeps comments, order and quotes."""
    from ruamel.yaml import YAML

    handler = YAML()
    handler.preserve_quotes = True
    handler.width = 4096  # never re-wrap the analysts' lines
    handler.indent(mapping=2, sequence=4, offset=2)
    return handler


def read_roundtrip(path: Path) -> Any:
    """Load YAML for editing (comments kept); refused like :func:`load_yaml` (aliases, depth)."""
    text = path.read_text(encoding="utf-8")
    try:
        check_yaml_text(text)
    except UnsafeYaml as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise YamlFileError(path, err.problem, line=line) from None
    except yaml.YAMLError:
        pass  # ruamel reports syntax errors itself
    return roundtrip_yaml().load(text)


def write_roundtrip(path: Path, data: Any) -> Path:
    """Write YAML atomically, keeping comments of a document loaded by :func:`read_roundtrip`."""
    buffer = io.StringIO()
    roundtrip_yaml().dump(data, buffer)
    return atomic_write_text(path, buffer.getvalue())
