// Fulfilment journeys: the admin opens an order, ships it with a tracking
// number that the customer then sees, cancels a paid order after a
// confirmation that states the refund; the customer cancels their own
// order; the admin customers page; admin pages on a phone.
// Orders are placed through the API (the checkout UI has its own journeys).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer, until, usd } from './harness.mjs';

let server;
let browser;
let product;

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

async function api(context, method, path, data, headers = {}) {
  const res = await context.request.fetch(`/api/v1${path}`, { method, data, headers: { 'Content-Type': 'application/json', ...headers } });
  const body = await res.json().catch(() => null);
  if (!res.ok()) throw new Error(`${method} ${path}: HTTP ${res.status()} ${JSON.stringify(body)}`);
  return body;
}

/** A browser context logged in as a new customer (through the API). */
async function newCustomer(opts = {}) {
  const who = { name: `Fulfil ${randomBytes(2).toString('hex')}`, email: `fulfil-${randomBytes(4).toString('hex')}@example.test`, password: randomBytes(12).toString('base64url') };
  const session = await openPage(browser, { baseURL: server.url, ...opts });
  await api(session.context, 'POST', '/auth/register', who);
  await api(session.context, 'POST', '/auth/login', { email: who.email, password: who.password });
  return { ...session, who };
}

async function asAdmin(opts = {}) {
  const session = await openPage(browser, { baseURL: server.url, ...opts });
  await api(session.context, 'POST', '/auth/login', { email: server.admin.email, password: server.admin.password });
  return session;
}

/** The total the checkout shows for `method`: the cart's subtotal plus shipping (minor units). */
async function shownTotal(context, method) {
  const cart = await api(context, 'GET', '/cart');
  const methods = await api(context, 'GET', '/shipping-methods');
  const m = methods.items.find((x) => x.code === method);
  assert.ok(m, `no shipping method ${method}`);
  return cart.subtotal.amount + m.price.amount;
}

