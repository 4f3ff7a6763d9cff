"""pyphen's German patterns read lazily: the same patterns and break points as pyphen's parse."""

from __future__ import annotations

import re
from pathlib import Path

import pyphen

from tests.conftest import EXAMPLE
from workbench import bpmn
from workbench.maps import hyphenation
from workbench.maps.wording import break_points


def test_every_pattern_is_pyphens() -> None:
    eager = pyphen.HyphDict(Path(pyphen.LANGUAGES["de_DE"]))
    lazy = hyphenation.german().hd
    assert set(lazy.patterns.raw) == set(eager.patterns)
    assert all(lazy.patterns.get(key) == value for key, value in eager.patterns.items())
    assert lazy.maxlen == eager.maxlen
    assert lazy.patterns.get("gibtsnicht") is None


def test_words_of_the_example_break_as_with_pyphen() -> None:
    words = set()
    for path in sorted(EXAMPLE.glob("*/*.bpmn")):
        for node in bpmn.read(path).flow_nodes():
            words.update(w for w in re.findall(r"[A-Za-zÄÖÜäöüß]+", node.name) if len(w) > 5)
    assert len(words) > 200
    eager, lazy = pyphen.Pyphen(lang="de_DE"), hyphenation.german()
    assert {w: lazy.positions(w) for w in words} == {w: eager.positions(w) for w in words}
    assert break_points("Entsorgungsbetrieb") == (3, 6, 11, 13)  # Ent-sor-gungs-be-trieb


def test_what_the_lazy_reading_does_not_cover_goes_to_pyphen(tmp_path: Path) -> None:
    plain = tmp_path / "hyph_xx.dic"
    plain.write_text("UTF-8\n% comment\nLEFTHYPHENMIN 2\n  a1b  \n.ab0c\na0b\n1ca\n",
                     encoding="utf-8")
    hyph = hyphenation._lazy_dict(plain, pyphen)
    eager = pyphen.HyphDict(plain)
    assert {k: hyph.patterns.get(k) for k in eager.patterns} == eager.patterns
    assert set(hyph.patterns.raw) == set(eager.patterns) == {"ab", "ca"}
    assert hyph.patterns.get("ab") == (1, (1,))  # the later all-zero "a0b" is left out
    for text in ("UTF-8\n^^e4b1\n", "UTF-8\nc1k/k=k,1,1\n"):
        plain.write_text(text, encoding="utf-8")
        assert hyphenation._lazy_dict(plain, pyphen) is None
