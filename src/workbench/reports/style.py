"""The report and index stylesheet: system fonts only, no external resources, print-ready.

Classes for report fragments (the template functions may use them): ``box``/``steckbrief``
(framed box), ``kacheln`` + ``kachel`` (key figures), ``ampel gruen|gelb|rot`` (traffic light),
``hinweis`` (note), ``annahmen`` (assumptions list), ``seitenumbruch`` (page break in print),
``fehlerbox`` (error), ``klein`` (small print), ``zahl`` (right-aligned number cell),
``nur-druck`` / ``nur-bildschirm`` (only on paper / only on screen).

Print: A4 portrait, compact type (9 pt text, 7.5 pt tables), sections kept together without
forced breaks; the print drawing of a map (``druckkarte``) in rows (``kartenzeile``, never
split) at its own size, with its legend (``kartenlegende``). ``karte`` figures are wider than
the text column on screen so a map reads at its own size.
"""

#: Rules of the report fragments themselves (wide tables, subtitle). They are part of the page
#: stylesheet because the sanitiser removes ``<style>`` blocks from outputs; notebooks shown in
#: JupyterLab get them through ``report_content.fmt.EXTRA_CSS``.
FRAGMENT_CSS = """\
table.breit { font-size: 0.8rem; }
table.breit td, table.breit th { padding: 0.25em 0.4em; }
.untertitel { font-size: 1.15rem; color: #59636e; margin-top: -0.4em; }
dl dd { margin: 0 0 0.6em 1.2em; }
ul.aenderungen { padding-left: 1.2em; }
@media print { table.breit { font-size: 7pt; width: 100%; } }
.karten-vorrat { position: absolute; width: 0; height: 0; overflow: hidden; }
@media screen { .nur-druck { display: none !important; } }
"""

