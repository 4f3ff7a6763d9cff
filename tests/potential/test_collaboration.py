"""Kollaborationen mit mehreren Pools, von Hand nachgerechnet (docs/kennzahlen.md,
Abschnitt „Beteiligte: Pools und Rollen“).

Jeder Pool wird je Fall einmal durchlaufen; Nachrichtenflüsse sind Übergaben zwischen
Organisationen. ``expected_minutes`` ist der Aufwand der Verwaltung, der Aufwand der
Bürger:innen steht getrennt daneben.
"""

from __future__ import annotations

import json

import pytest

from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.cli import main as run
from workbench.metrics import compute

# Bürger:in: Antrag auf Papier ausfüllen (20 Min.), persönlich im Rathaus abgeben (30 Min.).
CITIZEN = """
  <bpmn:process id="P_buerger" name="Antrag stellen">
    <bpmn:startEvent id="b_start"/>
    <bpmn:task id="b1" name="Antrag ausfüllen" wb:minutes="20" wb:medium="papier" wb:phase="antrag"/>
    <bpmn:task id="b2" name="Im Rathaus abgeben" wb:minutes="30" wb:medium="persoenlich"
        wb:phase="antrag"/>
    <bpmn:endEvent id="b_end"/>
    <bpmn:sequenceFlow id="bf1" sourceRef="b_start" targetRef="b1"/>
    <bpmn:sequenceFlow id="bf2" sourceRef="b1" targetRef="b2"/>
    <bpmn:sequenceFlow id="bf3" sourceRef="b2" targetRef="b_end"/>
  </bpmn:process>"""

# Gemeinde: prüfen (10 Min.); in 25 % fehlen Unterlagen → nachfordern (5 Min.), auf die Antwort
# warten (Zwischenereignis, 7 Tage), erneut prüfen; sonst Bescheid (6 Min., 2 Tage Liegezeit).
ADMIN = """
  <bpmn:process id="P_amt" name="Antrag bearbeiten">
    <bpmn:startEvent id="a_start"><bpmn:messageEventDefinition/></bpmn:startEvent>
    <bpmn:task id="a1" name="Antrag prüfen" wb:minutes="10" wb:medium="fachverfahren"
        wb:phase="bearbeitung"/>
    <bpmn:exclusiveGateway id="a_x" name="vollständig?"/>
    <bpmn:task id="a2" name="Unterlagen nachfordern" wb:minutes="5" wb:medium="papier"
        wb:phase="bearbeitung"/>
    <bpmn:intermediateCatchEvent id="a_wait" name="Unterlagen eingegangen" wb:waitDays="7">
      <bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>
    <bpmn:task id="a3" name="Bescheid erstellen" wb:minutes="6" wb:waitDays="2"
        wb:medium="fachverfahren" wb:phase="bescheid"/>
    <bpmn:endEvent id="a_end"/>
    <bpmn:sequenceFlow id="af1" sourceRef="a_start" targetRef="a1"/>
    <bpmn:sequenceFlow id="af2" sourceRef="a1" targetRef="a_x"/>
    <bpmn:sequenceFlow id="af3" sourceRef="a_x" targetRef="a2" wb:probability="0.25"/>
    <bpmn:sequenceFlow id="af4" sourceRef="a2" targetRef="a_wait"/>
    <bpmn:sequenceFlow id="af5" sourceRef="a_wait" targetRef="a1"/>
    <bpmn:sequenceFlow id="af6" sourceRef="a_x" targetRef="a3" wb:probability="0.75"/>
    <bpmn:sequenceFlow id="af7" sourceRef="a3" targetRef="a_end"/>
  </bpmn:process>"""

# Kreiskasse: Gebühr zum Soll stellen (4 Min.), nach dem Bescheid.
CASHIER = """
  <bpmn:process id="P_kasse" name="Gebühr buchen">
    <bpmn:startEvent id="k_start"><bpmn:messageEventDefinition/></bpmn:startEvent>
    <bpmn:task id="k1" name="Gebühr zum Soll stellen" wb:minutes="4" wb:medium="fachverfahren"
        wb:phase="bezahlung"/>
    <bpmn:endEvent id="k_end"/>
    <bpmn:sequenceFlow id="kf1" sourceRef="k_start" targetRef="k1"/>
    <bpmn:sequenceFlow id="kf2" sourceRef="k1" targetRef="k_end"/>
  </bpmn:process>"""


