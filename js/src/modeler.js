// The BPMN modeler widget (anywidget front end of workbench.widgets.BpmnModeler).
//
// Python -> canvas: the `xml` trait (imported when it differs from what the canvas sent last),
// `analysis` (overlays, summary, findings), `status`, `schema` (moddle descriptor + panel fields).
// Canvas -> Python: custom messages {type: 'edit', xml, seq} (debounced after every command),
// {type: 'save'}, {type: 'imported', ...}. One message format, documented in modeler.py.
import './styles.css';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './bpmn-font.css';

import BpmnModeler from 'bpmn-js/lib/Modeler';

import germanTranslate, { missingTranslations } from './translate';
import { Panel } from './panel';
import { AnalysisOverlays, mediumCss } from './overlays';

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [ key, value ] of Object.entries(attrs || {})) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  node.append(...children.filter(c => c !== null && c !== undefined));
  return node;
}

function button(label, css, title, onclick) {
  return h('button', { type: 'button', class: `wb-button ${css}`, title, onclick }, label);
}

class ModelerView {

  constructor(model, el) {
    this.model = model;
    this.seq = 0;
    this.sentSeq = 0;
    this.lastXml = null;
    this.pending = null;
    this.editStart = new Map();
    this.queue = Promise.resolve();
    this.timings = [];
    this.build(el);
  }

  build(el) {
    const model = this.model;
    const schema = model.get('schema');
    this.root = h('div', { class: 'wb-modeler', 'data-lm-suppress-shortcuts': 'true' });
    this.title = h('span', { class: 'wb-title' });
    this.summary = h('span', { class: 'wb-summary' });
    this.status = h('div', { class: 'wb-status', role: 'status' });
    this.dirty = h('span', { class: 'wb-dirty', title: 'Änderungen seit dem letzten Speichern' });
    const toolbar = h('div', { class: 'wb-toolbar' },
      h('span', { class: 'wb-heading' }, this.title, this.dirty), this.summary, h('span', { class: 'wb-actions' },
      button('Speichern', 'wb-save', 'Modell in die Wissensbasis schreiben (nur die Änderungen)', () => this.save()),
      button('Einpassen', 'wb-fit', 'Ganzes Diagramm zeigen', () => this.fit()),
      button('−', 'wb-zoom-out', 'Verkleinern', () => this.zoom(-1)),
      button('+', 'wb-zoom-in', 'Vergrößern', () => this.zoom(1)),
      button('Eigenschaften', 'wb-toggle-panel', 'Seitenleiste ein- oder ausblenden',
        () => this.toggle('panel_open')),
      button('Vollbild', 'wb-toggle-fullscreen', 'Leinwand über den ganzen Bildschirm (Beamer)',
        () => this.toggle('fullscreen'))));
    this.canvasEl = h('div', { class: 'wb-canvas' });
    this.panelEl = h('div', { class: 'wb-panel-fields' });
    this.findingsEl = h('div', { class: 'wb-findings' });
    this.legendEl = h('div', { class: 'wb-legend' });
    const aside = h('aside', { class: 'wb-panel', 'aria-label': 'Eigenschaften' },
      this.panelEl, this.findingsEl, this.legendEl);
    this.root.append(toolbar, this.status, h('div', { class: 'wb-body' }, this.canvasEl, aside),
      h('style', {}, mediumCss(schema.medium_colors)));
    el.append(this.root);

    this.modeler = new BpmnModeler({
      container: this.canvasEl,
      additionalModules: [ germanTranslate ],
      moddleExtensions: { [schema.prefix]: schema.descriptor },
      textRenderer: model.get('workshop') ? { defaultStyle: { fontSize: 15 }, externalStyle: { fontSize: 14 } } : undefined
    });
    this.overlays = new AnalysisOverlays(this.modeler);
    this.panel = new Panel(this.panelEl, this.modeler, schema);
    this.panel.setCandidates(model.get('candidates'));
    this.renderLegend(schema);

    const eventBus = this.modeler.get('eventBus');
    eventBus.on('commandStack.changed', () => this.changed());
    // JupyterLab renders the widget before it has a size: fit once it gets one
    this.autoFit = true;
    eventBus.on('canvas.viewbox.changed', () => { if (!this.fitting) this.autoFit = false; });
    this.resizeObserver = new ResizeObserver(() => {
      this.modeler.get('canvas').resized();
      if (this.autoFit && this.canvasEl.clientWidth > 0) this.fit(true);
    });
    this.resizeObserver.observe(this.canvasEl);

    this.onXml = () => this.enqueue(() => this.load(model.get('xml')));
    this.onAnalysis = () => this.enqueue(() => this.applyAnalysis(model.get('analysis')));
    this.onStatus = () => this.showStatus(model.get('status'));
    this.onFindings = () => this.renderFindings();
    this.onLayout = () => this.layout();
    this.onCandidates = () => this.panel.setCandidates(model.get('candidates'));
    this.onMessage = message => this.message(message);
    model.on('change:xml', this.onXml);
    model.on('change:analysis', this.onAnalysis);
    model.on('change:status', this.onStatus);
    model.on('change:findings', this.onFindings);
    model.on('change:candidates', this.onCandidates);
    for (const name of [ 'workshop', 'panel_open', 'fullscreen', 'height', 'title' ]) {
      model.on(`change:${name}`, this.onLayout);
    }
    model.on('msg:custom', this.onMessage);
    this.layout();
    this.onXml();
    this.onAnalysis();
    this.onStatus();
  }

