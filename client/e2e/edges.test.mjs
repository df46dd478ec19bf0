// Issue 12's edges, against the real server binary serving the real build
// (SHOP_STATIC_DIR, as `task up` does), in Debian's Chromium: status codes
// of the one-port server (404 outside the client's routes, compression),
// the crawler files, no console 401 for guests, per-page titles and meta
// descriptions, Open Graph tags on product pages, the catalog's filter
// drawer on a phone and a catalog page past the end.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { apiGet, axeViolations, distDir, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer } from './harness.mjs';

let server;
let browser;

const PHONE = { width: 390, height: 844 };

/** A raw GET (node's fetch would decompress and hide Content-Encoding). */
function get(path, headers = {}) {
  return new Promise((ok, fail) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

const head = (page) =>
  page.evaluate(() => ({
    title: document.title,
    description: document.querySelector('meta[name="description"]')?.getAttribute('content') ?? null,
    robots: document.querySelector('meta[name="robots"]')?.getAttribute('content') ?? null,
    og: Object.fromEntries([...document.querySelectorAll('meta[property]')].map((m) => [m.getAttribute('property'), m.getAttribute('content')])),
  }));

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-edges-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the one-port server (task up)', () => {
  it('answers 200 for client routes, 404 with the app page for unknown paths and a plain 404 for missing assets', async () => {
    const index = readFileSync(join(distDir, 'index.html'));
    const routes = JSON.parse(readFileSync(join(distDir, 'routes.json'), 'utf8'));
    assert.deepEqual(routes, JSON.parse(readFileSync(new URL('../src/routes.json', import.meta.url), 'utf8')), 'the build carries the route table');
    for (const path of ['/', '/catalog?page=2', '/products/anything', '/account/orders/12', '/admin/products/new', '/checkout/confirmation/3']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(res.body, index, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
    }
    for (const path of ['/nope', '/catalog/shoes', '/products', '/account/orders', '/robots', '/sitemap']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, index, `${path}: the app's page, which says "not found"`);
      assert.match(res.headers['content-type'], /^text\/html/, path);
    }
    const missing = await get('/assets/index-doesnotexist.js');
    assert.equal(missing.status, 404);
    assert.doesNotMatch(missing.headers['content-type'], /html/, 'a missing script must never be answered with HTML');
  });

  it('compresses text with brotli or gzip, with Vary and the cache headers', async () => {
    const entry = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(distDir, 'index.html'), 'utf8'))[1];
    const sizes = {};
    for (const path of ['/', entry]) {
      const plain = await get(path);
      const gz = await get(path, { 'Accept-Encoding': 'gzip' });
      const br = await get(path, { 'Accept-Encoding': 'gzip, deflate, br' });
      assert.equal(plain.headers['content-encoding'], undefined, path);
      assert.equal(gz.headers['content-encoding'], 'gzip', path);
      assert.equal(br.headers['content-encoding'], 'br', path);
      for (const r of [plain, gz, br]) assert.equal(r.headers.vary, 'Accept-Encoding', path);
      assert.deepEqual(gunzipSync(gz.body), plain.body, path);
      assert.deepEqual(brotliDecompressSync(br.body), plain.body, path);
      assert.equal(plain.headers['cache-control'], path === '/' ? 'no-cache' : 'public, max-age=31536000, immutable', path);
      sizes[path] = { identity: plain.body.length, gzip: gz.body.length, br: br.body.length };
    }
    console.log(`bytes served (identity / gzip / br): ${JSON.stringify(sizes)}`);
    assert.ok(sizes[entry].gzip < sizes[entry].identity / 2, `gzip saved too little on the bundle: ${JSON.stringify(sizes[entry])}`);
  });

  it('serves robots.txt and a sitemap of the active catalog', async () => {
    const robots = await get('/robots.txt');
    assert.equal(robots.status, 200);
    assert.match(robots.headers['content-type'], /^text\/plain/);
    assert.match(robots.body.toString(), new RegExp(`^Sitemap: ${server.url}/sitemap.xml$`, 'm'));
    const sitemap = await get('/sitemap.xml');
    assert.equal(sitemap.status, 200);
    assert.match(sitemap.headers['content-type'], /^application\/xml/);
    const product = (await apiGet(server.url, '/products?per_page=1')).items[0];
    assert.ok(sitemap.body.toString().includes(`<loc>${server.url}/products/${product.slug}</loc>`), 'the sitemap lists an active product');
  });
});

