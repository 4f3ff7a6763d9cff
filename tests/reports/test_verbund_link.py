"""A Kommune report links to the Verbund report only where one is beside it (issue 14, left over:
a report built with ``--ohne-verbund`` linked to a dead ``verbund.html``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLE
from workbench.cli.report_cmd import _verbund_link
from workbench.report_content import common, load_context
from workbench.report_content import kommune as teil
from workbench.reports.jobs import installed_templates, jobs_for_repository
from workbench.repository import Repository

GRASBERG = "033560002"
SENTENCE = "Hinweise, die den ganzen Verbund betreffen, stehen im "


def _notes(verbund_report: str | None) -> str:
    ctx = load_context(EXAMPLE)
    rows = teil.rows_of(ctx, GRASBERG)
    return common.calculation_notes(ctx, rows, list(teil.top_rows(ctx, GRASBERG)["leistung"]),
                                    verbund_report=verbund_report)


def test_link_only_with_a_verbund_report() -> None:
    linked = _notes("verbund.html")
    assert SENTENCE + "<a href='verbund.html'>Verbundbericht</a>." in linked
    plain = _notes(None)
    assert SENTENCE + "Verbundbericht; er wurde zusammen mit diesem Bericht nicht erstellt." \
        in plain
    assert "<a " not in plain and "verbund.html" not in plain
    assert "href='verbund.pdf'" in _notes("verbund.pdf")


def _link_of(**kwargs: object) -> set[object]:
    repo = Repository.load(EXAMPLE)
    jobs = jobs_for_repository(repo, kommunen=[GRASBERG], stand="2026-11-24", top_n=5,
                               template_dir=installed_templates(), **kwargs)
    return {j.parameters["verbundbericht"] for j in jobs if j.kind == "kommune"}


def test_jobs_pass_the_link_only_when_the_verbund_report_is_made_or_there() -> None:
    assert _link_of(include_verbund=True) == {"verbund.html"}
    assert _link_of(include_verbund=False) == {None}
    assert _link_of(include_verbund=False, verbund_link="verbund.pdf") == {"verbund.pdf"}


def test_cli_finds_a_verbund_report_of_an_earlier_run(tmp_path: Path) -> None:
    assert _verbund_link(tmp_path, "html,pdf", include_verbund=False) is None
    assert _verbund_link(tmp_path, "html,pdf", include_verbund=True) == "verbund.html"
    assert _verbund_link(tmp_path, "pdf", include_verbund=True) == "verbund.pdf"
    (tmp_path / "verbund.html").write_text("<html></html>", encoding="utf-8")
    assert _verbund_link(tmp_path, "html", include_verbund=False) == "verbund.html"
    assert _verbund_link(tmp_path, "pdf", include_verbund=False) is None  # no verbund.pdf there
