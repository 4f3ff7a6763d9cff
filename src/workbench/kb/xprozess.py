"""Reading XProzess 2.0 messages (FIM process library) safely.

An XProzess message carries catalogue data (Prozessklasse), the process (Prozess) with its
Steckbrief and FIM Aktivitätengruppen, and the model files as base64 text of a zip archive.
Everything here is untrusted input: the XML gets the same safety rules as every BPMN file
(:func:`workbench.bpmn.safexml.parse_xml`), the archive is bounded in size, entry count,
compression ratio and nesting, and the embedded BPMN is read with :func:`workbench.bpmn.read`.
Every refusal is an :class:`XProzessError` with a German message naming file and element.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import bpmn
from ..bpmn.safexml import Limits, parse_xml

NS = "http://www.regierung-mv.de/xprozess/2"
_X = {"x": NS}
_ZIP_MAGIC = b"PK\x03\x04"
_B64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


class XProzessError(ValueError):
    """An XProzess file that cannot be imported; the message is German and names the place."""


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """Bounds for the embedded model archive (base64 → zip → entry)."""

    max_file_bytes: int = 64 * 2**20
    max_zip_bytes: int = 32 * 2**20
    max_entries: int = 16
    max_entry_bytes: int = 64 * 2**20
    max_ratio: float = 200.0  # uncompressed / compressed; the FIM model has 18:1


DEFAULT_ARCHIVE_LIMITS = ArchiveLimits()


@dataclass(frozen=True, slots=True)
class Rechtsgrundlage:
    """A Handlungsgrundlage: name, code of its kind (Handlungsgrundlagenart) and link."""

    name: str
    art: str = ""
    uri: str = ""

    def as_yaml(self) -> dict[str, str]:
        out = {"name": self.name}
        if self.uri:
            out["uri"] = self.uri
        if self.art:
            out["art"] = self.art
        return out


@dataclass(frozen=True, slots=True)
class Aktivitaetengruppe:
    """One FIM Aktivitätengruppe and the BPMN sub-process it stands for."""

    id: str
    typ: str
    typ_version: str
    sub_process_id: str
    name: str
    rechtsgrundlagen: tuple[Rechtsgrundlage, ...] = ()


@dataclass
class XProzessDocument:
    """What an XProzess message says about one process, plus the decoded BPMN model."""

    source: str
    root: etree._Element
    prozess: etree._Element
    klasse: etree._Element | None
    gruppen: list[Aktivitaetengruppe]
    model: bpmn.Definitions
    model_name: str
    attachments: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self, path: str, *, of: str = "prozess") -> str:
        """Stripped text of an element below the Prozess (``of='klasse'``: the Prozessklasse)."""
        base = self.prozess if of == "prozess" else self.klasse
        return _text(base.find(path, _X)) if base is not None else ""

    @property
    def process_id(self) -> str:
        return self.text("x:id")

    @property
    def leika_key(self) -> str | None:
        """The 14-digit Leistungsschlüssel: Prozessklasse id, else Prozess id or classification."""
        candidates = [self.text("x:id", of="klasse"), self.process_id]
        candidates += [_text(k.find("x:klasseID", _X))
                       for k in self.prozess.iterfind("x:klassifikation", _X)]
        return next((c for c in candidates if re.fullmatch(r"\d{14}", c)), None)

    def rechtsgrundlagen(self) -> list[Rechtsgrundlage]:
        """Handlungsgrundlagen of the Prozessklasse (else of the Prozesssteckbrief)."""
        found = _grundlagen(self.klasse) if self.klasse is not None else []
        return found or _grundlagen(self.prozess.find("x:prozesssteckbrief", _X))

    def status(self) -> dict[str, str]:
        """Status code (with its code list), release dates and who released the process."""
        out: dict[str, str] = {}
        for base in (self.klasse, self.prozess):  # the Prozess wins where both say something
            if base is None:
                continue
            state = base.find("x:zustandsangaben", _X)
            if state is not None:
                code = state.find("x:status", _X)
                if code is not None and _text(code.find("code")):
                    out["status"] = _text(code.find("code"))
                    out["status_liste"] = (f"{code.get('listURI', '')} "
                                           f"({code.get('listVersionID', '')})").strip()
                for key, tag in (("fachlich_freigegeben_am", "fachlicherFreigabezeitpunkt"),
                                 ("formell_freigegeben_am", "formellerFreigabezeitpunkt"),
                                 ("geaendert_am", "letzterAenderungszeitpunkt")):
                    value = _text(state.find(f"x:{tag}", _X))
                    if value:
                        out[key] = value
            stelle = _text(base.find("x:fachlichFreigebendeStelle", _X))
            if stelle:
                out["fachlich_freigegeben_von"] = stelle
        return out


def _text(el: etree._Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def _grundlagen(base: etree._Element | None) -> list[Rechtsgrundlage]:
    if base is None:
        return []
    out = []
    for g in base.iterfind("x:handlungsgrundlage", _X):
        name = _text(g.find("x:name", _X))
        if name:
            out.append(Rechtsgrundlage(name, _text(g.find("x:art/code", _X)),
                                       _text(g.find("x:uri", _X))))
    return out


def _where(el: etree._Element) -> str:
    """'prozessbibliothek/prozess/prozessmodell (Zeile 12)' for messages."""
    parts = []
    node: etree._Element | None = el
    while node is not None and node.getparent() is not None:
        parts.append(etree.QName(node).localname)
        node = node.getparent()
    line = f" (Zeile {el.sourceline})" if el.sourceline else ""
    return "/".join(reversed(parts)) + line


# --------------------------------------------------------------------------- reading


def read_xprozess(path: str | os.PathLike[str], *, process_id: str | None = None,
                  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> XProzessDocument:
    """Read an XProzess 2.0 file and decode its BPMN model; raises :class:`XProzessError`."""
    file = Path(path)
    label = file.name
    try:
        size = file.stat().st_size
        if size > limits.max_file_bytes:
            raise XProzessError(f"{label}: Die Datei ist {size // 2**20} MB groß; erlaubt sind "
                                f"höchstens {limits.max_file_bytes // 2**20} MB.")
        data = file.read_bytes()
    except FileNotFoundError:
        raise XProzessError(f"{label}: Datei nicht gefunden.") from None
    except IsADirectoryError:
        raise XProzessError(f"{label}: Das ist ein Verzeichnis, keine Datei.") from None
    except OSError as err:
        raise XProzessError(f"{label}: Datei kann nicht gelesen werden "
                            f"({err.strerror or err}).") from None
    return parse_xprozess(data, source=label, process_id=process_id, limits=limits)


def parse_xprozess(data: bytes, *, source: str = "XProzess", process_id: str | None = None,
                   limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> XProzessDocument:
    """:func:`read_xprozess` for bytes already in memory."""
    try:
        root, _ = parse_xml(data, source=source, limits=Limits(max_bytes=limits.max_file_bytes))
    except bpmn.BpmnRejected as err:
        raise XProzessError(f"{source}: {err.reason.replace('für BPMN ', '')} Nichts übernommen."
                            ) from None
    qname = etree.QName(root)
    if qname.namespace != NS:
        where = f"im Namensraum '{qname.namespace}'" if qname.namespace else "ohne Namensraum"
        raise XProzessError(
            f"{source}: Keine XProzess-2.0-Nachricht: das Wurzelelement <{qname.localname}> steht "
            f"{where}, erwartet ist '{NS}'. Bitte als XProzess 2.0 exportieren.")
    version = root.get("xprozessVersion", "")
    notes = []
    if version and not version.startswith("2"):
        notes.append(f"Die Nachricht nennt xprozessVersion=\"{version}\"; gelesen wird sie als "
                     "XProzess 2.0.")
    prozess = _pick_process(root, source, process_id)
    pid = _text(prozess.find("x:id", _X))
    klassen = root.findall("x:prozesskatalog/x:prozessklasse", _X)
    klasse = next((k for k in klassen if _text(k.find("x:id", _X)) == pid),
                  klassen[0] if len(klassen) == 1 else None)
    model, model_name = _decode_model(prozess, source, limits)
    attachments = []
    for tag in ("visualisierungsdatei", "beschreibungsdatei"):
        for f in prozess.iterfind(f"x:prozessmodell/x:{tag}", _X):
            raw = f.find("x:inhalt", _X)
            approx = len((raw.text or "").strip()) * 3 // 4 if raw is not None else 0
            attachments.append((_text(f.find("x:dateiname", _X)) or tag, approx))
    gruppen = _groups(prozess)
    doc = XProzessDocument(source, root, prozess, klasse, gruppen, model, model_name,
                           attachments, notes)
    return doc


def _pick_process(root: etree._Element, source: str, process_id: str | None) -> etree._Element:
    found = root.findall("x:prozessbibliothek/x:prozess", _X)
    if not found:
        raise XProzessError(f"{source}: Die Nachricht enthält keinen Prozess "
                            "(prozessbibliothek/prozess); ein reiner Katalogexport hat kein "
                            "Modell. Nichts übernommen.")
    if process_id:
        match = [p for p in found if _text(p.find("x:id", _X)) == process_id]
        if not match:
            raise XProzessError(f"{source}: Prozess '{process_id}' steht nicht in der Datei; "
                                "enthalten: " + ", ".join(_text(p.find("x:id", _X)) for p in found))
        return match[0]
    if len(found) > 1:
        raise XProzessError(f"{source}: Die Datei enthält {len(found)} Prozesse ("
                            + ", ".join(_text(p.find("x:id", _X)) for p in found)
                            + "); bitte einen mit --prozess ID wählen.")
    return found[0]


def _groups(prozess: etree._Element) -> list[Aktivitaetengruppe]:
    path = "x:prozessstrukturbeschreibung/x:strukturbeschreibungFIM/x:aktivitaetengruppe"
    return [Aktivitaetengruppe(
        id=_text(g.find("x:id", _X)),
        typ=_text(g.find("x:referenzaktivitaetengruppeTyp/code", _X)),
        typ_version=_text(g.find("x:referenzaktivitaetengruppeVersion", _X)),
        sub_process_id=_text(g.find("x:subProzessID", _X)),
        name=_text(g.find("x:name", _X)),
        rechtsgrundlagen=tuple(_grundlagen(g)),
    ) for g in prozess.iterfind(path, _X)]


# --------------------------------------------------------------------------- the archive


def _decode_model(prozess: etree._Element, source: str,
                  limits: ArchiveLimits) -> tuple[bpmn.Definitions, str]:
    files = prozess.findall("x:prozessmodell/x:prozessmodelldatei", _X)
    if not files:
        raise XProzessError(f"{source}: Der Prozess enthält kein Prozessmodell "
                            "(prozessmodell/prozessmodelldatei). Nichts übernommen.")
    if len(files) > 1:
        names = ", ".join(_text(f.find("x:dateiname", _X)) for f in files)
        raise XProzessError(f"{source}: Der Prozess enthält {len(files)} Prozessmodelldateien "
                            f"({names}); unterstützt wird genau eine.")
    element = files[0].find("x:inhalt", _X)
    if element is None or not (element.text or "").strip():
        raise XProzessError(f"{source}, {_where(files[0])}: Die Prozessmodelldatei hat keinen "
                            "Inhalt (xprozess:inhalt fehlt oder ist leer).")
    where = f"{source}, {_where(element)}"
    payload = decode_base64(element.text or "", where, limits)
    name, data = unpack_single(payload, where, limits)
    label = f"{source}#{name}"
    try:
        return bpmn.read(data, name=label), name
    except bpmn.BpmnRejected as err:
        raise XProzessError(f"{label}: Das eingebettete Modell ist nicht lesbar: {err.reason} "
                            "Nichts übernommen.") from None


def decode_base64(text: str, where: str, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> bytes:
    """Strict RFC 4648 base64 (whitespace allowed), bounded; German error otherwise."""
    raw = re.sub(r"\s+", "", text).encode("ascii", "replace")
    if len(raw) * 3 // 4 > limits.max_zip_bytes:
        raise XProzessError(f"{where}: Der eingebettete Inhalt ist größer als "
                            f"{limits.max_zip_bytes // 2**20} MB. Nichts übernommen.")
    bad = _B64.match(raw)
    if bad is None or bad.end() != len(raw) or len(raw) % 4:
        pos = bad.end() if bad is not None and bad.end() != len(raw) else len(raw)
        reason = (f"unerlaubtes Zeichen an Stelle {pos + 1}" if pos < len(raw)
                  else "die Länge ist kein Vielfaches von 4")
        raise XProzessError(f"{where}: Der Inhalt ist kein gültiges Base64 ({reason}). Die Datei "
                            "ist beschädigt oder wurde verändert. Nichts übernommen.")
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise XProzessError(f"{where}: Der Inhalt ist kein gültiges Base64. Nichts übernommen."
                            ) from None


def unpack_single(payload: bytes, where: str,
                  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> tuple[str, bytes]:
    """The one model entry of a zip archive (or the payload itself when it is plain XML)."""
    if not payload.startswith(_ZIP_MAGIC):
        if payload.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return "Prozessmodell.xml", payload
        raise XProzessError(f"{where}: Der Inhalt ist weder ein ZIP-Archiv noch XML. Nichts "
                            "übernommen.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise XProzessError(f"{where}: Das eingebettete ZIP-Archiv ist beschädigt. Nichts "
                            "übernommen.") from None
    if len(infos) > limits.max_entries:
        raise XProzessError(f"{where}: Das ZIP-Archiv hat {len(infos)} Einträge; erlaubt sind "
                            f"höchstens {limits.max_entries}. Nichts übernommen.")
    models = [i for i in infos if not i.is_dir()]
    xml = [i for i in models if i.filename.lower().endswith((".xml", ".bpmn"))]
    if len(xml) != 1 and len(models) != 1:
        names = ", ".join(i.filename for i in models) or "keine"
        raise XProzessError(f"{where}: Im ZIP-Archiv ist nicht eindeutig ein BPMN-Modell "
                            f"(Einträge: {names}). Nichts übernommen.")
    info = xml[0] if len(xml) == 1 else models[0]
    _check_entry(info, where, limits)
    try:
        with archive.open(info) as handle:
            data = handle.read(limits.max_entry_bytes + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError,
            OSError) as err:
        reason = "verschlüsselt" if "encrypt" in str(err).lower() else "beschädigt"
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{info.filename}' ist {reason} und kann "
                            "nicht entpackt werden. Nichts übernommen.") from None
    except Exception as err:  # zlib.error and friends from a forged stream
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{info.filename}' ist beschädigt "
                            f"({type(err).__name__}). Nichts übernommen.") from None
    if len(data) > limits.max_entry_bytes:
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{info.filename}' ist beim Entpacken "
                            f"größer als {limits.max_entry_bytes // 2**20} MB (ZIP-Bombe?). "
                            "Nichts übernommen.")
    if data.startswith(_ZIP_MAGIC):
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{info.filename}' ist selbst ein "
                            "ZIP-Archiv; verschachtelte Archive werden nicht entpackt. Nichts "
                            "übernommen.")
    return info.filename, data


def _check_entry(info: zipfile.ZipInfo, where: str, limits: ArchiveLimits) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{name}' ist verschlüsselt. Nichts "
                            "übernommen.")
    if info.file_size > limits.max_entry_bytes:
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{name}' hätte entpackt "
                            f"{info.file_size // 2**20} MB; erlaubt sind höchstens "
                            f"{limits.max_entry_bytes // 2**20} MB. Nichts übernommen.")
    if info.compress_size and info.file_size / info.compress_size > limits.max_ratio:
        ratio = info.file_size / info.compress_size
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{name}' ist {ratio:,.0f}-fach komprimiert "
                            f"(erlaubt: {limits.max_ratio:,.0f}-fach) – das sieht nach einer "
                            "ZIP-Bombe aus. Nichts übernommen.".replace(",", "."))
    if name.lower().endswith(".zip"):
        raise XProzessError(f"{where}: Der ZIP-Eintrag '{name}' ist selbst ein ZIP-Archiv; "
                            "verschachtelte Archive werden nicht entpackt. Nichts übernommen.")
