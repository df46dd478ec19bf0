// Issue 12, "POST /orders must carry what the customer saw": the checkout
// page sends the total on screen as expected_total, and the server refuses
// an order that does not carry one (422, nothing ordered, stock unchanged).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer, usd } from './harness.mjs';

let server;
let browser;
let product;
let standard;

async function api(context, method, path, data, headers = {}) {
  const res = await context.request.fetch(`/api/v1${path}`, { method, data, headers: { 'Content-Type': 'application/json', ...headers } });
  return { status: res.status(), body: await res.json().catch(() => null) };
}

async function apiOK(context, method, path, data, headers) {
  const r = await api(context, method, path, data, headers);
  assert.ok(r.status < 300, `${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-total-server' });
  browser = await launchBrowser();
  const page = await apiGet(server.url, '/products?per_page=50&sort=name');
  product = page.items.find((p) => p.in_stock && p.stock >= 5);
  assert.ok(product, 'no product with 5 in stock in the demo catalog');
  standard = (await apiGet(server.url, '/shipping-methods')).items.find((m) => m.code === 'standard');
  assert.ok(standard, 'no standard shipping method');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('checkout carries the total that was shown', () => {
  it('the checkout page sends the total on screen; an order without one is refused and changes nothing', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      const who = { name: 'Total Test', email: `total-${randomBytes(4).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url') };
      await apiOK(context, 'POST', '/auth/register', who);
      await apiOK(context, 'POST', '/auth/login', { email: who.email, password: who.password });
      await apiOK(context, 'POST', '/cart/items', { product_id: product.id, quantity: 2 });
      const shown = 2 * product.price.amount + standard.price.amount;

      await page.goto('/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await page.getByTestId('checkout-total').filter({ hasText: usd(shown) }).waitFor();
      const violations = await axeViolations(page);
      assert.deepEqual(violations.map((v) => v.id), [], `axe found violations on checkout:\n${formatViolations('checkout', violations)}`);
      await page.getByLabel('Address', { exact: true }).fill('1 Test Street');
      await page.getByLabel('City').fill('Springfield');
      await page.getByLabel('Postal code').fill('12345');
      await page.getByLabel('Country', { exact: true }).selectOption('US');
      await page.getByLabel('Card number').fill('4242424242424242');
      await page.getByLabel('Expiry (MM/YY)').fill('12/34');
      await page.getByLabel('Security code').fill('123');
      const placing = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/orders');
      await page.getByRole('button', { name: 'Place order' }).click();
      const sent = (await placing).postDataJSON();
      assert.equal(sent.expected_total, shown, 'the checkout must send the total it shows');
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      assert.equal((await page.getByTestId('order-total').textContent()).trim(), usd(shown));

      // The same customer, straight to the API without a total: 422, nothing happens.
      await apiOK(context, 'POST', '/cart/items', { product_id: product.id, quantity: 1 });
      const stockBefore = (await apiGet(server.url, `/products/${product.slug}`)).stock;
      const blind = { ...sent };
      delete blind.expected_total;
      const refused = await api(context, 'POST', '/orders', blind, { 'Idempotency-Key': randomBytes(8).toString('hex') });
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'invalid');
      assert.equal(refused.body.error.fields.expected_total, 'is required');
      assert.equal((await apiOK(context, 'GET', '/orders')).total, 1, 'an order without a total was placed');
      assert.equal((await apiGet(server.url, `/products/${product.slug}`)).stock, stockBefore, 'stock moved');
      assert.equal((await apiOK(context, 'GET', '/cart')).item_count, 1, 'the cart changed');
      assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
    } catch (e) {
      await screenshot(page, 'total-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
