// Copies MiniSearch (the portal's client-side search) from the lockfile install into the Python
// package, as a classic script (UMD, global `MiniSearch`) that also runs from file:// pages.
//
//   npm ci && node build.mjs [OUTDIR]      (default OUTDIR: ../../src/workbench/portal/static)
//
// Same package-lock.json -> byte-identical files; the source-map comment is dropped so no tool
// ever asks for a file the portal does not ship.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] || path.join(here, '..', '..', 'src', 'workbench', 'portal', 'static'));
const pkgDir = path.join(here, 'node_modules', 'minisearch');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));

fs.mkdirSync(outdir, { recursive: true });
const code = fs.readFileSync(path.join(pkgDir, 'dist', 'umd', 'index.js'), 'utf8')
  .replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
fs.writeFileSync(path.join(outdir, 'minisearch.js'),
  `/*! MiniSearch ${pkg.version} (${pkg.license}) — see minisearch-LICENSE.txt */\n` + code);
fs.writeFileSync(path.join(outdir, 'minisearch-LICENSE.txt'),
  `minisearch ${pkg.version} (${pkg.license})\n${'-'.repeat(60)}\n` +
  fs.readFileSync(path.join(pkgDir, 'LICENSE.txt'), 'utf8').trim() + '\n');
