// Issue 12, product pictures: on the product page the seed's picture is a
// real drawing (no text baked in) that the browser renders, and its alt text
// is the product name; on the catalog the cards' pictures are decorative
// (the name is beside them). The real server binary and build, in Chromium.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-infra-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('product pictures', () => {
  it('the product page shows the drawing with the product name as its alt text', async () => {
    // A product whose name states its colour: the demo toys come in red.
    const toys = await apiGet(server.url, '/products?category=toys-games&per_page=24');
    const product = toys.items.find((p) => /, Red$/.test(p.name));
    assert.ok(product, `no red toy in ${toys.items.map((p) => p.name).join('; ')}`);

    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto(`/products/${product.slug}`);
      const img = page.getByRole('img', { name: product.name, exact: true });
      await img.waitFor();
      assert.equal(await img.getAttribute('src'), product.images[0]);
      // Decoded and drawn: a broken or invalid SVG has no natural size.
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());

      const res = await page.request.get(product.images[0]);
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], 'image/svg+xml');
      const svg = await res.text();
      assert.doesNotMatch(svg, /<text[\s>]/, 'the picture has text baked in');
      // The drawing's colour is the one the name states: a red.
      const fill = /<g class="product" fill="#([0-9a-f]{6})"/.exec(svg)?.[1];
      assert.ok(fill, `no product group in ${svg.slice(0, 200)}`);
      const [r, g, b] = [0, 2, 4].map((i) => parseInt(fill.slice(i, i + 2), 16));
      assert.ok(r > 150 && g < 90 && b < 90, `"${product.name}" is drawn in #${fill}, not red`);

      const v = await axeViolations(page);
      assert.deepEqual(v.map((x) => x.id), [], `axe found violations on the product page:\n${formatViolations('product page', v)}`);
      assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });

  it('every picture on the catalog page loads', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto('/catalog');
      const cards = page.locator('img[src^="/api/v1/images/"]');
      await cards.first().waitFor();
      const n = await cards.count();
      assert.ok(n >= 6, `only ${n} product pictures on the catalog page`);
      await page.waitForFunction(
        () => [...document.querySelectorAll('img[src^="/api/v1/images/"]')].every((el) => el.complete && el.naturalWidth > 0),
      );
      assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });
});
