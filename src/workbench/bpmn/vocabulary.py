"""BPMN element categories by local name (the metamodel as data, in the spirit of bpmn-moddle)."""

from __future__ import annotations

TASKS = frozenset({
    "task", "userTask", "manualTask", "serviceTask", "sendTask", "receiveTask",
    "scriptTask", "businessRuleTask",
})
SUB_PROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = TASKS | SUB_PROCESSES | {"callActivity"}
GATEWAYS = frozenset({
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway",
})
EVENTS = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "implicitThrowEvent",
})
FLOW_NODES = ACTIVITIES | GATEWAYS | EVENTS
DATA = frozenset({
    "dataObject", "dataObjectReference", "dataStoreReference", "dataInput", "dataOutput",
    "dataStore",
})
ARTIFACTS = frozenset({"textAnnotation", "group", "association"})
EVENT_DEFINITIONS = frozenset({
    "messageEventDefinition", "timerEventDefinition", "errorEventDefinition",
    "escalationEventDefinition", "cancelEventDefinition", "compensateEventDefinition",
    "conditionalEventDefinition", "linkEventDefinition", "signalEventDefinition",
    "terminateEventDefinition",
})
#: Containers whose direct children are flow elements.
CONTAINERS = frozenset({"process"}) | SUB_PROCESSES

#: German names of element types, for messages and labels.
GERMAN: dict[str, str] = {
    "task": "Aufgabe", "userTask": "Benutzeraufgabe", "manualTask": "Manuelle Aufgabe",
    "serviceTask": "Serviceaufgabe", "sendTask": "Sendeaufgabe", "receiveTask": "Empfangsaufgabe",
    "scriptTask": "Skriptaufgabe", "businessRuleTask": "Geschäftsregelaufgabe",
    "subProcess": "Teilprozess", "transaction": "Transaktion",
    "adHocSubProcess": "Ad-hoc-Teilprozess", "callActivity": "Aufrufaktivität",
    "exclusiveGateway": "Entscheidung (XOR)", "parallelGateway": "Parallelisierung (UND)",
    "inclusiveGateway": "Oder-Verzweigung (OR)", "eventBasedGateway": "Ereignisbasiertes Gateway",
    "complexGateway": "Komplexes Gateway", "startEvent": "Startereignis", "endEvent": "Endereignis",
    "intermediateCatchEvent": "Zwischenereignis (eintretend)",
    "intermediateThrowEvent": "Zwischenereignis (auslösend)", "boundaryEvent": "Randereignis",
    "sequenceFlow": "Sequenzfluss", "messageFlow": "Nachrichtenfluss", "lane": "Lane",
    "participant": "Pool", "dataObjectReference": "Datenobjekt",
    "dataStoreReference": "Datenspeicher", "textAnnotation": "Anmerkung", "group": "Gruppe",
    "association": "Assoziation", "process": "Prozess", "collaboration": "Kollaboration",
    "dataObject": "Datenobjekt", "dataStore": "Datenspeicher", "message": "Nachricht",
}


def german_type(local: str) -> str:
    """German name of a BPMN element type (falls back to the local name)."""
    return GERMAN.get(local, local)
