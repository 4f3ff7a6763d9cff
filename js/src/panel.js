// The German side panel: name and the workbench attributes (wb:…) of the selected element.
// Which attributes exist, their labels, kinds, allowed values and the BPMN types they apply to
// come from Python (workbench.bpmn.extensions via the widget's `schema`), never from this file.
import { is, getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

const TYPE_LABELS = [
  [ 'bpmn:UserTask', 'Benutzeraufgabe' ], [ 'bpmn:ServiceTask', 'Serviceaufgabe' ],
  [ 'bpmn:SendTask', 'Sendeaufgabe' ], [ 'bpmn:ReceiveTask', 'Empfangsaufgabe' ],
  [ 'bpmn:ManualTask', 'Manuelle Aufgabe' ], [ 'bpmn:BusinessRuleTask', 'Geschäftsregelaufgabe' ],
  [ 'bpmn:ScriptTask', 'Skriptaufgabe' ], [ 'bpmn:Task', 'Aufgabe' ],
  [ 'bpmn:CallActivity', 'Aufrufaktivität' ], [ 'bpmn:Transaction', 'Transaktion' ],
  [ 'bpmn:SubProcess', 'Teilprozess' ], [ 'bpmn:StartEvent', 'Startereignis' ],
  [ 'bpmn:EndEvent', 'Endereignis' ], [ 'bpmn:BoundaryEvent', 'Angeheftetes Zwischenereignis' ],
  [ 'bpmn:IntermediateCatchEvent', 'Zwischenereignis (eintretend)' ],
  [ 'bpmn:IntermediateThrowEvent', 'Zwischenereignis (auslösend)' ],
  [ 'bpmn:ExclusiveGateway', 'Exklusives Gateway (XOR)' ],
  [ 'bpmn:ParallelGateway', 'Paralleles Gateway (AND)' ],
  [ 'bpmn:InclusiveGateway', 'Inklusives Gateway (OR)' ],
  [ 'bpmn:EventBasedGateway', 'Ereignisbasiertes Gateway' ], [ 'bpmn:Gateway', 'Gateway' ],
  [ 'bpmn:SequenceFlow', 'Sequenzfluss' ], [ 'bpmn:MessageFlow', 'Nachrichtenfluss' ],
  [ 'bpmn:Participant', 'Pool (Teilnehmer)' ], [ 'bpmn:Lane', 'Lane (Schwimmbahn)' ],
  [ 'bpmn:DataObjectReference', 'Datenobjekt' ], [ 'bpmn:DataStoreReference', 'Datenspeicher' ],
  [ 'bpmn:TextAnnotation', 'Anmerkung' ], [ 'bpmn:Group', 'Gruppe' ],
  [ 'bpmn:Association', 'Assoziation' ], [ 'bpmn:Process', 'Prozess' ],
  [ 'bpmn:Collaboration', 'Kollaboration' ]
];

export function typeLabel(element) {
  const bo = getBusinessObject(element);
  const hit = TYPE_LABELS.find(([ type ]) => is(bo, type));
  return hit ? hit[1] : bo.$type.replace('bpmn:', '');
}

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [ key, value ] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** A number as the attribute text: decimal comma allowed; null for empty, undefined if invalid. */
export function parseNumber(raw, max) {
  const text = String(raw).trim().replace(',', '.');
  if (!text) return null;
  if (!/^\d*\.?\d+$|^\d+\.$/.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (max !== undefined && value > max)) return undefined;
  return String(value);
}

export class Panel {

  constructor(container, modeler, schema) {
    this.container = container;
    this.modeler = modeler;
    this.schema = schema;
    this.candidates = [];
    this.element = null;
    const eventBus = modeler.get('eventBus');
    eventBus.on('selection.changed', ({ newSelection }) => this.show(newSelection));
    eventBus.on('elements.changed', ({ elements }) => {
      if (this.element && elements.includes(this.element) && !this.container.contains(document.activeElement)) {
        this.show([ this.element ]);
      }
    });
    this.show([]);
  }

  setCandidates(candidates) {
    this.candidates = candidates || [];
    if (this.element) this.show([ this.element ]);
  }

  attributesFor(element) {
    const bo = getBusinessObject(element);
    const prefix = this.schema.prefix;
    return this.schema.attributes.filter(attr => attr.types.some(type => is(bo, type)) &&
      // "replaces" links a SOLL step to IST steps: offered where there is an IST to link to
      (attr.name !== 'replaces' || this.candidates.length || bo.get(`${prefix}:replaces`)));
  }

  show(selection) {
    const selected = selection.length === 1 ? selection[0] : null;
    this.element = selected && selected.type === 'label' ? selected.labelTarget : selected;
    this.container.replaceChildren();
    if (selection.length > 1) {
      this.container.append(h('p', { class: 'wb-panel-hint' },
        `${selection.length} Elemente ausgewählt. Für Eigenschaften ein einzelnes Element anklicken.`));
      return;
    }
    if (!this.element) {
      this.container.append(
        h('h3', {}, 'Eigenschaften'),
        h('p', { class: 'wb-panel-hint' },
          'Ein Element anklicken, um Name, Minuten, Medium und die übrigen Angaben zu bearbeiten. ',
          'Neue Elemente kommen aus der Palette links; das Kontextmenü am Element hängt ',
          'Aufgaben, Gateways und Ereignisse an.'));
      return;
    }
    const element = this.element;
    const bo = getBusinessObject(element);
    this.container.append(
      h('h3', {}, typeLabel(element)),
      h('div', { class: 'wb-panel-id', title: 'ID des Elements in der BPMN-Datei' }, bo.id));
    if (!is(bo, 'bpmn:Process') && !is(bo, 'bpmn:Collaboration')) {
      this.container.append(this.nameField(element, bo));
    }
    for (const attr of this.attributesFor(element)) {
      this.container.append(this.field(element, bo, attr));
    }
  }

  row(label, control, help, name) {
    const message = h('div', { class: 'wb-panel-error', role: 'alert' });
    const wrapper = h('label', { class: `wb-panel-field wb-field-${name}` },
      h('span', { class: 'wb-panel-label' }, label), control, message,
      help ? h('span', { class: 'wb-panel-help' }, help) : null);
    return { wrapper, message };
  }

  nameField(element, bo) {
    const input = h('input', { type: 'text', value: bo.name || '', 'data-attr': 'name' });
    const { wrapper } = this.row('Name', input, null, 'name');
    input.addEventListener('change', () => {
      this.modeler.get('modeling').updateLabel(element, input.value.trim() || null);
    });
    return wrapper;
  }

  field(element, bo, attr) {
    const key = `${this.schema.prefix}:${attr.name}`;
    const current = bo.get(key);
    let control;
    if (attr.kind === 'enum') {
      control = h('select', { 'data-attr': attr.name },
        h('option', { value: '' }, '– keine Angabe –'),
        attr.values.map(([ value, label ]) => h('option', { value, selected: value === current }, label)));
    } else if (attr.name === 'replaces' && this.candidates.length) {
      const chosen = new Set((current || '').split(/\s+/).filter(Boolean));
      control = h('select', { multiple: true, size: Math.min(8, this.candidates.length), 'data-attr': attr.name },
        this.candidates.map(([ id, label ]) => h('option', { value: id, selected: chosen.has(id) }, label)));
    } else {
      const listId = `wb-list-${attr.name}-${Math.random().toString(36).slice(2)}`;
      const suggestions = attr.suggestions || (attr.name === 'system' ? this.systemsInUse() : []);
      control = h('input', {
        type: 'text', value: current || '', 'data-attr': attr.name,
        inputmode: attr.kind === 'text' ? undefined : 'decimal',
        list: suggestions.length ? listId : undefined,
        placeholder: attr.kind === 'probability' ? '0 bis 1, z. B. 0,2' : attr.kind === 'number' ? 'Zahl, z. B. 7,5' : ''
      });
      if (suggestions.length) {
        control = h('span', { class: 'wb-panel-combo' }, control,
          h('datalist', { id: listId }, suggestions.map(([ value, label ]) => h('option', { value }, label))));
      }
    }
    const { wrapper, message } = this.row(attr.label, control, attr.help, attr.name);
    const input = control.matches('span') ? control.querySelector('input') : control;
    input.addEventListener('change', () => {
      let value;
      if (input.multiple) {
        value = [ ...input.selectedOptions ].map(option => option.value).join(' ') || null;
      } else if (attr.kind === 'number' || attr.kind === 'probability') {
        value = parseNumber(input.value, attr.kind === 'probability' ? 1 : undefined);
        if (value === undefined) {
          message.textContent = attr.kind === 'probability'
            ? 'Bitte eine Wahrscheinlichkeit zwischen 0 und 1 eingeben (z. B. 0,2).'
            : 'Bitte eine Zahl ≥ 0 eingeben (Komma oder Punkt).';
          wrapper.classList.add('wb-invalid');
          return;
        }
      } else {
        value = input.value.trim() || null;
      }
      message.textContent = '';
      wrapper.classList.remove('wb-invalid');
      this.modeler.get('modeling').updateProperties(element, { [key]: value === null ? undefined : value });
    });
    return wrapper;
  }

  systemsInUse() {
    const key = `${this.schema.prefix}:system`;
    const seen = new Set();
    for (const element of this.modeler.get('elementRegistry').getAll()) {
      const value = element.businessObject && element.businessObject.get && element.businessObject.$descriptor &&
        element.businessObject.get(key);
      if (value) seen.add(value);
    }
    return [ ...seen ].sort().map(value => [ value, value ]);
  }
}
