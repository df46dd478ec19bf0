#!/usr/bin/env node
// JavaScript and CSS each route loads, gzipped (level 6, as client/nginx
// serves them), read from what headless Chromium actually fetched on a cold
// load of that route: the initial assets plus the lazy chunks the route
// pulls in. A measurement, not a test: it prints a table and exits 0.
// Routes that need a session are loaded logged in as the run's admin.
//   node scripts/route-bytes.mjs      (server binary: $SHOP_SERVER_BIN or built)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { apiGet, distDir, launchBrowser, requireBuild, startServer } from '../e2e/harness.mjs';

requireBuild();
const server = await startServer({ name: 'route-bytes-server' });
const browser = await launchBrowser();
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
try {
  const product = (await apiGet(server.url, '/products?per_page=1')).items[0];
  const routes = [
    { path: '/' },
    { path: '/catalog' },
    { path: `/products/${product.slug}` },
    { path: '/search?q=lamp' },
    { path: '/cart' },
    { path: '/account/login' },
    { path: '/checkout', login: true },
    { path: '/account', login: true },
    { path: '/admin/products', login: true },
  ];
  const rows = [];
  for (const r of routes) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    if (r.login) {
      const res = await context.request.post(`${server.url}/api/v1/auth/login`, { data: server.admin });
      if (!res.ok()) throw new Error(`login: HTTP ${res.status()}`);
    }
    await page.goto(`${server.url}${r.path}`, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    await page.locator("main h1, h1").first().waitFor();
    const urls = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
    let js = 0;
    let css = 0;
    for (const u of new Set(urls)) {
      const path = new URL(u).pathname;
      if (!path.startsWith('/assets/')) continue;
      const bytes = gzipSync(readFileSync(join(distDir, path)), { level: 6 }).length;
      if (path.endsWith('.js')) js += bytes;
      else if (path.endsWith('.css')) css += bytes;
    }
    rows.push({ route: r.path, js: kb(js), css: kb(css), total: kb(js + css) });
    await context.close();
  }
  console.table(rows);
} finally {
  await browser.close();
  await server.stop();
}
