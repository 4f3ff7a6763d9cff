// Deterministic build of the modeler and viewer bundles into the Python package.
//
//   npm ci && node build.mjs [OUTDIR]      (default OUTDIR: ../src/workbench/widgets/static)
//
// Same package-lock.json -> same esbuild and sources -> byte-identical files; the Python test
// tests/widgets/test_modeler_bundle.py rebuilds into a temporary folder and compares.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] || path.join(here, '..', 'src', 'workbench', 'widgets', 'static'));

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  legalComments: 'eof',
  target: [ 'es2020' ],
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.eot': 'dataurl', '.svg': 'dataurl' }
};

checkTranslations();
fs.mkdirSync(outdir, { recursive: true });
const modeler = await esbuild.build({
  ...common, entryPoints: { 'bpmn-modeler': 'src/modeler.js' }, format: 'esm', outdir
});
const viewer = await esbuild.build({
  ...common, entryPoints: { 'bpmn-viewer': 'src/viewer.js' }, format: 'iife', globalName: 'WerkbenchBpmn', outdir
});
writeLicenses([ modeler.metafile, viewer.metafile ]);

// Every UI string of bpmn-js and diagram-js needs German text (src/i18n/de.json).
function checkTranslations() {
  const de = JSON.parse(fs.readFileSync(path.join(here, 'src', 'i18n', 'de.json'), 'utf8'));
  const wanted = new Set();
  const walk = dir => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.js')) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/translate\(\s*(['"])((?:(?!\1).)+)\1\s*[,)]/gs)) wanted.add(m[2]);
        if (name === 'PopupEntries.js') for (const m of text.matchAll(/label: '([^']+)'/g)) wanted.add(m[1]);
        for (const m of text.matchAll(/_ERR_MSG = '([^']+)'/g)) wanted.add(m[1]);
        for (const m of text.matchAll(/translate\('Align elements ' \+ alignment\)/g)) {
          for (const side of [ 'left', 'right', 'center', 'top', 'bottom', 'middle' ]) wanted.add(`Align elements ${side}`);
        }
      }
    }
  };
  walk(path.join(here, 'node_modules', 'bpmn-js', 'lib'));
  walk(path.join(here, 'node_modules', 'diagram-js', 'lib', 'features'));
  wanted.delete('HELLO {you}');  // an example in a doc comment
  const missing = [ ...wanted ].filter(s => !(s in de)).sort();
  if (missing.length) {
    console.error('Deutsche Texte fehlen in js/src/i18n/de.json für:\n  ' + missing.join('\n  '));
    process.exit(1);
  }
}

// The licences of every npm package inside the bundles, sorted, next to them.
function writeLicenses(metafiles) {
  const packages = new Set();
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
      if (m) packages.add(m[1]);
    }
  }
  const parts = [];
  for (const name of [ ...packages ].sort()) {
    const dir = path.join(here, 'node_modules', name);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const file = fs.readdirSync(dir).sort().find(f => /^licen[sc]e/i.test(f));
    const text = file ? fs.readFileSync(path.join(dir, file), 'utf8').trim() : `License: ${pkg.license}`;
    parts.push(`${name} ${pkg.version} (${pkg.license})\n${'-'.repeat(60)}\n${text}\n`);
  }
  fs.writeFileSync(path.join(outdir, 'THIRD-PARTY-LICENSES.txt'),
    'Licences of the npm packages bundled into bpmn-modeler.js and bpmn-viewer.js\n\n' + parts.join('\n'));
}
