// Live overlays from the Python metrics: badges (minutes, expected visits, diff status) on
// elements, medium colour and Medienbruch / diff markers as CSS classes. Nothing here touches the
// BPMN XML: overlays and markers live in the canvas only.

const OVERLAY_TYPE = 'wb-analysis';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** CSS rules that colour an activity by its medium (colours from workbench.maps). */
export function mediumCss(colors) {
  return Object.entries(colors || {}).map(([ key, color ]) =>
    `.wb-modeler .djs-element.wb-medium-${key} .djs-visual > rect:first-child { fill: ${color} !important; }`
  ).join('\n');
}

function connectionMid(connection) {
  const points = connection.waypoints || [];
  if (points.length < 2) return { top: 0, left: 0 };
  let total = 0;
  const lengths = [];
  for (let i = 1; i < points.length; i++) {
    const length = Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    lengths.push(length);
    total += length;
  }
  let rest = total / 2;
  for (let i = 1; i < points.length; i++) {
    if (rest <= lengths[i - 1] || i === points.length - 1) {
      const t = lengths[i - 1] ? rest / lengths[i - 1] : 0;
      const x = points[i - 1].x + t * (points[i].x - points[i - 1].x);
      const y = points[i - 1].y + t * (points[i].y - points[i - 1].y);
      return { left: x - connection.x, top: y - connection.y };
    }
    rest -= lengths[i - 1];
  }
  return { top: 0, left: 0 };
}

export class AnalysisOverlays {

  constructor(modeler) {
    this.overlays = modeler.get('overlays');
    this.canvas = modeler.get('canvas');
    this.registry = modeler.get('elementRegistry');
    this.shown = new Map(); // id -> { key, markers, overlay }
    modeler.get('eventBus').on('diagram.clear', () => this.shown.clear());
  }

  remove(id) {
    const entry = this.shown.get(id);
    if (!entry) return;
    if (entry.overlay) this.overlays.remove(entry.overlay);
    if (this.registry.get(id)) entry.markers.forEach(marker => this.canvas.removeMarker(id, marker));
    this.shown.delete(id);
  }

  /** Show one analysis (see workbench.widgets.modeler_analysis); only what changed is redrawn.
   *  Returns the number of elements and flows with an overlay or marker. */
  apply(analysis) {
    const wanted = new Map();
    for (const [ id, info ] of Object.entries(analysis.elements || {})) wanted.set(id, { info, flow: false });
    for (const [ id, info ] of Object.entries(analysis.flows || {})) wanted.set(id, { info, flow: true });
    for (const id of [ ...this.shown.keys() ]) {
      if (!wanted.has(id)) this.remove(id);
    }
    for (const [ id, { info, flow } ] of wanted) {
      const element = this.registry.get(id);
      const key = JSON.stringify(info) + (element ? `@${element.x},${element.y},${element.width}` : '');
      const entry = this.shown.get(id);
      if (entry && entry.key === key && (!element || this.registry.get(id) === entry.element)) continue;
      this.remove(id);
      if (!element) continue;
      this.shown.set(id, this.draw(id, element, info, flow, key));
    }
    return this.shown.size;
  }

  draw(id, element, info, flow, key) {
    const markers = [ ...(info.markers || []) ];
    if (info.medium) markers.push(`wb-medium-${info.medium}`);
    markers.forEach(marker => this.canvas.addMarker(id, marker));
    let overlay = null;
    if (flow && info.text && element.waypoints) {
      const html = `<div class="wb-flow-badge wb-flow-${escapeHtml(info.kind || '')}" title="${escapeHtml(info.title || '')}">${escapeHtml(info.text)}</div>`;
      overlay = this.overlays.add(id, OVERLAY_TYPE, { position: connectionMid(element), html });
    } else if (!flow && (info.badges || []).length) {
      const html = `<div class="wb-badges">${info.badges.map(b =>
        `<span class="wb-badge wb-badge-${escapeHtml(b.kind)}" title="${escapeHtml(b.title || '')}">${escapeHtml(b.text)}</span>`
      ).join('')}</div>`;
      overlay = this.overlays.add(id, OVERLAY_TYPE, { position: { bottom: -2, left: 0 }, html });
    }
    return { key, markers, overlay, element };
  }
}
