#!/usr/bin/env node
// First contentful paint and largest contentful paint of the home page and
// the catalog on localhost, in headless Chromium, read from the browser's
// performance entries: the median of several cold loads (fresh context, so
// no HTTP cache). A measurement, not a test: it prints and exits 0.
//   node scripts/perf.mjs [loads]      (server binary: $SHOP_SERVER_BIN or built)
import { launchBrowser, requireBuild, startServer } from '../e2e/harness.mjs';

const loads = Number(process.argv[2] ?? 7);
const pages = [
  { path: '/', ready: '.product-grid img' },
  { path: '/catalog', ready: '.product-grid img' },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

requireBuild();
const server = await startServer({ name: 'perf-server' });
const browser = await launchBrowser();
try {
  console.log(`${loads} cold loads per page, ${server.url}, headless Chromium, no throttling`);
  for (const { path, ready } of pages) {
    const fcp = [];
    const lcp = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        window.__lcp = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__lcp = e.startTime;
        }).observe({ type: 'largest-contentful-paint', buffered: true });
      });
      await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
      await page.locator(ready).first().waitFor();
      // Let pictures decode and paint so that LCP has its final candidate.
      await page.waitForLoadState('networkidle');
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const m = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        lcp: window.__lcp,
      }));
      fcp.push(m.fcp);
      lcp.push(m.lcp);
      await context.close();
    }
    const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    console.log(`${path.padEnd(9)} FCP ${fmt(fcp)}   LCP ${fmt(lcp)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
