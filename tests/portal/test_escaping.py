"""Hostile strings from the knowledge base are shown as text, never run: names, Steckbrief
fields, step names, lanes, systems, legal bases and glossary terms (the browser half is in
tests/browser/test_portal.py)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from tests.portal.conftest import build, files

HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>'
XML_HOSTILE = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_hostile(kb: Path) -> None:
    """Put the hostile string everywhere a knowledge base has free text (each replacement is
    checked, so a changed example cannot silently weaken the test)."""
    catalogue = kb / "leistungen.yaml"
    text = catalogue.read_text(encoding="utf-8").replace("    name: Hundeanmeldung",
                                                         f"    name: 'Hund {HOSTILE}'")
    assert HOSTILE in text, "leistungen.yaml hat sich geändert"
    catalogue.write_text(text, encoding="utf-8")
    brief = kb / "hundeanmeldung" / "steckbrief.yaml"
    text = brief.read_text(encoding="utf-8")
    text = text.replace('verantwortlich: "Sachgebietsleitung Steuern und Abgaben"',
                        f"verantwortlich: 'Leitung {HOSTILE}'")
    text = text.replace('  - "§ 3 NKAG (Steuern)"',
                        f"  - name: 'Satzung {HOSTILE}'\n    uri: 'javascript:alert(3)'\n"
                        "  - name: 'Ortsrecht'\n    uri: 'https://fremd.example/satzung'")
    text = text.replace("kurzbeschreibung: >-", f"kurzbeschreibung: 'Kurz {HOSTILE}'\nalt: >-")
    text = text.replace('fachverfahren: ["Finanzwesen mit Steuermodul (z. B. Infoma newsystem)"',
                        f"fachverfahren: ['javascript:alert(4)', 'Verfahren {HOSTILE}'")
    assert text.count(HOSTILE) == 4, "steckbrief.yaml der Hundeanmeldung hat sich geändert"
    brief.write_text(text, encoding="utf-8")
    model = kb / "hundeanmeldung" / "soll.bpmn"
    text = model.read_text(encoding="utf-8")
    text = text.replace('name="Steuerfall prüfen und freigeben"', f'name="Schritt {XML_HOSTILE}"')
    text = text.replace('<bpmn:lane id="Lane_3" name="Steueramt"',
                        f'<bpmn:lane id="Lane_3" name="Amt {XML_HOSTILE}"')
    text = text.replace('wb:system="Finanzwesen" wb:phase="bearbeitung" wb:automation="assistiert"',
                        f'wb:system="System {XML_HOSTILE}" wb:phase="bearbeitung" '
                        'wb:automation="assistiert"')
    text = text.replace('wb:rechtsgrundlage="§ 3 NKAG (Steuern)"',
                        f'wb:rechtsgrundlage="Paragraf {XML_HOSTILE}"')
    text = text.replace('name="Hundesteuerbescheid"', f'name="Dokument {XML_HOSTILE}"')
    assert text.count(XML_HOSTILE) == 5, "soll.bpmn der Hundeanmeldung hat sich geändert"
    model.write_text(text, encoding="utf-8")
    (kb / "glossar.yaml").write_text(
        f"begriffe:\n  - begriff: 'Begriff {HOSTILE}'\n    erklaerung: 'Erklärung {HOSTILE}'\n",
        encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from tests.conftest import EXAMPLE

    base = tmp_path_factory.mktemp("feindlich")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    make_hostile(kb)
    build(kb, base / "site")
    return base / "site"


class _Elements(HTMLParser):
    """Every start tag with its attributes and every script body, as a browser parses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def test_pages_run_only_the_portal_scripts(hostile_site: Path) -> None:
    for rel, data in files(hostile_site).items():
        if not rel.endswith(".html"):
            continue
        parser = _Elements()
        parser.feed(data.decode("utf-8"))
        for tag, attrs in parser.tags:
            assert not any(name.startswith("on") for name in attrs), (rel, tag, attrs)
            assert tag not in ("iframe", "object", "embed", "base"), (rel, tag)
            for name in ("href", "src", "action"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith(("javascript:", "http:", "https:", "//")), (rel, attrs)
        assert sum(tag == "img" and attrs.get("src") == "x" for tag, attrs in parser.tags) == 0
        for attrs, body in parser.scripts:
            if attrs.get("type") == "application/json":
                assert "<" not in body and ">" not in body, rel  # a data block cannot be closed
                json.loads(body)
                continue
            assert re.fullmatch(r"(\.\./)?assets/[a-z-]+\.js", attrs.get("src") or ""), (rel, attrs)
            assert body == "", rel


def test_hostile_text_is_shown_escaped(hostile_site: Path) -> None:
    page = (hostile_site / "prozess" / "hundeanmeldung.html").read_text(encoding="utf-8")
    shown = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    for where in ("Hund ", "Kurz ", "Leitung ", "Satzung ", "Verfahren ", "Schritt ", "Amt ",
                  "Paragraf ", "Dokument "):
        assert where + shown in page, where
    assert 'href="javascript' not in page and 'href="https://fremd' not in page
    glossary = (hostile_site / "glossar.html").read_text(encoding="utf-8")
    assert "Begriff " + shown in glossary and "Erklärung " + shown in glossary
    roles = (hostile_site / "rollen.html").read_text(encoding="utf-8")
    assert "Amt " + shown in roles
    legal = (hostile_site / "rechtsgrundlagen.html").read_text(encoding="utf-8")
    assert "Paragraf " + shown in legal


def test_search_index_and_images_are_inert(hostile_site: Path) -> None:
    index = (hostile_site / "assets" / "suche-index.js").read_text(encoding="utf-8")
    assert "<" not in index and "Hund \\u003c/script" in index
    for svg in (hostile_site / "bilder").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text, svg.name
        # no event handler in any tag; a hostile name as text (tooltip <title>) is inert
        assert re.search(r"<[^>]*\son\w+\s*=", text) is None, svg.name
        root = etree.fromstring(text.encode("utf-8"))
        assert not [a for el in root.iter() if isinstance(el.tag, str) for a in el.attrib
                    if a.lower().startswith("on")], svg.name


def test_every_page_has_the_strict_csp(hostile_site: Path) -> None:
    from markupsafe import escape

    from workbench.portal.site import CSP

    assert "default-src 'none'" in CSP and "script-src 'self'" in CSP and "http" not in CSP
    pages = [p for p in hostile_site.rglob("*.html")]
    assert len(pages) > 30
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">' in text, page
        assert re.search(r'(src|href)="(https?:)?//', text) is None, page  # nothing from outside
