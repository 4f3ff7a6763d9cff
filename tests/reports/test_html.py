"""Our notebook → HTML exporter: no code, escaped, self-contained, printable, deterministic."""

from __future__ import annotations

import base64
import re

import nbformat
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

from workbench.reports.html import notebook_to_html, sanitize

PNG = base64.b64encode(
    bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                  "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
).decode()
EVIL = "<script>alert(1)</script>"


def executed_notebook() -> nbformat.NotebookNode:
    """An 'executed' notebook with every output kind a report can contain."""
    nb = new_notebook()
    nb.cells = [
        new_code_cell('kommune = "1"', metadata={"tags": ["parameters"]}),
        new_code_cell('kommune = "2"', metadata={"tags": ["injected-parameters"]}, outputs=[
            new_output("stream", name="stdout", text="PARAMETER-AUSGABE")]),
        new_markdown_cell("# Bericht\n\n| Leistung | Fälle |\n|---|---|\n| Hund | 3 |\n"),
        new_code_cell("geheimer_code = 1\nprint(geheimer_code)", execution_count=3, outputs=[
            new_output("stream", name="stdout", text=f"Leistung {EVIL}\n"),
            new_output("stream", name="stderr", text="DeprecationWarning: intern\n"),
            new_output("execute_result", execution_count=3, data={"text/plain": f"'{EVIL}'"}),
            new_output("display_data", data={
                "text/html": '<table class="t"><tr><td onclick="x()">1</td></tr></table>'
                             '<img src="https://example.org/x.png"><a href="http://example.org">'
                             'extern</a><a href="verbund.html">intern</a><script>bad()</script>',
                "text/plain": "<IPython.core.display.HTML object>"}),
            new_output("display_data", data={
                "image/svg+xml": '<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/'
                                 '2000/svg" onload="x()"><metadata><dc:date>2026-01-01T10:00'
                                 '</dc:date></metadata><text>Karte</text></svg>',
                "text/plain": "<SVG>"}),
            new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"},
                       metadata={"image/png": {"width": 10}}),
            new_output("display_data", data={"text/markdown": f"**fett** {EVIL}",
                                             "text/plain": "md"}),
        ]),
        new_code_cell("1/0", outputs=[new_output("error", ename="ZeroDivisionError",
                                                 evalue=f"\x1b[31mdivision by zero {EVIL}",
                                                 traceback=["\x1b[31mTraceback …"])]),
        new_code_cell("versteckt()", metadata={"tags": ["remove-output"]}, outputs=[
            new_output("stream", name="stdout", text="VERSTECKT")]),
    ]
    return nb


def test_no_code_no_prompts_no_scripts():
    page = notebook_to_html(executed_notebook(), title="Bericht Grasberg").decode()
    assert "geheimer_code" not in page and "kommune =" not in page
    assert 'class="input"' not in page and "In&nbsp;[" not in page and "In [" not in page
    assert "<script" not in page.lower()
    assert "onclick" not in page and "onload" not in page
    assert "PARAMETER-AUSGABE" not in page and "VERSTECKT" not in page
    assert "DeprecationWarning" not in page
    assert "<title>Bericht Grasberg</title>" in page


def test_every_text_is_escaped():
    page = notebook_to_html(executed_notebook(), title=f"Bericht {EVIL}").decode()
    assert "Leistung &lt;script&gt;alert(1)&lt;/script&gt;" in page  # stdout
    assert "&#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;" in page  # text/plain result
    assert "<strong>fett</strong> &lt;script&gt;" in page  # markdown output: raw HTML escaped
    assert f"<title>Bericht {EVIL}</title>" not in page


def test_rich_outputs_rendered():
    page = notebook_to_html(executed_notebook(), title="t").decode()
    assert "<h1>Bericht</h1>" in page and "<td>Hund</td>" in page  # markdown cell with table
    assert '<table class="t">' in page
    assert "<svg" in page and "Karte" in page and "<?xml" not in page and "dc:date" not in page
    assert f'src="data:image/png;base64,{PNG}"' in page and 'width="10"' in page
    assert 'class="fehlerbox"' in page and "Fehler bei der Berichtserstellung" in page
    assert "ZeroDivisionError: division by zero &lt;script&gt;" in page and "\x1b" not in page


def test_self_contained_and_printable():
    page = notebook_to_html(executed_notebook(), title="t").decode()
    refs = re.findall(r'\b(?:src|href)\s*=\s*["\']([^"\']*)', page)
    assert refs and not [r for r in refs if r.startswith(("http:", "https:", "//"))]
    assert "<link" not in page and "@import" not in page and "@font-face" not in page
    assert 'href="verbund.html"' in page  # relative links between reports stay
    assert "@media print" in page and "@page" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_deterministic():
    first = notebook_to_html(executed_notebook(), title="t")
    second = notebook_to_html(nbformat.reads(nbformat.writes(executed_notebook()), 4), title="t")
    assert first == second


def test_sanitize_keeps_harmless_markup():
    fragment = ('<div class="box" style="color:red"><a href="#abschnitt">Sprung</a>'
                '<span title="a &gt; b">x</span><br></div>')
    assert sanitize(fragment) == fragment
    assert sanitize('<a href="javascript:alert(1)">x</a>') == "<a>x</a>"
    assert sanitize('<div style="background:url(http://x/y.png)">x</div>') == "<div>x</div>"
    assert sanitize("<iframe src='x'></iframe><p>ok</p>") == "<p>ok</p>"


def test_large_fragment_cleaned_once_and_the_same_every_time(monkeypatch) -> None:
    """A long map (>= MEMO_MIN_CHARS) is cleaned once per process and then taken from the memo:
    the same result as a fresh cleaning, also for a dangerous one; the memo keeps its bound."""
    from workbench.reports import sanitize as mod

    shapes = "".join(f'<rect x="{i}" y="1" width="2" height="3" fill="url(#g)"/>'
                     for i in range(400))
    evil = ('<svg viewBox="0 0 9 9"><script>alert(1)</script><a href="javascript:x()">'
            f'<text>t</text></a><use xlink:href="http://x/y#z"/>{shapes}'
            '<rect fill="url(http://x/p)" onload="x()"/></svg>')
    assert len(evil) >= mod.MEMO_MIN_CHARS
    fresh = mod._CLEANER.clean(evil)
    calls = []
    clean = mod._CLEANER.clean
    monkeypatch.setattr(mod, "_CLEANER", type("Counting", (), {
        "clean": staticmethod(lambda text: calls.append(len(text)) or clean(text))}))
    monkeypatch.setattr(mod, "_memo", type(mod._memo)())
    monkeypatch.setattr(mod, "_memo_chars", 0)
    assert [mod.sanitize(evil) for _ in range(3)] == [fresh] * 3
    assert calls == [len(evil)]  # cleaned once
    assert "script" not in fresh and "javascript" not in fresh and "http" not in fresh
    assert "onload" not in fresh and fresh.count('fill="url(#g)"') == 400
    small = "<p>" + "x" * 10 + "</p>"
    mod.sanitize(small)
    mod.sanitize(small)
    assert calls[1:] == [len(small)] * 2  # short fragments are not remembered
    monkeypatch.setattr(mod, "MEMO_MAX_CHARS", 2 * len(fresh))
    for i in range(5):  # distinct large fragments: the oldest are dropped
        mod.sanitize(evil.replace("<text>t</text>", f"<text>{i}</text>"))
    assert mod._memo_chars <= 2 * len(fresh) and len(mod._memo) == 2