  enqueue(task) {
    this.queue = this.queue.then(task).catch(err => this.showStatus({ kind: 'error', text: String(err) }));
    return this.queue;
  }

  layout() {
    const model = this.model;
    this.root.classList.toggle('wb-workshop', !!model.get('workshop'));
    this.root.classList.toggle('wb-panel-collapsed', !model.get('panel_open'));
    this.root.classList.toggle('wb-fullscreen', !!model.get('fullscreen'));
    this.root.style.setProperty('--wb-height', model.get('height') || '640px');
    this.title.textContent = model.get('title') || '';
    this.modeler.get('canvas').resized();
  }

  toggle(name) {
    this.model.set(name, !this.model.get(name));
    this.model.save_changes();
    this.layout();
    this.fit();
  }

  // Fit the whole diagram, leaving room for the palette on the left (at most 100 %). When opening
  // a model (`readable`), never below 60 %: a wide process starts readable at its left end.
  // In workshop mode (projector) the whole diagram fills the screen, up to 150 %.
  fit(readable) {
    const canvas = this.modeler.get('canvas');
    const { inner, outer } = canvas.viewbox();
    this.autoFit = true;
    if (!outer.width || !outer.height || !inner.width || !inner.height) return;
    const palette = this.canvasEl.querySelector('.djs-palette');
    const left = (palette ? palette.getBoundingClientRect().width : 0) + 24;
    const pad = 24;
    const workshop = !!this.model.get('workshop');
    const fitted = Math.min((outer.width - left - pad) / inner.width, (outer.height - 2 * pad) / inner.height,
      workshop ? 1.5 : 1);
    const scale = readable && !workshop ? Math.max(fitted, 0.6) : fitted;
    const spare = outer.height / scale - inner.height;
    this.fitting = true;
    try {
      canvas.viewbox({
        x: inner.x - left / scale,
        y: inner.y - (spare > 0 ? spare / 2 : pad / scale),
        width: outer.width / scale,
        height: outer.height / scale
      });
    } finally {
      this.fitting = false;
    }
  }

  zoom(step) {
    const canvas = this.modeler.get('canvas');
    canvas.zoom(Math.max(0.2, Math.min(4, canvas.zoom() * (step > 0 ? 1.25 : 0.8))));
  }

  async load(xml) {
    if (!xml || xml === this.lastXml) return;
    this.lastXml = xml;
    const loadId = this.model.get('load_id');
    const started = performance.now();
    try {
      const { warnings } = await this.modeler.importXML(xml);
      this.fit(true);
      // what bpmn-js makes of the model before any edit: the baseline of a three-way merge,
      // so whatever bpmn-js did not load is never mistaken for a deletion
      const { xml: baseline } = await this.modeler.saveXML({ format: false });
      this.model.send({
        type: 'imported', ok: true, ms: performance.now() - started, baseline, load_id: loadId,
        warnings: warnings.map(w => String(w.message || w)).slice(0, 50)
      });
    } catch (err) {
      this.showStatus({ kind: 'error', text: `Das Modell lässt sich im Editor nicht öffnen: ${err.message}` });
      this.model.send({ type: 'imported', ok: false, load_id: loadId, error: String(err.message || err) });
    }
    this.root.dataset.imported = String(Number(this.root.dataset.imported || 0) + 1);
  }

