"""Names instead of keys in the prose a reader sees (the mayor reads "Briefwahl und
Wahlschein", never ``briefwahl``).

Notes of the analysis are built for analysts and name Leistungen by id and Kommunen by key
("fundsachen: im SOLL mehr …"); reports pass them through :func:`with_names` before escaping.
A file path (``fundsachen/steckbrief.yaml``) is left alone: it names a file, not the Leistung.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .data import ReportContext


def name_map(ctx: ReportContext) -> dict[str, str]:
    """Every Leistung id and Kommune key of the knowledge base → its name."""
    leistungen = dict(zip(ctx.repo.leistungen["id"].astype(str),
                          ctx.repo.leistungen["name"].astype(str), strict=True))
    kommunen = dict(zip(ctx.repo.kommunen["schluessel"].astype(str),
                        ctx.repo.kommunen["name"].astype(str), strict=True))
    return {**kommunen, **leistungen}


def replace_keys(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every whole-word key of ``names`` replaced by its name (longest key first;
    a key inside a path, a file name or a longer word stays)."""
    keys = sorted((k for k in names if k), key=len, reverse=True)
    if not keys:
        return text
    pattern = re.compile(r"(?<![\w/.\-])(" + "|".join(map(re.escape, keys)) + r")(?![\w/\-]|\.\w)")
    return pattern.sub(lambda m: names[m.group(1)], text)


def with_names(ctx: ReportContext, text: str) -> str:
    """A note of the analysis with names instead of Leistung ids and Kommune keys."""
    return replace_keys(text, name_map(ctx))


def mentions(text: str, keys: list[str]) -> bool:
    """Whether ``text`` names one of ``keys`` as a whole word (not inside a path)."""
    return replace_keys(text, dict.fromkeys(keys, "\0")) != text
