"""HTML → PDF through headless Chromium."""

from __future__ import annotations

import pytest

from tests.reports.test_html import executed_notebook
from workbench.reports import pdf
from workbench.reports.html import notebook_to_html

CHROMIUM = pdf.find_chromium()


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium fehlt (apt-get install chromium)")
def test_pdf_from_report_html():
    data = pdf.html_to_pdf(notebook_to_html(executed_notebook(), title="Bericht Grasberg"))
    assert data.startswith(b"%PDF")
    assert len(data) > 1000


def test_missing_chromium_gives_german_hint(monkeypatch):
    monkeypatch.setattr(pdf, "CHROMIUM_CANDIDATES", ())
    monkeypatch.delenv("WERKBENCH_CHROMIUM", raising=False)
    with pytest.raises(pdf.PdfError, match="apt-get install chromium"):
        pdf.html_to_pdf(b"<html></html>")


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium fehlt (apt-get install chromium)")
def test_batch_writes_html_and_pdf(tmp_path, make_jobs):
    from workbench.reports.batch import run_batch

    out = tmp_path / "reports"
    jobs = make_jobs(keys=["033560002"], verbund=False)
    result = run_batch(jobs, out_dir=out, jobs_n=1, formats=["html", "pdf"], progress=False)
    assert result.exit_code == 0, result.summary()
    assert (out / "033560002_test.pdf").read_bytes().startswith(b"%PDF")
    assert result.results[0].files == ["033560002_test.html", "033560002_test.pdf"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="033560002_test.pdf"' in index
    html_only = run_batch(jobs, out_dir=out, jobs_n=1, formats=["html"], progress=False)
    assert html_only.results[0].status == "übersprungen"


def test_links_to_files_beside_the_page_are_dropped_for_print():
    page = (b"<p><a href='verbund.html'>Verbundbericht</a> <a href=\"teil 2.pdf\">T</a> "
            b"<a href='#oben'>oben</a> <a href='https://example.org/'>Web</a></p>"
            b"<svg><use href=\"#karte-1\"/><use xlink:href='#karte-2'/></svg>")
    out = pdf.without_sibling_links(page)
    assert b"verbund.html" not in out and b"teil 2.pdf" not in out
    assert b"<a>Verbundbericht</a>" in out  # the text stays
    for kept in (b"href='#oben'", b"href='https://example.org/'", b'href="#karte-1"',
                 b"xlink:href='#karte-2'"):
        assert kept in out, kept


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium fehlt (apt-get install chromium)")
def test_pdf_has_no_link_into_the_temporary_folder():
    """Chromium printed href='verbund.html' as file:///tmp/werkbench-pdf-…/verbund.html: a dead
    link for the reader and a random path in the bytes."""
    data = pdf.html_to_pdf(b"<html><body><p>Im <a href='verbund.html'>Verbundbericht</a>."
                           b"</p></body></html>")
    assert b"werkbench-pdf" not in data and b"file://" not in data