  changed() {
    this.seq += 1;
    this.editStart.set(this.seq, performance.now());
    this.dirty.textContent = '● ungespeichert';
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.enqueue(() => this.sendEdit()), this.model.get('debounce_ms'));
  }

  async sendEdit() {
    clearTimeout(this.pending);
    this.pending = null;
    if (this.sentSeq === this.seq) return;
    const seq = this.seq;
    const exportStart = performance.now();
    const { xml } = await this.modeler.saveXML({ format: false });
    this.lastXml = xml;
    this.sentSeq = seq;
    this.exportMs = performance.now() - exportStart;
    this.sentAt = performance.now();
    this.model.send({ type: 'edit', xml, seq });
  }

  save() {
    this.enqueue(async () => {
      await this.sendEdit();
      this.showStatus({ kind: 'busy', text: 'Speichere …' });
      this.model.send({ type: 'save', seq: this.sentSeq });
    });
  }

  message(message) {
    if (message && message.type === 'fit') this.fit();
    if (message && message.type === 'select' && message.id) {
      const element = this.modeler.get('elementRegistry').get(message.id);
      if (element) {
        this.modeler.get('selection').select(element);
        this.modeler.get('canvas').scrollToElement(element);
      }
    }
  }

  applyAnalysis(analysis) {
    if (!analysis || analysis.ok === undefined) return;
    this.analysisFindings = analysis.findings || [];
    this.renderFindings();
    this.root.classList.toggle('wb-unreadable', !analysis.ok);
    if (analysis.ok) {
      const started = performance.now();
      this.root.dataset.overlays = String(this.overlays.apply(analysis));
      this.overlayMs = performance.now() - started;
      this.summary.replaceChildren(...(analysis.summary || []).map(([ label, value, title ]) =>
        h('span', { class: 'wb-kpi', title: title || '' }, h('span', { class: 'wb-kpi-label' }, label), ' ',
          h('b', {}, value))));
    }
    const seq = analysis.seq;
    this.root.dataset.analysisSeq = String(seq === undefined || seq === null ? '' : seq);
    if (seq && this.editStart.has(seq)) {
      const now = performance.now();
      const timing = {
        seq, total_ms: now - this.editStart.get(seq), export_ms: this.exportMs,
        python_ms: analysis.compute_ms, kernel_ms: analysis.kernel_ms, overlay_ms: this.overlayMs,
        transport_and_overlays_ms: now - this.sentAt
      };
      this.timings.push(timing);
      this.root.dataset.roundtripMs = timing.total_ms.toFixed(1);
      for (const key of [ ...this.editStart.keys() ]) if (key <= seq) this.editStart.delete(key);
    }
  }

  renderFindings() {
    const findings = [ ...(this.analysisFindings || []), ...(this.model.get('findings') || []) ];
    this.findingsEl.replaceChildren();
    if (!findings.length) return;
    this.findingsEl.append(h('h4', {}, 'Befunde'));
    const list = h('ul', {});
    for (const finding of findings) {
      const item = h('li', { class: `wb-finding wb-finding-${finding.level || 'info'}` },
        h('b', {}, finding.severity || ''), ' ', finding.message);
      if (finding.element) {
        item.classList.add('wb-clickable');
        item.title = 'Element im Diagramm zeigen';
        item.addEventListener('click', () => this.message({ type: 'select', id: finding.element }));
      }
      list.append(item);
    }
    this.findingsEl.append(list);
  }

  renderLegend(schema) {
    const items = (schema.media || []).map(([ key, label, color ]) =>
      h('span', { class: 'wb-legend-item' }, h('i', { style: `background:${color}` }), label));
    this.legendEl.replaceChildren(h('h4', {}, 'Medium'), ...items,
      h('span', { class: 'wb-legend-item' }, h('i', { class: 'wb-legend-break' }), 'Medienbruch'),
      h('span', { class: 'wb-legend-item' }, h('i', { class: 'wb-legend-reentry' }), 'Neuerfassung von Hand'),
      h('span', { class: 'wb-legend-item' }, h('b', { class: 'wb-legend-visits' }, '1,3×'), 'erwartete Ausführungen (Schleife)'));
  }

  showStatus(status) {
    this.status.textContent = status && status.text ? status.text : '';
    this.status.className = `wb-status wb-status-${(status && status.kind) || 'none'}`;
    if (!status || !status.text) return;
    if (status.kind === 'saved' && status.seq === this.seq) this.dirty.textContent = '';
  }

  destroy() {
    clearTimeout(this.pending);
    this.resizeObserver.disconnect();
    this.model.off('change:xml', this.onXml);
    this.model.off('change:analysis', this.onAnalysis);
    this.model.off('change:status', this.onStatus);
    this.model.off('change:findings', this.onFindings);
    this.model.off('change:candidates', this.onCandidates);
    for (const name of [ 'workshop', 'panel_open', 'fullscreen', 'height', 'title' ]) {
      this.model.off(`change:${name}`, this.onLayout);
    }
    this.model.off('msg:custom', this.onMessage);
    this.modeler.destroy();
  }
}

// For the browser tests and the round-trip benchmark: the live views on this page.
const views = [];
window.werkbenchModeler = { views, missingTranslations };

export default {
  render({ model, el }) {
    const view = new ModelerView(model, el);
    views.push(view);
    return () => {
      views.splice(views.indexOf(view), 1);
      view.destroy();
    };
  }
};
