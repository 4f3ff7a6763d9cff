// Wissensportal der Prozess-Werkbench: Diagramm mit Schrittangaben und Suche.
// Klassisches Skript ohne Abhängigkeiten außer den mitgelieferten (bpmn-viewer.js, minisearch.js);
// läuft aus file:// und von jedem statischen Webserver. Texte werden nur als textContent gesetzt.
(function () {
  'use strict';

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function zahl(value) {
    if (value === null || value === undefined) return '–';
    return Number(value).toLocaleString('de-DE', { maximumFractionDigits: 2 });
  }

  // ---------------------------------------------------------------- diagram
  var FIELDS = [
    ['rolle', 'Rolle'], ['medium', 'Medium'], ['minuten', 'Minuten'], ['wartezeit_tage', 'Liegezeit (Tage)'],
    ['system', 'System'], ['phase', 'Phase'], ['automatisierung', 'Automatisierung'],
    ['dokumente', 'Formulare/\u200bDokumente'], ['rechtsgrundlagen', 'Rechtsgrundlage'], ['dokumentation', 'Hinweise']
  ];

  function showDetails(panel, step) {
    panel.textContent = '';
    panel.appendChild(el('h3', step.name || '(ohne Namen)'));
    panel.appendChild(el('p', 'Schritt ' + step.nr + ' · ' + step.element, 'leise'));
    var dl = el('dl');
    FIELDS.forEach(function (f) {
      var value = step[f[0]];
      if (f[0] === 'minuten') value = zahl(value);
      else if (f[0] === 'wartezeit_tage') { if (value === null) return; value = zahl(value); }
      else if (f[0] === 'dokumente') value = (value || []).map(function (d) { return d.text; }).join('; ') || '–';
      else if (f[0] === 'rechtsgrundlagen') value = (value || []).join('; ') || '–';
      else if (!value) value = '–';
      dl.appendChild(el('dt', f[1]));
      var dd = el('dd', value);
      dd.setAttribute('data-feld', f[0]);
      dl.appendChild(dd);
    });
    panel.appendChild(dl);
    var link = el('a', 'In der Schrittliste zeigen');
    link.href = '#' + step.anker;
    panel.appendChild(link);
  }

  function startDiagram() {
    var container = document.getElementById('diagramm');
    var xml = readJson('modell-xml');
    if (!container || xml === null || !window.WerkbenchBpmn) return;
    var steps = readJson('schritt-daten') || {};
    var panel = document.getElementById('details');
    var fallback = document.getElementById('diagramm-statisch');
    container.hidden = false;
    if (fallback) fallback.hidden = true;  // before fitting, so the diagram gets the full width
    window.WerkbenchBpmn.show(container, xml).then(function (result) {
      document.body.setAttribute('data-diagramm', 'bereit');
      result.viewer.on('element.click', function (event) {
        var step = steps[event.element.id];
        if (step && panel) showDetails(panel, step);
      });
    }).catch(function (err) {
      container.hidden = true;
      if (fallback) fallback.hidden = false;
      document.body.setAttribute('data-diagramm', 'fehler');
      if (panel) panel.appendChild(el('p', 'Das interaktive Diagramm konnte nicht angezeigt werden (' +
        (err && err.message ? err.message : err) + '); das Bild daneben zeigt den Ablauf.', 'leise'));
    });
  }

  // ---------------------------------------------------------------- search
  // Umlauts and ß folded the same way for documents and queries: "Bürgerbüro" = "buergerbuero".
  var FOLD = { 'ä': 'ae', 'ö': 'oe', 'ü': 'ue', 'ß': 'ss' };

  function fold(term) {
    return term.toLowerCase().replace(/[äöüß]/g, function (c) { return FOLD[c]; })
      .normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  }

  // Words are split at spaces, punctuation and symbols ("§", "/", "<", "+"): "DMS/E-Akte" → dms, e, akte.
  var SEPARATORS = /[\s\p{P}\p{S}]+/u;

  function tokenize(text) { return String(text).split(SEPARATORS); }

  function startSearch() {
    var input = document.getElementById('suchbegriff');
    var status = document.getElementById('suche-status');
    var list = document.getElementById('treffer');
    if (!input || !window.MiniSearch || !window.WB_SUCHE) return;
    var index = new window.MiniSearch({
      fields: window.WB_SUCHE.felder,
      storeFields: ['art', 'titel', 'url', 'kontext'],
      tokenize: tokenize,
      processTerm: function (term) { var t = fold(term); return t.length > 1 ? t : null; },
      searchOptions: {
        tokenize: tokenize,
        prefix: true,
        fuzzy: function (term) { return term.length > 4 ? 1 : 0; },
        boost: { titel: 3, systeme: 2, rollen: 2 },
        combineWith: 'AND'
      }
    });
    index.addAll(window.WB_SUCHE.dokumente);

    function run() {
      var query = input.value.trim();
      list.textContent = '';
      if (!query) { status.textContent = 'Suchbegriff eingeben.'; return; }
      var hits = index.search(query);
      status.textContent = hits.length === 1 ? '1 Treffer' : hits.length + ' Treffer';
      hits.slice(0, 100).forEach(function (hit) {
        var item = el('li', null, 'treffer-' + fold(hit.art));
        item.appendChild(el('span', hit.art, 'art'));
        var link = el('a', hit.titel);
        link.href = hit.url;
        item.appendChild(link);
        if (hit.kontext) item.appendChild(el('span', hit.kontext, 'kontext'));
        list.appendChild(item);
      });
    }

    var params = new URLSearchParams(window.location.search);
    input.value = params.get('q') || '';
    input.addEventListener('input', run);
    run();
  }

  startDiagram();
  startSearch();
}());
