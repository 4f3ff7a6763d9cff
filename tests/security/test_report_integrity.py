"""Issue 11, item 10: what a report and the terminal show cannot be spoofed or go stale.

Covers: the cover depends only on fingerprinted content (not on git state), bidi controls and
terminal escapes are made visible, libxml2's English refusals are German, an import never
replaces a model with one no report can evaluate (unless forced), a Kommune's IST that cannot end
is named on its report's cover, and the Dask docs show the safe (TLS, private network) setup.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT
from workbench import bpmn
from workbench.cli import main

LILIENTHAL = "033560005"
BIDI = "\u202e"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    target = tmp_path / "processes"
    shutil.copytree(EXAMPLE, target)
    return target


def _cover(kb: Path) -> str:
    from workbench.report_content import data, kommune

    data._MEMO.clear()
    try:
        return kommune.cover(data.load_context(kb, stand="2026-11-24"), LILIENTHAL)
    finally:
        data._MEMO.clear()


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org",
                    *args], check=True, capture_output=True)


def test_cover_depends_only_on_fingerprinted_content(kb):
    from workbench.reports.manifest import InputHasher
    from workbench.repository import Repository

    def fingerprint() -> str:
        return InputHasher().inputs_digest(Repository.load(kb).files())

    _git(kb, "init", "-q")
    _git(kb, "add", ".")
    _git(kb, "commit", "-qm", "Stand 1")
    before, digest = _cover(kb), fingerprint()
    (kb / "notizen.txt").write_text("nicht Teil der Wissensbasis", encoding="utf-8")  # untracked
    _git(kb, "commit", "-q", "--allow-empty", "-m", "Stand 2 ohne Inhaltsänderung")
    assert _cover(kb) == before and fingerprint() == digest
    leistungen = kb / "leistungen.yaml"
    leistungen.write_text(leistungen.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert fingerprint() != digest and _cover(kb) != before  # a real change changes both


def _with_bidi_name(kb: Path) -> str:
    path = kb / "leistungen.yaml"
    text = path.read_text(encoding="utf-8")
    assert "name: Hundeanmeldung" in text
    path.write_text(text.replace("name: Hundeanmeldung", f"name: Hunde{BIDI}gnudlemna"),
                    encoding="utf-8")
    return "Hunde⟨U+202E⟩gnudlemna"


def test_bidi_controls_are_visible_on_the_terminal(kb, capsys):
    shown = _with_bidi_name(kb)
    (kb / "fallzahlen.csv").open("a", encoding="utf-8").write(
        f'"{LILIENTHAL}",unbekannt{BIDI}\x1b[2J,2025,5,X\n')
    main(["katalog", "--repository", str(kb)])
    main(["validate", "--repository", str(kb)])
    out = capsys.readouterr()
    printed = out.out + out.err
    assert shown in printed and "⟨U+001B⟩[2J" in printed
    assert BIDI not in printed and "\x1b" not in printed


def test_json_output_keeps_the_data_exact_and_the_terminal_safe(kb, capsys):
    import json

    _with_bidi_name(kb)
    (kb / "fallzahlen.csv").open("a", encoding="utf-8").write(
        f'"{LILIENTHAL}",unbekannt{BIDI}\x1b[2J,2025,5,X\n')
    main(["validate", "--json", "--repository", str(kb)])
    printed = capsys.readouterr().out
    assert BIDI not in printed and "\x1b" not in printed and "⟨U+" not in printed
    rows = [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    assert any(f"unbekannt{BIDI}\x1b[2J" in row["message"] for row in rows)  # exact data


def test_bidi_controls_are_visible_in_reports(kb):
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from workbench.report_content.fmt import esc
    from workbench.reports.html import notebook_to_html

    assert esc(f"a{BIDI}b") == "a⟨U+202E⟩b"
    hostile = f"<p>Antrag {BIDI}fdp.exe</p>"
    nb = new_notebook(cells=[new_code_cell("x", outputs=[
        new_output("display_data", data={"text/html": hostile}),
        new_output("stream", name="stdout", text=f"\u2067{BIDI}x\u2069")])])
    page = notebook_to_html(nb, title=f"Bericht {BIDI}").decode()
    assert not any(c in page for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    assert "Antrag ⟨U+202E⟩fdp.exe" in page


@pytest.mark.slow
def test_bidi_controls_are_visible_in_the_portal(kb, tmp_path):
    from workbench.portal import build_portal
    from workbench.repository import Repository

    _with_bidi_name(kb)
    site = tmp_path / "site"
    build_portal(Repository.load(kb), site)
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert any("Hunde⟨U+202E⟩gnudlemna" in text for text in pages.values())
    assert not [p for p, text in pages.items() if BIDI in text]


ENGLISH = re.compile(r"expected|not found|mismatch|Premature|Resource limit|construct error|"
                     r"Text node|not defined|Extra content|mandates|not terminated")


@pytest.mark.parametrize(("body", "german"), [
    (f'<definitions xmlns="{BPMN_NS}"><documentation>' + "x" * 11_000_000
     + "</documentation></definitions>", "länger als 10 MB"),
    (f'<definitions xmlns="{BPMN_NS}"><process id="p"><task id="t"/>', "endet mitten im Element"),
    (f'<definitions xmlns="{BPMN_NS}"><process id="p"></task></definitions>',
     "passen nicht zusammen"),
    ("hallo welt", "kein XML"),
    (f'<definitions xmlns="{BPMN_NS}"/><x/>', "weiterer Inhalt"),
    (f'<definitions xmlns="{BPMN_NS}"><process id="p" name="A & B"/></definitions>', "&amp;"),
    (f'<definitions xmlns="{BPMN_NS}"><process id="p" name="&foo;"/></definitions>',
     "nicht definiert"),
    (f'<definitions xmlns="{BPMN_NS}"><process id=p/></definitions>', "Anführungszeichen"),
    (f'<definitions xmlns="{BPMN_NS}"><!-- x </definitions>', "Kommentar"),
])
def test_xml_parser_messages_are_german(body, german, tmp_path, capsys):
    path = tmp_path / "kaputt.bpmn"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(bpmn.BpmnRejected) as caught:
        bpmn.read(path)
    assert german in caught.value.reason and not ENGLISH.search(caught.value.reason)
    assert main(["bpmn", "inspect", str(path)]) == 2
    out = capsys.readouterr()
    assert german in out.out + out.err and "Traceback" not in out.out + out.err


def _loop_without_exit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert 'sourceRef="Schritt_15" targetRef="Schritt_16"' in text
    path.write_text(text.replace('sourceRef="Schritt_15" targetRef="Schritt_16"',
                                 'sourceRef="Schritt_15" targetRef="Schritt_14"'), encoding="utf-8")


def test_import_replaces_a_good_model_only_when_forced(kb, tmp_path, capsys):
    own = kb / "anmeldung_einwohner" / f"ist.{LILIENTHAL}.bpmn"
    bad = tmp_path / "export.bpmn"
    shutil.copy(own, bad)
    _loop_without_exit(bad)
    before = own.read_bytes()
    args = ["import", "bpmn", str(bad), "--leistung", "anmeldung_einwohner", "--variant", "ist",
            "--kommune", LILIENTHAL, "--ueberschreiben", "--repository", str(kb)]
    assert main(args) == 2 and own.read_bytes() == before
    assert "--erzwingen" in capsys.readouterr().err
    assert main([*args, "--erzwingen"]) == 0
    assert "kann nicht enden" in capsys.readouterr().err and own.read_bytes() != before


def test_cover_names_the_kommunes_ist_that_cannot_end(kb):
    own = kb / "anmeldung_einwohner" / f"ist.{LILIENTHAL}.bpmn"
    assert "Nicht auswertbare Modelle" not in _cover(kb)
    _loop_without_exit(own)
    cover = _cover(kb)
    assert "Nicht auswertbare Modelle" in cover and f"ist.{LILIENTHAL}.bpmn" in cover
    assert "kann nicht enden" in cover and "Näherung" in cover
    own.write_text("<definitions", encoding="utf-8")  # unreadable: the Verbund IST is used
    cover = _cover(kb)
    assert "nicht lesbar" in cover and "IST-Modell des Verbunds" in cover


def test_dask_docs_show_the_safe_setup():
    docs = (ROOT / "docs" / "berichte.md").read_text(encoding="utf-8")
    commands = [line for line in docs.splitlines() if line.startswith(("dask ", "workbench "))]
    assert not any("0.0.0.0" in line for line in commands)
    scheduler = next(line for line in commands if line.startswith("dask scheduler"))
    assert "--protocol tls" in scheduler
    assert any("--scheduler tls://" in line for line in commands)
    assert "--scheduler tcp://" not in docs.replace("tcp://` ohne TLS", "")


def test_neutralize_bidi_fast_path_changes_nothing():
    """Text without a bidi control comes back as it is (found in C, no character-wise pass);
    with one, every control anywhere in the text is made visible as before."""
    from workbench.text import _BIDI_TABLE, BIDI_CONTROLS, neutralize_bidi

    page = "<p>Grasberg – Hundeanmeldung</p>" * 1000
    assert neutralize_bidi(page) is page
    for control in sorted(BIDI_CONTROLS):
        text = page + control + "x" + control
        assert neutralize_bidi(text) == text.translate(_BIDI_TABLE)
        assert control not in neutralize_bidi(text) and f"U+{ord(control):04X}" in neutralize_bidi(text)
