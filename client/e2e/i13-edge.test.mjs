// Issue 13, hardening at the edge: the app served by the Go server carries
// the client's own security headers (the same as nginx's) and still works
// under them in Chromium (no CSP violation, no console error); the API
// answers the browser fetches carry the strict API headers, and the
// personal ones (the cart) are never stored by a cache.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiGet, clientDir, launchBrowser, openPage, requireBuild, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-i13-edge-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The add_header lines of client/nginx/security-headers.conf, by lower-case name. */
function nginxHeaders() {
  const conf = readFileSync(join(clientDir, 'nginx', 'security-headers.conf'), 'utf8');
  const out = {};
  for (const m of conf.matchAll(/^add_header (\S+) "([^"]*)" always;/gm)) out[m[1].toLowerCase()] = m[2];
  return out;
}

describe('edge headers', () => {
  it('the app works under its CSP; API answers carry the API headers; the cart is no-store', async () => {
    const products = await apiGet(server.url, '/products?per_page=24');
    const product = products.items.find((p) => p.in_stock && p.stock >= 1);
    assert.ok(product, 'no product in stock');

    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    const apiAnswers = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname.startsWith('/api/v1/')) apiAnswers.push(res);
    });
    try {
      const doc = await page.goto(`/products/${product.slug}`);
      const headers = doc.headers();
      for (const [name, value] of Object.entries(nginxHeaders())) {
        if (name === 'strict-transport-security') continue; // only over TLS at the load balancer
        assert.equal(headers[name], value, `the page's ${name}`);
      }
      assert.equal(headers['strict-transport-security'], undefined, 'HSTS over plain HTTP without a proxy');

      await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByRole('link', { name: /^Cart 1 item/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();

      assert.ok(apiAnswers.length > 0, 'the app made no API request');
      for (const res of apiAnswers) {
        const h = res.headers();
        const what = `${res.request().method()} ${new URL(res.url()).pathname}`;
        assert.equal(h['x-content-type-options'], 'nosniff', what);
        assert.equal(h['x-frame-options'], 'DENY', what);
        // The pictures keep their own CSP (inline style in the SVG), framing forbidden in every one.
        assert.match(h['content-security-policy'], /^default-src 'none';.*frame-ancestors 'none'$/, what);
        assert.equal(h['referrer-policy'], 'no-referrer', what);
      }
      const cartAnswers = apiAnswers.filter((r) => new URL(r.url()).pathname.startsWith('/api/v1/cart'));
      assert.ok(cartAnswers.length > 0, 'no cart request seen');
      for (const res of cartAnswers) {
        assert.equal(res.headers()['cache-control'], 'private, no-store', `${res.request().method()} ${res.url()}`);
      }
      assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });

  it('a body over 1 MiB gets the readable 413, not a reset', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'a'.repeat(2 << 20), password: 'x' }),
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    const body = await res.json();
    assert.equal(body.error.code, 'too_large');
  });
});