REPORT_CSS = """\
:root {
  --text: #1f2328; --muted: #59636e; --line: #d0d7de; --accent: #1d4f91; --bg-soft: #f4f6f8;
  --gruen: #2e7d32; --gelb: #f9a825; --rot: #c62828;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: #fff;
  font-family: "Segoe UI", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  font-size: 16px; line-height: 1.5;
}
main.bericht { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1, h2, h3, h4 { line-height: 1.25; color: var(--accent); margin: 1.6em 0 0.5em; }
h1 { font-size: 1.9rem; margin-top: 0.5rem; }
h2 { font-size: 1.45rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
h3 { font-size: 1.15rem; }
p, ul, ol { margin: 0.5em 0 0.9em; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: 0.8em 0 1.2em; width: auto; max-width: 100%;
        font-size: 0.92rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.zahl, th.zahl { text-align: right; }
tbody tr:nth-child(even) td { background: #fafbfc; }
figure.grafik { margin: 1em 0 1.4em; }
figure.grafik svg, figure.grafik img { max-width: 100%; height: auto; }
main.bericht figure.karte { width: min(96vw, 88rem); max-width: none; margin-left: 50%;
                           transform: translateX(-50%); }
figure.karte svg { width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 0.88rem; margin-top: 0.3em; }
pre.ausgabe { white-space: pre-wrap; background: var(--bg-soft); border: 1px solid var(--line);
              padding: 0.6em 0.8em; border-radius: 4px; font-size: 0.85rem; overflow-x: auto; }
.box, .steckbrief { border: 1px solid var(--line); border-left: 4px solid var(--accent);
                    border-radius: 4px; padding: 0.8em 1em; margin: 1em 0; background: #fff; }
.kacheln { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.kachel { flex: 1 1 10rem; border: 1px solid var(--line); border-radius: 4px; padding: 0.7em 0.9em; }
.kachel .wert { font-size: 1.5rem; font-weight: 600; color: var(--accent); display: block; }
.ampel { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%;
         vertical-align: -0.1em; border: 1px solid rgba(0,0,0,0.25); }
.ampel.gruen { background: var(--gruen); } .ampel.gelb { background: var(--gelb); }
.ampel.rot { background: var(--rot); }
.hinweis, .annahmen { background: #fff8e1; border: 1px solid #f0d48a; border-radius: 4px;
                      padding: 0.6em 0.9em; margin: 1em 0; }
.fehlerbox { background: #fdecea; border: 2px solid var(--rot); border-radius: 4px;
             padding: 0.7em 1em; margin: 1em 0; color: #611a15; }
.fehlerbox p { margin: 0.3em 0 0; }
.klein { font-size: 0.85rem; color: var(--muted); }
.status-erstellt { color: var(--gruen); } .status-uebersprungen { color: var(--muted); }
.status-fehlgeschlagen { color: var(--rot); font-weight: 600; }
@media print {
  @page { size: A4; margin: 8mm 8mm 9mm; }
  body { font-size: 8pt; line-height: 1.18; }
  main.bericht { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h1 { font-size: 16pt; } h2 { font-size: 11.5pt; margin: 0.8em 0 0.3em; }
  h3 { font-size: 9.5pt; margin: 0.7em 0 0.25em; }
  p, ul, ol { margin: 0.2em 0 0.35em; }
  table { font-size: 7pt; margin: 0.3em 0 0.5em; line-height: 1.2; }
  th, td { padding: 0.05em 0.3em; }
  .klein, figcaption { font-size: 7pt; }
  .nebeneinander { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1em;
                   align-items: start; }
  .nebeneinander table { width: 100%; }
  .nebeneinander .steckbrief { break-inside: auto; page-break-inside: auto; }
  .kaesten { display: flex; flex-wrap: wrap; gap: 0 1.4em; align-items: flex-start; }
  .kaesten > div { flex: 0 1 auto; max-width: 100%; }
  .kacheln { gap: 0.4em; margin: 0.5em 0; } .kachel { padding: 0.35em 0.5em; }
  .kachel .wert { font-size: 13pt; }
  .box, .steckbrief { padding: 0.4em 0.6em; margin: 0.5em 0; }
  .hinweis, .annahmen { padding: 0.3em 0.6em; margin: 0.5em 0; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  figure, .box, .steckbrief, .kachel, .hinweis, .fehlerbox, tr, dd {
    break-inside: avoid; page-break-inside: avoid; }
  p { orphans: 3; widows: 3; }
  thead { display: table-header-group; }
  dl { columns: 2; column-gap: 1.6em; }
  .seitenumbruch { break-before: page; page-break-before: always; }
  .nicht-drucken, .nur-bildschirm { display: none !important; }
  tbody tr:nth-child(even) td { background: none; }
  .druckkarte { margin: 0.3em 0 0.5em; }
  .kartenkopf { margin: 0 0 0.2em; font-size: 7.5pt; break-after: avoid; page-break-after: avoid; }
  .kartenabschnitt { font-size: 8pt; color: var(--accent); line-height: 1; }
  .kartenzeile { display: inline-block; vertical-align: top; margin: 0 4pt 2pt 0;
                 max-width: 100%; break-inside: avoid; page-break-inside: avoid; }
  .kartenzeile svg { display: block; max-width: 100%; height: auto; }
  .kartenlegende { font-size: 7pt; line-height: 1.25; margin: 0.2em 0; }
  .kartenlegende .farbfeld { display: inline-block; width: 1.2em; height: 0.8em;
                             vertical-align: -0.05em; border: 0.5pt solid #757575; }
  ol.bruchliste { columns: 2; column-gap: 1.2em; margin: 0.1em 0 0.3em; padding: 0;
                  list-style: none; font-size: 7pt; line-height: 1.25; }
  .bruchnummer { display: inline-block; min-width: 1.3em; text-align: center; color: #fff;
                 background: #c62828; border-radius: 0.6em; font-size: 7pt; }
}
"""

REPORT_CSS += FRAGMENT_CSS
