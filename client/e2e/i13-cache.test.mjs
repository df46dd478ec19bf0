// Issue 13's catalog read path in Chromium against the real server binary
// serving the real build: catalog reads carry a strong ETag and a public
// Cache-Control, yet the app shows an admin's change on the next visit of
// a page at once (it revalidates every read; the server's catalog cache
// was dropped by the write).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiGet, launchBrowser, openPage, requireBuild, startServer, usd } from './harness.mjs';

let server;
let browser;

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-i13-cache-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('catalog caching', () => {
  it('a product page shows an admin price change on the next visit, although its read is publicly cacheable', async () => {
    const product = (await apiGet(server.url, '/products?sort=name&per_page=1')).items[0];
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    const admin = await browser.newContext({ baseURL: server.url });
    try {
      const path = `/api/v1/products/${product.slug}`;
      const read = () => page.waitForResponse((r) => new URL(r.url()).pathname === path);
      let res = read();
      await page.goto(`/products/${product.slug}`);
      const first = await res;
      assert.equal(first.status(), 200);
      const headers = first.headers();
      assert.match(headers.etag ?? '', /^"[0-9a-f]{32}(-gzip|-br)?"$/, 'a strong ETag');
      assert.equal(headers['cache-control'], 'public, max-age=30, stale-while-revalidate=60');
      assert.match(headers.vary ?? '', /Accept-Encoding/);
      await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
      await page.getByText(usd(product.price.amount)).first().waitFor();

      assert.equal((await admin.request.post('/api/v1/auth/login', { data: server.admin })).status(), 200);
      const newPrice = product.price.amount + 111;
      const patched = await admin.request.patch(`/api/v1/admin/products/${product.id}`, { data: { price: newPrice } });
      assert.equal(patched.status(), 200);

      // Away and back: the browser still holds the old answer (max-age 30),
      // but the app revalidates, and the server answers the new body.
      await page.goto('/catalog');
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      res = read();
      await page.goto(`/products/${product.slug}`);
      const second = await res;
      assert.notEqual(second.headers().etag, headers.etag, 'a new ETag after the change');
      await page.getByText(usd(newPrice)).first().waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await admin.close();
      await context.close();
    }
  });
});