def _model(pools: list[tuple[str, str, str | None]], processes: list[str],
           messages: list[tuple[str, str, str]]) -> bpmn.Definitions:
    parts = []
    for pid, name, ref_and_role in pools:
        ref, _, role = (ref_and_role or "").partition("|")
        role_attr = f' wb:participantRole="{role}"' if role else ""
        parts.append(f'<bpmn:participant id="{pid}" name="{name}" processRef="{ref}"{role_attr}/>')
    parts += [f'<bpmn:messageFlow id="{mid}" sourceRef="{s}" targetRef="{t}"/>'
              for mid, s, t in messages]
    return bpmn.read(f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{ns.BPMN}" xmlns:wb="{ns.WB}" id="D" targetNamespace="urn:t">
  <bpmn:collaboration id="C">{"".join(parts)}</bpmn:collaboration>{"".join(processes)}
</bpmn:definitions>""")


def two_pools(admin_role: str = "verwaltung") -> bpmn.Definitions:
    return _model([("Pool_b", "Bürger:in", "P_buerger"),
                   ("Pool_a", "Gemeinde Musterstadt", f"P_amt|{admin_role}")],
                  [CITIZEN, ADMIN], [("m1", "b2", "a_start")])


def three_pools(roles: bool = True) -> bpmn.Definitions:
    return _model([("Pool_b", "Antragsteller:in", "P_buerger"),
                   ("Pool_a", "Bürgerbüro Musterstadt", "P_amt|verwaltung" if roles else "P_amt"),
                   ("Pool_k", "Kreiskasse", "P_kasse")],
                  [CITIZEN, ADMIN, CASHIER], [("m1", "b2", "a_start"), ("m2", "a3", "k_start")])


def test_two_pools_split_administration_and_citizen_effort() -> None:
    """Prüfen 1/(1 − 0,25) = 4/3-mal, Nachfordern und Warten je 1/3-mal, Bescheid einmal.

    Verwaltung: 10 · 4/3 + 5 · 1/3 + 6 = 21 Minuten. Bürger:in: 20 + 30 = 50 Minuten, ein Weg.
    Liegezeit: 7 Tage · 1/3 am Zwischenereignis + 2 Tage am Bescheid = 4 1/3 Tage."""
    m = compute(two_pools())
    assert m.expected_minutes == pytest.approx(21.0)
    assert m.effort_minutes == pytest.approx({"verwaltung": 21.0, "buerger": 50.0})
    assert m.customer_minutes == pytest.approx(50.0)
    assert m.total_minutes == pytest.approx(71.0)
    assert m.customer_trips == pytest.approx(1.0)
    assert m.event_wait_days == pytest.approx(7 / 3)
    assert m.expected_wait_days == pytest.approx(7 / 3 + 2)
    assert m.visits["a1"] == pytest.approx(4 / 3)
    assert m.visits["b1"] == pytest.approx(1.0)  # visits cover every pool
    assert m.process_id == "P_amt"
    admin, citizen = (next(p for p in m.participants if p.role == r)
                      for r in ("verwaltung", "buerger"))
    assert (admin.name, admin.role_source, admin.expected_minutes) == (
        "Gemeinde Musterstadt", "modell", pytest.approx(21.0))
    assert (citizen.name, citizen.role_source, citizen.expected_minutes) == (
        "Bürger:in", "abgeleitet", pytest.approx(50.0))
    assert citizen.digital_share == pytest.approx(0.0)
    assert admin.digital_share == pytest.approx((10 * 4 / 3 + 6) / 21)
    assert [(h.from_participant, h.to_participant, h.expected_count) for h in m.handoffs] == [
        ("Bürger:in", "Gemeinde Musterstadt", pytest.approx(1.0))]
    assert any("„Bürger:in“ gilt als Bürger:in" in w for w in m.warnings)


def test_paper_application_in_the_citizen_pool_is_not_lost() -> None:
    """Früher zählte nur der größte Pool: das Papier der Bürger:in verschwand und der Antrag galt
    als digital. Jetzt ist die Antragsphase nicht digital, die OZG-Schätzung 1."""
    m = compute(two_pools())
    assert m.e2e_phases["antrag"] is False
    assert m.ozg_estimate == 1
    # Medienbrüche: im Amt Fachverfahren → Papier (1/3) und Papier → Fachverfahren (1/3)
    assert m.media_breaks == pytest.approx(2 / 3)


def test_three_pools_external_cashier_is_its_own_effort() -> None:
    """Die Kreiskasse ist eine andere Organisation: ihre 4 Minuten sind kein Aufwand der
    Gemeinde (Rolle „extern“, abgeleitet, mit Warnung)."""
    m = compute(three_pools())
    assert m.expected_minutes == pytest.approx(21.0)
    assert m.effort_minutes == pytest.approx({"verwaltung": 21.0, "buerger": 50.0,
                                              "extern": 4.0})
    assert [p.role for p in m.participants] == ["buerger", "verwaltung", "extern"]
    assert [h.to_participant for h in m.handoffs] == ["Bürgerbüro Musterstadt", "Kreiskasse"]
    assert m.handoffs[1].expected_count == pytest.approx(1.0)
    assert m.e2e_phases["bezahlung"] is True  # the cashier's step is in the whole case


def test_three_pools_without_roles_name_the_inferred_administration() -> None:
    """Ohne wb:participantRole: die Verwaltung wird geschlossen und die Warnung nennt die Wahl."""
    m = compute(three_pools(roles=False))
    admin = [p for p in m.participants if p.role == "verwaltung"]
    assert [p.name for p in admin] == ["Bürgerbüro Musterstadt"]
    assert m.expected_minutes == pytest.approx(21.0)
    (warning,) = [w for w in m.warnings if "Als Verwaltung ausgewertet" in w]
    assert "„Bürgerbüro Musterstadt“" in warning and "„Kreiskasse“ gilt als externe Stelle" in \
        warning and "„Antragsteller:in“ gilt als Bürger:in" in warning
    assert all(p.role_source == "abgeleitet" for p in m.participants)


def test_stated_role_wins_over_the_name() -> None:
    """Die Angabe im Modell gilt: ist der Pool „Gemeinde“ als extern markiert und der andere
    heißt „Bürger:in“, gibt es keine Verwaltung – Aufwand der Verwaltung 0, mit Warnung.
    Ein Pool, der nach Bürger:in klingt, wird nie zur Verwaltung erklärt."""
    m = compute(two_pools(admin_role="extern"))
    roles = {p.name: (p.role, p.role_source) for p in m.participants}
    assert roles["Gemeinde Musterstadt"] == ("extern", "modell")
    assert roles["Bürger:in"] == ("buerger", "abgeleitet")
    assert m.expected_minutes == 0.0
    assert m.effort_minutes == pytest.approx({"verwaltung": 0.0, "buerger": 50.0,
                                              "extern": 21.0})
    assert any("Kein Pool gilt als Verwaltung" in w for w in m.warnings)


def test_single_process_api_still_works() -> None:
    """compute(process) rechnet einen Pool allein, wie bisher."""
    defs = two_pools()
    m = compute(next(p for p in defs.processes if p.id == "P_amt"))
    assert m.expected_minutes == pytest.approx(21.0)
    assert [p.name for p in m.participants] == ["Gemeinde Musterstadt"]


def test_cli_json_has_the_participant_breakdown(tmp_path, capsys) -> None:
    path = tmp_path / "kollaboration.bpmn"
    path.write_bytes(three_pools().to_bytes())
    assert run(["bpmn", "metrics", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["expected_minutes"] == pytest.approx(21.0)
    assert doc["customer_minutes"] == pytest.approx(50.0)
    assert [(p["name"], p["role"], p["expected_minutes"]) for p in doc["participants"]] == [
        ("Antragsteller:in", "buerger", 50.0), ("Bürgerbüro Musterstadt", "verwaltung", 21.0),
        ("Kreiskasse", "extern", 4.0)]
    assert {"b1", "a1", "k1"} <= set(doc["visits"])
    assert [h["message_flow"] for h in doc["handoffs"]] == ["m1", "m2"]


def test_cli_text_lists_the_pools(tmp_path, capsys) -> None:
    path = tmp_path / "kollaboration.bpmn"
    path.write_bytes(three_pools().to_bytes())
    assert run(["bpmn", "metrics", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Erwarteter Aufwand der Kund:innen je Fall          50,0 Minuten, 1,00 Wege" in out
    assert "„Kreiskasse“ (externe Stelle, abgeleitet): 4,0 Minuten" in out
    assert "(davon 2,3 an Ereignissen)" in out


def test_black_box_pool_is_listed_not_analysed() -> None:
    defs = _model([("Pool_a", "Gemeinde", "P_amt|verwaltung"), ("Pool_x", "Bürger:in", None)],
                  [ADMIN], [("m1", "Pool_x", "a_start")])
    m = compute(defs)
    black = next(p for p in m.participants if p.id == "Pool_x")
    assert (black.analysed, black.role) == (False, "buerger")
    assert m.expected_minutes == pytest.approx(21.0)
