"""Issue 11, item 9: report HTML is cleaned by a real HTML5 parser (nh3), not by regexes.

The hostile fragments are the ones that passed the old regex sanitiser; each is checked with an
independent parser (lxml.html) for what a browser would run or load.
"""

from __future__ import annotations

import collections

import pytest
from lxml import html as lxml_html

from workbench.reports.html import CSP, inline_svg, notebook_to_html, sanitize

HOSTILE = [
    "<img/src/onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<img src=x onerror=alert(1)",  # unclosed tag
    "<p><b>fett<i>kursiv",  # unclosed elements
    '<div style="b\\61 ckground: u\\72l(https://example.org/x.png)">css escape</div>',
    '<div style="background:url(//example.org/x)">x</div>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="https://example.org/">extern</a>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>',
    '<svg><use href="https://example.org/s.svg#a"/><image href="https://example.org/x.png"/></svg>',
    '<svg><rect fill="url(https://example.org/p)"/></svg>',
    "<svg><foreignObject><iframe src=x></iframe></foreignObject></svg>",
    "<style>@import url(https://example.org/x.css)</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<form action=https://example.org><button formaction=x>b</button></form>",
    '<meta http-equiv="refresh" content="0;url=https://example.org">',
    '<base href="https://example.org/">',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "<!--><img src=x onerror=alert(1)>-->",
]


def _dangers(fragment: str) -> list[str]:
    """What a browser would execute or fetch, seen by an independent parser."""
    found = []
    root = lxml_html.fragment_fromstring(f"<div>{fragment}</div>")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "iframe", "object", "embed", "meta", "base", "form", "style",
                   "link", "foreignobject", "noscript"):
            found.append(tag)
        for key, value in el.attrib.items():
            name = key.rsplit("}", 1)[-1].lower().rsplit(":", 1)[-1]
            low = "".join(value.split()).lower()
            if name.startswith("on"):
                found.append(f"{tag}@{name}")
            if name in ("href", "src", "action", "formaction", "data") and (
                    (":" in low.split("#")[0] and not low.startswith("data:image/png"))
                    or low.startswith("//")):
                found.append(f"{tag}@{name}={value}")
            if "url(" in low and "url(#" not in low:
                found.append(f"{tag}@{name}:url")
            if "\\" in value and name == "style":
                found.append(f"{tag}@style-escape")
    return found


@pytest.mark.parametrize("fragment", HOSTILE)
def test_hostile_fragment_is_harmless(fragment: str) -> None:
    assert _dangers(fragment) or "fett" in fragment  # the case really is hostile (or unclosed)
    assert _dangers(sanitize(fragment)) == []
    assert _dangers(inline_svg(fragment)) == []


def test_unclosed_markup_is_closed() -> None:
    assert sanitize("<p><b>fett<i>kursiv") == "<p><b>fett<i>kursiv</i></b></p>"


def test_page_keeps_the_csp() -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output(
        "display_data", data={"text/html": "".join(HOSTILE), "text/plain": "x"})])])
    page = notebook_to_html(nb, title="t").decode()
    assert f'content="{CSP}"' in page and "default-src 'none'" in CSP
    body = page.split("<body>", 1)[1]
    assert _dangers(body) == []


@pytest.mark.parametrize("mime", ["text/html", "image/svg+xml", "text/markdown"])
def test_every_output_route_is_sanitised(mime: str) -> None:
    """HTML, SVG and Markdown outputs of a template and its Markdown cells: nothing runs."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    hostile = "".join(HOSTILE)
    nb = new_notebook(cells=[
        new_markdown_cell(hostile),
        new_code_cell("x", outputs=[new_output("display_data", data={mime: hostile})])])
    body = notebook_to_html(nb, title="t").decode().split("<body>", 1)[1]
    assert _dangers(body) == []


def test_no_regex_sanitiser_left() -> None:
    """Report HTML is cleaned in one place (nh3); the exporter has no regex filters of its own."""
    import inspect

    from workbench.reports import html as html_module
    from workbench.reports import sanitize as sanitize_module

    assert "nh3.Cleaner" in inspect.getsource(sanitize_module)
    source = inspect.getsource(html_module)
    assert "onerror" not in source and "javascript" not in source.lower()
    assert "url\\(" not in source and "@import" not in source


def _inventory(fragments: list[str]) -> collections.Counter:
    counts: collections.Counter = collections.Counter()
    for fragment in fragments:
        for el in lxml_html.fragment_fromstring(fragment, create_parent="div").iter():
            if isinstance(el.tag, str) and el.tag not in ("tbody", "metadata", "style") and \
                    not el.tag.startswith(("rdf:", "dc:", "cc:")):
                counts[el.tag] += 1
                counts.update((el.tag, a) for a in el.attrib if not a.startswith("xmlns"))
    return counts


@pytest.mark.slow
def test_real_report_fragments_lose_nothing(example_copy) -> None:
    """Every element and attribute of the real report fragments (maps, charts, tables) survives."""
    from workbench.report_content import kommune, verbund
    from workbench.report_content.data import load_context

    ctx = load_context(example_copy, stand="2026-11-24")
    key = str(ctx.repo.kommunen["schluessel"].iloc[1])
    fragments = [f(ctx, key) for f in (kommune.cover, kommune.summary, kommune.ranking_table,
                                       kommune.portfolio, kommune.leistung_details,
                                       kommune.against_verbund)]
    fragments += [f(ctx) for f in (verbund.cover, verbund.summary, verbund.members,
                                   verbund.heatmap, verbund.ranking, verbund.efa)]
    before, after = _inventory(fragments), _inventory([sanitize(f) for f in fragments])
    lost = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not lost