/** Places a paid order of `quantity` of the fixture product with the Visa test card, for the total it shows. */
async function placeOrder(context, quantity) {
  await api(context, 'POST', '/cart/items', { product_id: product.id, quantity });
  return api(
    context,
    'POST',
    '/orders',
    {
      shipping_address: { name: 'Ada Lovelace', line1: '1 Test Street', city: 'Springfield', postal_code: '12345', country: 'US' },
      shipping_method: 'standard',
      payment: { card_number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' },
      expected_total: await shownTotal(context, 'standard'),
    },
    { 'Idempotency-Key': randomBytes(8).toString('hex') },
  );
}

const stockOf = async () => (await apiGet(server.url, `/products/${product.slug}`)).stock;

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-fulfil-server' });
  browser = await launchBrowser();
  const page = await apiGet(server.url, '/products?per_page=50&sort=name');
  product = page.items.find((p) => p.in_stock && p.stock >= 10);
  assert.ok(product, 'no product with 10 in stock in the demo catalog');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('fulfilment', () => {
  it('admin opens an order and marks it shipped with tracking; the customer sees the tracking', async () => {
    const customer = await newCustomer();
    const admin = await asAdmin();
    const { page } = admin;
    try {
      const order = await placeOrder(customer.context, 2);
      await page.goto('/admin/orders');
      await page.getByRole('link', { name: `#${order.id}`, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Order #${order.id}` }).waitFor();
      // Items, quantities, prices, address, method, payment, history.
      const line = page.getByRole('row').filter({ hasText: order.items[0].name });
      await line.getByRole('cell', { name: '2', exact: true }).waitFor();
      await line.getByText(usd(order.items[0].unit_price.amount)).waitFor();
      await line.getByText(usd(order.items[0].line_total.amount)).waitFor();
      await page.getByText('1 Test Street').waitFor();
      await page.getByText('Visa ending 4242').first().waitFor();
      await page.getByText('Provider reference').waitFor();
      await page.getByTestId('refund-state').filter({ hasText: 'Not refunded' }).waitFor();
      const history = page.getByTestId('order-history');
      await history.getByText(`Placed`).waitFor();
      await history.getByText(`by customer ${customer.who.email}`).first().waitFor();
      await expectNoA11yViolations(page, 'admin order detail');

      // Shipping needs a carrier and a tracking number.
      await page.getByRole('button', { name: 'Mark shipped' }).click();
      await page.getByText('Choose the carrier.').waitFor();
      await page.getByText('Enter the tracking number').waitFor();
      await expectNoA11yViolations(page, 'ship form with errors');
      await page.getByLabel('Carrier').selectOption('ups');
      await page.getByLabel('Tracking number').fill('1z 999 aa1 0123 4567 84');
      await page.getByRole('button', { name: 'Mark shipped' }).click();
      await page.getByText(`Order #${order.id} is now shipped.`).waitFor();
      await history.getByText(`by admin ${server.admin.email}`).waitFor();
      await page.getByTestId('tracking').filter({ hasText: 'UPS 1Z999AA10123456784' }).waitFor();
      await screenshot(admin.page, 'fulfil-1-admin-shipped');
      expectNoProblems(admin.problems);

      await customer.page.goto(`/account/orders/${order.id}`);
      await customer.page.getByTestId('tracking').filter({ hasText: 'UPS 1Z999AA10123456784' }).waitFor();
      await customer.page.locator('.badge').filter({ hasText: 'Shipped' }).waitFor();
      assert.equal(await customer.page.getByRole('button', { name: 'Cancel order' }).count(), 0, 'a shipped order offers a cancel');
      await expectNoA11yViolations(customer.page, 'customer order with tracking');
      expectNoProblems(customer.problems);
    } catch (e) {
      await screenshot(page, 'fulfil-1-FAILED').catch(() => {});
      throw e;
    } finally {
      await customer.context.close();
      await admin.context.close();
    }
  });

  it('admin cancels a paid order after a confirmation that states the refund; stock comes back', async () => {
    const customer = await newCustomer();
    const admin = await asAdmin();
    const { page } = admin;
    try {
      const before = await stockOf();
      const order = await placeOrder(customer.context, 3);
      assert.equal(await stockOf(), before - 3);
      await page.goto(`/admin/orders/${order.id}`);
      await page.getByRole('heading', { level: 1, name: `Order #${order.id}` }).waitFor();

      // Keeping the order changes nothing.
      await page.getByRole('button', { name: 'Cancel order…' }).click();
      const question = `Cancel order #${order.id} and refund ${usd(order.total.amount)} to Visa ending 4242?`;
      const dialog = page.getByRole('dialog', { name: question });
      await dialog.waitFor();
      await expectNoA11yViolations(page, 'admin cancel confirmation');
      await dialog.getByRole('button', { name: 'Keep order' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.equal(await stockOf(), before - 3, 'keeping the order changed stock');

      await page.getByRole('button', { name: 'Cancel order…' }).click();
      await dialog.getByRole('button', { name: 'Cancel and refund' }).click();
      await page.getByText(`Order #${order.id} is cancelled and ${usd(order.total.amount)} was refunded to Visa ending 4242.`).waitFor();
      await page.getByTestId('refund-state').filter({ hasText: `${usd(order.total.amount)} refunded` }).waitFor();
      const history = page.getByTestId('order-history');
      await history.getByText('Cancelled').waitFor();
      await history.getByText('Refunded').waitFor();
      await until('stock restored', async () => (await stockOf()) === before);
      assert.equal(await page.getByRole('button', { name: 'Cancel order…' }).count(), 0, 'a cancelled order still offers a cancel');
      await expectNoA11yViolations(page, 'admin cancelled order');
      await screenshot(page, 'fulfil-2-admin-cancelled');
      expectNoProblems(admin.problems);
    } catch (e) {
      await screenshot(page, 'fulfil-2-FAILED').catch(() => {});
      throw e;
    } finally {
      await customer.context.close();
      await admin.context.close();
    }
  });

  it('customer cancels their own order after a confirmation', async () => {
    const customer = await newCustomer();
    const { page } = customer;
    try {
      const before = await stockOf();
      const order = await placeOrder(customer.context, 1);
      await page.goto(`/account/orders/${order.id}`);
      await page.getByRole('heading', { level: 1, name: `Order #${order.id}` }).waitFor();
      await page.getByRole('button', { name: 'Cancel order' }).click();
      const dialog = page.getByRole('dialog', { name: `Cancel order #${order.id} and refund ${usd(order.total.amount)} to Visa ending 4242?` });
      await dialog.waitFor();
      await expectNoA11yViolations(page, 'customer cancel confirmation');
      // Escape keeps the order.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('.badge').filter({ hasText: 'Paid' }).waitFor();

      await page.getByRole('button', { name: 'Cancel order' }).click();
      await dialog.getByRole('button', { name: 'Cancel and refund' }).click();
      await page.getByText(`Order #${order.id} is cancelled. ${usd(order.total.amount)} is on its way back to your card.`).waitFor();
      await page.locator('.badge').filter({ hasText: 'Cancelled' }).waitFor();
      await page.getByText('Visa ending 4242 (refunded)').waitFor();
      await until('stock restored', async () => (await stockOf()) === before);
      await expectNoA11yViolations(page, 'customer cancelled order');
      expectNoProblems(customer.problems);
    } catch (e) {
      await screenshot(page, 'fulfil-3-FAILED').catch(() => {});
      throw e;
    } finally {
      await customer.context.close();
    }
  });

  it('admin customers page lists customers with order counts, searches and pages', async () => {
    const customer = await newCustomer();
    await placeOrder(customer.context, 1);
    await placeOrder(customer.context, 1);
    const admin = await asAdmin();
    const { page } = admin;
    try {
      await page.goto('/admin/orders');
      await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Customers' }).click();
      await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
      await page.getByTestId('customers').waitFor();
      await expectNoA11yViolations(page, 'admin customers');
      await page.getByLabel('Search by e-mail or name').fill(customer.who.email.toUpperCase());
      await page.getByRole('button', { name: 'Search customers' }).click();
      await page.waitForURL(/\/admin\/customers\?q=/);
      const rows = page.getByTestId('customers').locator('tbody tr');
      await until('one matching customer', async () => (await rows.count()) === 1 && (await rows.first().textContent()).includes(customer.who.email));
      await rows.first().getByRole('cell', { name: '2', exact: true }).waitFor();
      await page.getByLabel('Search by e-mail or name').fill('nobody-at-all');
      await page.getByRole('button', { name: 'Search customers' }).click();
      await page.getByText('No customers match “nobody-at-all”').waitFor();
      await expectNoA11yViolations(page, 'admin customers, no match');
      expectNoProblems(admin.problems);
    } catch (e) {
      await screenshot(page, 'fulfil-4-FAILED').catch(() => {});
      throw e;
    } finally {
      await customer.context.close();
      await admin.context.close();
    }
  });

  it('phone: admin pages keep the document 390 px wide; tables scroll in their own box', async () => {
    const customer = await newCustomer();
    const order = await placeOrder(customer.context, 1);
    const admin = await asAdmin({ viewport: { width: 390, height: 844 }, mobile: true });
    const { page } = admin;
    try {
      for (const [path, ready] of [
        ['/admin/products', () => page.locator('.admin table').waitFor()],
        ['/admin/products/new', () => page.getByLabel('SKU').waitFor()],
        ['/admin/orders', () => page.locator('.admin table').waitFor()],
        [`/admin/orders/${order.id}`, () => page.getByTestId('order-history').waitFor()],
        ['/admin/customers', () => page.getByTestId('customers').waitFor()],
      ]) {
        await page.goto(path);
        await ready();
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `${path}: the document is ${width} px wide at a 390 px viewport`);
        await screenshot(page, `fulfil-5-phone-${path.split('/').slice(2).join('-')}`);
      }
      // The orders table is wider than the phone: it scrolls inside its box.
      await page.goto('/admin/orders');
      const wrap = page.locator('.admin .table-wrap').first();
      await wrap.waitFor();
      const box = await wrap.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth, overflow: getComputedStyle(el).overflowX }));
      assert.ok(box.client <= 390 && box.overflow === 'auto', `table box ${JSON.stringify(box)}`);
      await expectNoA11yViolations(page, 'admin orders on a phone');
      expectNoProblems(admin.problems);
    } catch (e) {
      await screenshot(page, 'fulfil-5-FAILED').catch(() => {});
      throw e;
    } finally {
      await customer.context.close();
      await admin.context.close();
    }
  });
});