describe('findable pages', () => {
  it('a guest loads pages without a console 401: /auth/me answers {"user": null}', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      const me = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/auth/me');
      await page.goto('/');
      const res = await me;
      assert.equal(res.status(), 200);
      assert.deepEqual(await res.json(), { user: null });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();
      await page.goto('/catalog');
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('every page has its own title and meta description; unknown paths show the not-found page with a 404', async () => {
    const product = (await apiGet(server.url, '/products?per_page=1')).items[0];
    const category = (await apiGet(server.url, '/categories')).items.find((c) => c.product_count > 0);
    const pages = [
      { path: '/', heading: 'Good things, fairly priced.', title: 'shopstack' },
      { path: '/catalog', heading: 'All products', title: 'All products · shopstack' },
      { path: `/catalog?category=${category.slug}`, heading: category.name, title: `${category.name} · shopstack` },
      { path: '/search?q=a', heading: /Results for/, title: 'Search: a · shopstack' },
      { path: `/products/${product.slug}`, heading: product.name, title: `${product.name} · shopstack` },
      { path: '/cart', heading: 'Your cart', title: 'Cart · shopstack' },
      { path: '/account/login', heading: 'Log in', title: 'Log in · shopstack' },
      { path: '/account/register', heading: /Create/, title: 'Create an account · shopstack' },
      { path: '/no-such-page', heading: 'We could not find that page', title: 'Not found · shopstack', status: 404 },
    ];
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [
        { method: 'GET', path: /^\/no-such-page$/, status: 404 },
        { method: 'GET', path: /^\/api\/v1\/products\/no-such-product$/, status: 404 },
      ],
    });
    try {
      const seen = new Map();
      for (const p of pages) {
        const res = await page.goto(p.path);
        assert.equal(res.status(), p.status ?? 200, p.path);
        await page.getByRole('heading', { level: 1, name: p.heading }).waitFor();
        // Titles and descriptions are set in effects: wait for the title.
        await page.waitForFunction((t) => document.title === t, p.title);
        const h = await head(page);
        assert.ok(h.description && h.description.length >= 20 && h.description.length <= 160, `${p.path}: description ${JSON.stringify(h.description)}`);
        if (p.path.startsWith('/products/')) assert.ok(h.description.startsWith(product.description.slice(0, 40)), `${p.path}: the product's own description, got ${h.description}`);
        assert.equal(h.robots, p.status === 404 ? 'noindex' : null, `${p.path}: meta robots`);
        if (p.path === '/no-such-page') await expectNoA11yViolations(page, 'not found page');
        seen.set(p.path, h);
      }
      // An unknown product is a client route (200 from the server): the page says noindex.
      await page.goto('/products/no-such-product');
      await page.getByRole('heading', { level: 1, name: 'We could not find that product' }).waitFor();
      assert.equal((await head(page)).robots, 'noindex', 'an unknown product is not indexed');
      await page.goto('/catalog');
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      assert.equal((await head(page)).robots, null, 'noindex stays after the not-found page');
      const descriptions = [...seen.values()].map((h) => h.description);
      const titles = [...seen.values()].map((h) => h.title);
      assert.equal(new Set(titles).size, titles.length, `titles repeat: ${titles.join(' | ')}`);
      // The category page may use the category's description; the rest differ by route.
      assert.ok(new Set(descriptions).size >= descriptions.length - 1, `descriptions repeat: ${descriptions.join(' | ')}`);
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('product pages carry Open Graph tags, and other pages do not', async () => {
    const product = (await apiGet(server.url, '/products?per_page=1')).items[0];
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto(`/products/${product.slug}`);
      await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
      await page.waitForFunction(() => document.querySelector('meta[property="og:title"]'));
      const { og } = await head(page);
      assert.equal(og['og:type'], 'product');
      assert.equal(og['og:title'], product.name);
      assert.equal(og['og:site_name'], 'shopstack');
      assert.equal(og['og:url'], `${server.url}/products/${product.slug}`);
      assert.equal(og['og:image'], new URL(product.images[0], server.url).href);
      assert.ok(og['og:description']?.length > 0);
      assert.equal(og['product:price:currency'], product.price.currency);
      assert.equal(Number(og['product:price:amount']), product.price.amount / 100);
      const image = await fetch(og['og:image']);
      assert.equal(image.status, 200, 'og:image loads');
      await expectNoA11yViolations(page, 'product');

      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Catalog' }).click();
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      assert.deepEqual((await head(page)).og, {}, 'a product\'s Open Graph tags stayed on the catalog');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});

describe('catalog', () => {
  it('phone (390x844): filters are in a drawer; the first product is on the first screen; keyboard opens and closes it', async () => {
    const category = (await apiGet(server.url, '/categories')).items.find((c) => c.product_count > 0);
    const { context, page, problems } = await openPage(browser, { baseURL: server.url, viewport: PHONE, mobile: true });
    try {
      await page.goto('/catalog');
      const first = page.locator('.product-grid > li').first();
      await first.waitFor();
      const box = await first.boundingBox();
      console.log(`phone: the first product starts ${Math.round(box.y)} px down`);
      assert.ok(box.y < PHONE.height / 2, `the first product starts ${Math.round(box.y)} px down on an ${PHONE.height} px screen`);
      assert.equal(await page.getByRole('navigation', { name: 'Categories' }).count(), 0, 'the filters are not on the page until the drawer opens');
      await expectNoA11yViolations(page, 'phone catalog');
      await screenshot(page, 'edges-phone-catalog');

      const toggle = page.getByRole('button', { name: /^Filters/ });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      await toggle.focus();
      await page.keyboard.press('Enter');
      const drawer = page.getByRole('dialog', { name: 'Filters' });
      await drawer.waitFor();
      // React renders aria-expanded after the dialog opens: wait for it, no sleep.
      await page.waitForFunction(() => document.querySelector('.filters-toggle')?.getAttribute('aria-expanded') === 'true');
      await drawer.getByRole('navigation', { name: 'Categories' }).waitFor();
      await expectNoA11yViolations(page, 'phone filter drawer');
      await screenshot(page, 'edges-phone-drawer');
      // Focus stays in the drawer (modal dialog).
      for (let i = 0; i < 15; i++) {
        await page.keyboard.press('Tab');
        const inside = await page.evaluate(() => !!document.activeElement?.closest('dialog[open]') || document.activeElement === document.body);
        assert.ok(inside, `Tab ${i + 1} left the drawer`);
      }
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      // The dialog's close event re-renders the button: wait for it, no sleep.
      await page.waitForFunction(() => document.querySelector('.filters-toggle')?.getAttribute('aria-expanded') === 'false');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.startsWith('Filters')), true, 'focus returns to the Filters button');

      // Choosing a category applies it and closes the drawer.
      await toggle.tap();
      await drawer.getByRole('link', { name: new RegExp(`^${category.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).tap();
      await page.waitForURL(`**/catalog?category=${category.slug}`);
      await drawer.waitFor({ state: 'hidden' });
      await page.getByRole('heading', { level: 1, name: category.name }).waitFor();
      assert.match(await toggle.textContent(), /1 on/);
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'edges-phone-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('desktop keeps the filters beside the results, without a drawer', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto('/catalog');
      await page.getByRole('complementary', { name: 'Filters' }).getByRole('navigation', { name: 'Categories' }).waitFor();
      assert.equal(await page.getByRole('button', { name: /^Filters/ }).count(), 0);
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('a page past the end says there is no such page and links to the last one', async () => {
    const total = (await apiGet(server.url, '/products?per_page=12')).total;
    const last = Math.max(1, Math.ceil(total / 12));
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto('/catalog?page=99999');
      await page.getByText('There is no page 99999').waitFor();
      assert.equal(await page.getByText('No products match').count(), 0, 'says "No products match" although products exist');
      await expectNoA11yViolations(page, 'catalog past the end');
      await page.getByRole('link', { name: 'Go to the last page' }).click();
      await page.waitForURL(last > 1 ? `**/catalog?page=${last}` : '**/catalog');
      await page.locator('.product-grid > li').first().waitFor();
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});
