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
    this.markers = [];
  }

  clear() {
    this.overlays.remove({ type: OVERLAY_TYPE });
    for (const [ id, marker ] of this.markers) {
      if (this.registry.get(id)) this.canvas.removeMarker(id, marker);
    }
    this.markers = [];
  }

  mark(id, marker) {
    this.canvas.addMarker(id, marker);
    this.markers.push([ id, marker ]);
  }

  /** Show one analysis (see workbench.widgets.modeler_analysis); returns the number of overlays. */
  apply(analysis) {
    this.clear();
    let count = 0;
    for (const [ id, info ] of Object.entries(analysis.elements || {})) {
      const element = this.registry.get(id);
      if (!element) continue;
      if (info.medium) this.mark(id, `wb-medium-${info.medium}`);
      for (const marker of info.markers || []) this.mark(id, marker);
      const badges = info.badges || [];
      if (!badges.length) continue;
      const html = `<div class="wb-badges">${badges.map(b =>
        `<span class="wb-badge wb-badge-${escapeHtml(b.kind)}" title="${escapeHtml(b.title || '')}">${escapeHtml(b.text)}</span>`
      ).join('')}</div>`;
      this.overlays.add(id, OVERLAY_TYPE, { position: { bottom: -2, left: 0 }, html });
      count++;
    }
    for (const [ id, info ] of Object.entries(analysis.flows || {})) {
      const connection = this.registry.get(id);
      if (!connection || !connection.waypoints) continue;
      for (const marker of info.markers || []) this.mark(id, marker);
      if (info.text) {
        const html = `<div class="wb-flow-badge wb-flow-${escapeHtml(info.kind || '')}" title="${escapeHtml(info.title || '')}">${escapeHtml(info.text)}</div>`;
        this.overlays.add(id, OVERLAY_TYPE, { position: connectionMid(connection), html });
        count++;
      }
    }
    return count;
  }
}
