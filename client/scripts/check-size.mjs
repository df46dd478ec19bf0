#!/usr/bin/env node
// Fails when the initial route's JavaScript or CSS (gzipped) grows past its
// budget. "Initial" = what dist/index.html loads before any lazy chunk: the
// entry script, its modulepreloads and its stylesheets. Gzip level 6 is what
// client/nginx serves with (gzip_comp_level 6).
//
// Budgets (docs/client.md explains them): JS 100 KB, CSS 12 KB gzipped.
// React + ReactDOM alone are about 60 KB of the JS; the storefront's
// catalog, cart and shell add about 20 KB; the rest is headroom for a year
// of features, far under the 150 KB ceiling of the issue.
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET = { js: 100 * 1024, css: 12 * 1024 };

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 6 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

export function initialAssets(html) {
  const js = new Set();
  const css = new Set();
  for (const m of html.matchAll(/<script[^>]*\ssrc="\/([^"]+)"/g)) js.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g)) js.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="\/([^"]+)"/g)) css.add(m[1]);
  return { js: [...js], css: [...css] };
}

function main() {
  let html;
  try {
    html = readFileSync(join(dist, 'index.html'), 'utf8');
  } catch {
    console.error('check-size: client/dist/index.html is missing: run `npm run build` first');
    process.exit(1);
  }
  if (/<script(?![^>]*\ssrc=)[^>]*>/.test(html) || /<style/.test(html)) {
    console.error('check-size: index.html has an inline script or style, which the Content-Security-Policy forbids');
    process.exit(1);
  }
  const initial = initialAssets(html);
  const jsBytes = initial.js.reduce((n, f) => n + gz(f), 0);
  const cssBytes = initial.css.reduce((n, f) => n + gz(f), 0);
  const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !initial.js.includes(`assets/${f}`));
  const lazyBytes = lazy.reduce((n, f) => n + gz(`assets/${f}`), 0);

  console.log(`initial JS  ${kb(jsBytes).padStart(9)} gzipped (budget ${kb(BUDGET.js)})  ${initial.js.join(', ')}`);
  console.log(`initial CSS ${kb(cssBytes).padStart(9)} gzipped (budget ${kb(BUDGET.css)})  ${initial.css.join(', ')}`);
  console.log(`lazy JS     ${kb(lazyBytes).padStart(9)} gzipped in ${lazy.length} chunks (checkout, account, admin)`);
  const over = [];
  if (jsBytes > BUDGET.js) over.push(`JS ${kb(jsBytes)} > ${kb(BUDGET.js)}`);
  if (cssBytes > BUDGET.css) over.push(`CSS ${kb(cssBytes)} > ${kb(BUDGET.css)}`);
  if (initial.js.length === 0) over.push('no entry script found in index.html');
  if (lazy.length === 0) over.push('no lazy chunks: checkout/account/admin must be code-split');
  if (over.length) {
    console.error(`check-size: over budget: ${over.join('; ')}`);
    process.exit(1);
  }
  console.log('check-size: within budget');
}

if (import.meta.url === `file://${process.argv[1]}`) main();
