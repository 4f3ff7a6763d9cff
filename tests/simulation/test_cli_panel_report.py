"""Where users meet the simulation: the CLI, the workshop panel and the Kommune report section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, ROOT
from workbench.cli import main
from workbench.report_content import load_context
from workbench.report_content import simulation as section_module
from workbench.repository import Repository
from workbench.simulation import default_plan, load_plan
from workbench.simulation.panel import OWN, SimulationPanel
from workbench.simulation.verbund import simulate_cached
from workbench.text import german_number

SCENARIOS = ROOT / "examples" / "simulation" / "was-waere-wenn.yaml"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WERKBENCH_SIM_CACHE", str(tmp_path_factory.getbasetemp() / "simcache"))


def test_cli_json_equals_library_and_shipped_scenarios_run(capsys: pytest.CaptureFixture) -> None:
    code = main(["simulation", "Grasberg", "--repository", str(EXAMPLE), "--json", "--seed", "3"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    plan = default_plan(seed=3)
    assert printed == simulate_cached(Repository.load(EXAMPLE), "033560002", plan)
    plan = load_plan(SCENARIOS)
    assert [s.name for s in plan.scenarios][:3] == ["IST", "Fallzahl +30 %", "Bürgerbüro −0,3 VZÄ"]
    code = main(["simulation", "033560005", "--repository", str(EXAMPLE), "--szenario",
                 str(SCENARIOS)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Simulation Lilienthal (033560005), Jahr 2026" in out
    assert "Längere Öffnungszeiten" in out and "Annahmen:" in out and "Bürgerbüro" in out


@pytest.mark.parametrize(("args", "message"), [
    (["simulation"], "Bitte eine Kommune"),
    (["simulation", "Atlantis"], "Unbekannte Kommune 'Atlantis'"),
    (["simulation", "Grasberg", "--szenario", "fehlt.yaml"], "Szenariodatei 'fehlt.yaml' nicht"),
])
def test_cli_mistakes_exit_2_in_german(args: list[str], message: str,
                                       capsys: pytest.CaptureFixture) -> None:
    assert main([*args, "--repository", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_scenario_file_through_the_console_script(tmp_path: Path) -> None:
    bad = tmp_path / "kaputt.yaml"
    bad.write_text("szenarien:\n  - name: A\n    rollen: {Bürgerbüro: {vzae: null}}\n",
                   encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "workbench"), "simulation", "Grasberg",
                           "--repository", str(EXAMPLE), "--szenario", str(bad)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2
    assert "kaputt.yaml: szenarien[1].rollen.Bürgerbüro.vzae: 'None' ist keine Zahl" in done.stderr
    assert "Traceback" not in done.stderr


def test_panel_sliders_change_the_run() -> None:
    panel = SimulationPanel(str(EXAMPLE), "033560002", seed=4)
    assert set(panel.staff) == set(panel.default_vzae) and "Bürgerbüro" in panel.staff
    panel.factor.value = 1.3
    panel.staff["Bürgerbüro"].value = panel.default_vzae["Bürgerbüro"] + 0.5
    seen: list[float] = []
    panel.progress.observe(lambda change: seen.append(change["new"]), names="value")
    result = panel.run()
    base, own = result["szenarien"]
    assert own["name"] == OWN and own["summe"]["faelle"] > base["summe"]["faelle"]
    role = {r["rolle"]: r for r in own["rollen"]}["Bürgerbüro"]
    assert role["besetzung"] == "Szenario" and role["vzae"] == pytest.approx(
        panel.default_vzae["Bürgerbüro"] + 0.5)
    assert len(seen) >= 12 and seen[-1] == 1.0 and seen == sorted(seen)
    assert "Szenarien im Vergleich" in panel.output.value and "<svg" in panel.output.value


def test_report_section_shows_ist_and_soll_of_the_simulation() -> None:
    ctx = load_context(EXAMPLE)
    html = section_module.section(ctx, "033560005")
    result = simulate_cached(ctx.repo, "033560005", default_plan())
    ist, _soll = result["szenarien"]
    assert "<h2>Durchlaufzeit und Kapazität (Simulation)</h2>" in html
    lead = f"{ist['summe']['durchlaufzeit_tage']:.1f}".replace(".", ",")
    assert lead in html and ist["summe"]["engpass"] in html
    assert "Annahmen der Simulation" in html and "Zufallsstartwert" in html
    assert section_module.section(ctx, "033560005") == html  # deterministic
    assert "<script" not in html


def test_panel_html_escapes_names_from_the_knowledge_base() -> None:
    from workbench.simulation.panel import result_html

    result = simulate_cached(Repository.load(EXAMPLE), "033560002", default_plan())
    result["szenarien"][0]["name"] = "<b>Szenario</b>"
    result["szenarien"][0]["leistungen"][0]["name"] = "<img src=x onerror=alert(1)>"
    result["szenarien"][0]["summe"]["engpass"] = "<script>x</script>"
    html = result_html(result)
    assert "<img src=x" not in html and "<script>" not in html and "<b>Szenario" not in html
    assert "&lt;img src=x" in html and "&lt;script&gt;" in html
    total = result["szenarien"][1]["summe"]["faelle"]
    assert total > 1000 and german_number(total) in html  # German number format
