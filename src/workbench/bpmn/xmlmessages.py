"""libxml2's English parser messages in German (what a person reads when a file is refused).

Known messages are translated with their details (element names, lines); an unknown one is
shown after a German lead-in, marked as the parser's own words, so nothing is lost.
"""

from __future__ import annotations

import re

#: (pattern on libxml2's message, German text; groups are filled in by name)
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), t) for p, t in (
    (r"Resource limit exceeded: Text node too long",
     "Ein Text in der Datei ist länger als 10 MB; der XML-Parser liest so lange Texte aus "
     "Sicherheitsgründen nicht (ein BPMN-Modell braucht das nie)."),
    (r"Resource limit exceeded: Buffer size limit exceeded",
     "Ein Attribut oder Name ist länger als 10 MB; der XML-Parser liest so lange Werte aus "
     "Sicherheitsgründen nicht."),
    (r"Resource limit exceeded|Huge input lookup|try XML_PARSE_HUGE",
     "Die Datei überschreitet eine Schutzgrenze des XML-Parsers (zu langer Text oder Wert)."),
    (r"Memory allocation failed",
     "Der XML-Parser hat nicht genug Speicher für diese Datei."),
    (r"Premature end of data in tag (?P<tag>\S+) line (?P<line>\d+)",
     "Die Datei endet mitten im Element '{tag}' (begonnen in Zeile {line}) – ist sie "
     "abgeschnitten?"),
    (r"Opening and ending tag mismatch: (?P<a>\S+) line (?P<line>\d+) and (?P<b>\S+)",
     "Start- und End-Tag passen nicht zusammen: '{a}' (Zeile {line}) wird mit '{b}' "
     "geschlossen."),
    (r"Couldn't find end of Start Tag (?P<tag>\S+)",
     "Das Start-Tag '{tag}' ist nicht abgeschlossen ('>' fehlt)."),
    (r"attributes construct error",
     "Ein Attribut ist unvollständig (fehlt ein Anführungszeichen oder '>'?)."),
    (r"Start tag expected, '<' not found",
     "Das ist kein XML: Am Anfang steht kein Element ('<' fehlt)."),
    (r"Document is empty", "Die Datei ist leer."),
    (r"Extra content at the end of the document",
     "Nach dem Ende des Wurzelelements folgt weiterer Inhalt."),
    (r"xmlParseEntityRef: no name",
     "Ein '&' steht ohne Entitätsnamen im Text (ein '&' muss als '&amp;' geschrieben werden)."),
    (r"Entity '(?P<name>[^']*)' not defined",
     "Die Entität '&{name};' ist nicht definiert."),
    (r"AttValue: \" or ' expected",
     "Ein Attributwert steht nicht in Anführungszeichen."),
    (r"Specification mandates value for attribute (?P<name>\S+)",
     "Das Attribut '{name}' hat keinen Wert."),
    (r"invalid character in attribute value",
     "Ein Attributwert enthält ein unerlaubtes Steuerzeichen."),
    (r"(?:PCDATA invalid Char value|Char 0x\w+ out of allowed range|invalid Char value) ?(?P<code>\w*)",
     "Die Datei enthält ein unerlaubtes Steuerzeichen {code}."),
    (r"Comment not terminated", "Ein Kommentar ('<!--') ist nicht abgeschlossen."),
    (r"CData section not finished", "Ein CDATA-Abschnitt ist nicht abgeschlossen."),
    (r"StartTag: invalid element name", "Ein Elementname ist ungültig."),
    (r"EndTag: '</' not found", "Ein End-Tag fehlt."),
    (r"Input is not proper UTF-8",
     "Die Datei ist nicht gültig UTF-8-kodiert (falsche oder fehlende Kodierungsangabe)."),
    (r"Unsupported encoding (?P<name>\S+)", "Die Kodierung '{name}' wird nicht unterstützt."),
    (r"Excessive depth", "Die Datei ist zu tief verschachtelt."),
    (r"xmlns: '(?P<uri>[^']*)' is not a valid URI",
     "Der Namensraum '{uri}' ist keine gültige URI."),
    (r"Namespace prefix (?P<prefix>\S+) .*is not defined",
     "Das Namensraum-Präfix '{prefix}' ist nicht deklariert."),
    (r"(?:Namespaced )?[Aa]ttribute (?P<name>\S+) .*redefined",
     "Das Attribut '{name}' ist mehrfach angegeben."),
    (r"Unescaped '<' not allowed in attributes values",
     "Ein Attributwert enthält ein '<' (es muss als '&lt;' geschrieben werden)."),
    (r"expected '>'", "Ein Tag ist nicht mit '>' abgeschlossen."),
    (r"Char 0x0 out of allowed range|Document labelled UTF-16 but has UTF-8 content",
     "Die Kodierung der Datei passt nicht zu ihrer Angabe."),
))


def german(message: str) -> str:
    """The German text for one libxml2 message (the parser's words kept if unknown)."""
    text = " ".join(str(message).split())
    for pattern, template in _MESSAGES:
        found = pattern.search(text)
        if found:
            details = {k: (v or "").strip(":, ") for k, v in found.groupdict().items()}
            return " ".join(template.format(**details).split())
    return f"Der XML-Parser meldet (auf Englisch): {text}"
