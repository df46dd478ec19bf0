// Browser checks for the components that the ESLint findings changed
// (issue 14, item 9): the catalog's price filter now follows the URL while
// rendering instead of in an effect; the admin product search writes the URL
// from an effect event; product thumbnails have a new accessible name.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, startServer, until } from './harness.mjs';

let server;
let browser;

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

async function api(context, method, path, data) {
  const res = await context.request.fetch(`/api/v1${path}`, { method, data, headers: { 'Content-Type': 'application/json' } });
  const body = await res.json().catch(() => null);
  if (!res.ok()) throw new Error(`${method} ${path}: HTTP ${res.status()} ${JSON.stringify(body)}`);
  return body;
}

async function asAdmin() {
  const session = await openPage(browser, { baseURL: server.url });
  await api(session.context, 'POST', '/auth/login', { email: server.admin.email, password: server.admin.password });
  return session;
}

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-eslint-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('components changed by the lint fixes', () => {
  it('the price filter shows the prices of the URL after Back and Forward', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    const min = page.getByLabel('Min price');
    const max = page.getByLabel('Max price');
    const fieldsAre = (lo, hi) => until(`price fields ${lo}-${hi}`, async () => (await min.inputValue()) === lo && (await max.inputValue()) === hi);
    try {
      await page.goto('/catalog');
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      await min.fill('20');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/[?&]min=20(&|$)/);
      await min.fill('30');
      await max.fill('90');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/min=30&max=90/);

      await page.goBack();
      await page.waitForURL((u) => u.searchParams.get('min') === '20' && !u.searchParams.has('max'));
      await fieldsAre('20', '');
      await page.goBack();
      await page.waitForURL((u) => !u.searchParams.has('min'));
      await fieldsAre('', '');
      await page.goForward();
      await page.waitForURL((u) => u.searchParams.get('min') === '20');
      await fieldsAre('20', '');
      // Typing is the person's until the URL changes again.
      await min.fill('25');
      await page.locator('.product-grid').waitFor();
      assert.equal(await min.inputValue(), '25');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('admin product search writes the URL as one types, and a link to the unfiltered list is not undone', async () => {
    const { context, page, problems } = await asAdmin();
    const all = await apiGet(server.url, '/products?per_page=1&sort=name');
    const name = all.items[0].name;
    try {
      await page.goto('/admin/products');
      await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
      await page.getByRole('search', { name: 'Filter products' }).getByRole('searchbox').fill(name);
      await page.waitForURL((u) => u.searchParams.get('q') === name);
      await page.getByRole('link', { name, exact: true }).first().waitFor();

      await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Products' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/products' && !u.searchParams.has('q'));
      // The unfiltered list is on screen (more rows than the search found),
      // and the URL was not rewritten to the old search meanwhile.
      await until('the unfiltered list', async () => (await page.locator('tbody tr').count()) > 1);
      assert.equal(new URL(page.url()).searchParams.get('q'), null, 'the old search text was written back to the URL');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('product thumbnails are buttons named by the product and their place, and the page is axe-clean', async () => {
    const admin = await asAdmin();
    const [product, other] = (await apiGet(server.url, '/products?per_page=2&sort=name')).items;
    await api(admin.context, 'PATCH', `/admin/products/${product.id}`, { images: [product.images[0], other.images[0]] });
    await admin.context.close();

    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto(`/products/${product.slug}`);
      await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
      const thumbs = page.getByRole('list', { name: 'More pictures' });
      const second = thumbs.getByRole('button', { name: `${product.name}, 2 of 2`, exact: true });
      await thumbs.getByRole('button', { name: `${product.name}, 1 of 2`, exact: true }).waitFor();
      await second.click();
      await until('the second thumbnail pressed', async () => (await second.getAttribute('aria-pressed')) === 'true');
      await expectNoA11yViolations(page, 'product with two pictures');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});
