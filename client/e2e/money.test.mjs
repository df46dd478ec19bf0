// Issue 12, bugs 1 and 2 and the phone checkout, in a real browser against
// the real server: the customer pays the total they were shown, the cart
// tells the truth about stock, and on a phone the total sits right above
// "Place order".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer, usd } from './harness.mjs';

let server;
let browser;
let admin; // a logged-in admin page, for the admin API
let handCream;
let boot;
let standard;

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

/** A second tab of the same browser context that records problems like openPage does. */
async function secondTab(context, allowed = []) {
  const page = await context.newPage();
  const problems = [];
  const isAllowed = (method, url, status) => allowed.some((a) => a.method === method && a.path.test(new URL(url).pathname) && a.status === status);
  page.on('response', (res) => {
    if (res.status() >= 400 && !isAllowed(res.request().method(), res.url(), res.status())) problems.push(`tab B: HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of 409/.test(msg.text())) problems.push(`tab B console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`tab B page error: ${err.message}`));
  return { page, problems };
}

/** A JSON API call from inside a page (its cookies, its origin): status and body. */
function apiFrom(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const init = { method, headers: { Accept: 'application/json' } };
      if (body !== undefined) {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const res = await fetch(`/api/v1${path}`, init);
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    { method, path, body },
  );
}

async function setStock(productId, stock) {
  const r = await apiFrom(admin.page, 'POST', `/admin/products/${productId}/stock`, { stock });
  assert.equal(r.status, 200, `admin set stock: ${JSON.stringify(r.body)}`);
}

async function findProduct(name) {
  const hit = (await apiGet(server.url, `/search?q=${encodeURIComponent(name)}`)).items.find((p) => p.name === name || p.name.startsWith(`${name},`));
  assert.ok(hit, `the demo catalog has no ${name}`);
  return hit;
}

async function registerCustomer(page, tag) {
  await page.goto('/account/register');
  await page.getByLabel('Name').fill(`Test ${tag}`);
  await page.getByLabel('E-mail').fill(`${tag}-${randomBytes(4).toString('hex')}@example.test`);
  await page.getByLabel('Password').fill(randomBytes(12).toString('base64url'));
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/account');
}

async function addToCart(page, product, quantity) {
  await page.goto(`/products/${product.slug}`);
  await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
  if (quantity > 1) await page.getByLabel('Quantity').selectOption(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText(`Added ${quantity} to your cart`).waitFor();
}

async function fillCheckout(page) {
  await page.getByLabel('Address', { exact: true }).fill('1 Test Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country', { exact: true }).selectOption('US');
  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
}

const total = (page) => page.getByTestId('checkout-total');

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-money-server' });
  browser = await launchBrowser();
  handCream = await findProduct('Hand Cream');
  boot = await findProduct('Hiking Boot');
  standard = (await apiGet(server.url, '/shipping-methods')).items.find((m) => m.code === 'standard');
  admin = await openPage(browser, { baseURL: server.url });
  await admin.page.goto('/account/login');
  await admin.page.getByLabel('E-mail').fill(server.admin.email);
  await admin.page.getByLabel('Password').fill(server.admin.password);
  await admin.page.getByRole('button', { name: 'Log in' }).click();
  await admin.page.waitForURL((u) => !u.pathname.startsWith('/account/login'));
  await setStock(handCream.id, 20);
  await setStock(boot.id, 20);
});

after(async () => {
  await admin?.context.close();
  await browser?.close();
  await server?.stop();
});

describe('money (issue 12)', () => {
  it('bug 1: a quantity changed in another tab never charges more than the checkout showed', async () => {
    const { context, page: tabA, problems } = await openPage(browser, { baseURL: server.url });
    const { page: tabB, problems: problemsB } = await secondTab(context, [{ method: 'POST', path: /^\/api\/v1\/orders$/, status: 409 }]);
    const price = handCream.price.amount;
    const ship = standard.price.amount;
    try {
      await registerCustomer(tabA, 'money-tabs');
      await addToCart(tabA, handCream, 1);

      // Tab B opens the checkout: one Hand Cream.
      await tabB.goto('/checkout');
      await tabB.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await total(tabB).filter({ hasText: usd(price + ship) }).waitFor();
      await fillCheckout(tabB);

      // Tab A sets the quantity to 4; tab B follows without a reload and says so.
      await tabA.goto('/cart');
      await tabA.getByLabel(`Quantity of ${handCream.name}`).selectOption('4');
      await tabA.getByTestId('cart-subtotal').filter({ hasText: usd(4 * price) }).waitFor();
      await total(tabB).filter({ hasText: usd(4 * price + ship) }).waitFor();
      await tabB.getByTestId('cart-changed').waitFor();

      // Now a change that no tab hears about (another device), made after
      // tab B sent its order with the total it showed: the server refuses.
      await tabB.route('**/api/v1/orders', async (route) => {
        const r = await apiFrom(tabA, 'PATCH', `/cart/items/${handCream.id}`, { quantity: 2 });
        assert.equal(r.status, 200);
        await route.continue();
      });
      await tabB.getByRole('button', { name: 'Place order' }).click();
      const alert = tabB.getByTestId('checkout-error');
      await alert.filter({ hasText: 'Your cart changed' }).waitFor();
      await tabB.unroute('**/api/v1/orders');
      const text = await alert.textContent();
      assert.ok(text.includes(usd(2 * price + ship)), `the refusal names the new total: ${text}`);
      assert.ok(text.includes('not charged'), text);
      await total(tabB).filter({ hasText: usd(2 * price + ship) }).waitFor();
      // Nothing was ordered, nothing reserved.
      assert.equal((await apiFrom(tabB, 'GET', '/orders')).body.total, 0);
      assert.equal((await apiGet(server.url, `/products/${handCream.slug}`)).stock, 20);
      await expectNoA11yViolations(tabB, 'checkout after a changed cart');
      await screenshot(tabB, 'money-1-cart-changed');

      // The customer confirms the new total: the order is for exactly that.
      await tabB.getByRole('button', { name: 'Place order' }).click();
      await tabB.waitForURL(/\/checkout\/confirmation\/\d+$/);
      assert.equal((await tabB.getByTestId('order-total').textContent()).trim(), usd(2 * price + ship));
      const orders = (await apiFrom(tabB, 'GET', '/orders')).body;
      assert.equal(orders.total, 1);
      assert.equal(orders.items[0].total.amount, 2 * price + ship);
      // Tab A hears that the cart is now empty.
      await tabA.getByText('Your cart is empty').waitFor();

      // Changes no tab hears of show up when a tab regains focus or becomes visible.
      assert.equal((await apiFrom(tabB, 'POST', '/cart/items', { product_id: handCream.id, quantity: 1 })).status, 200);
      await tabA.evaluate(() => window.dispatchEvent(new Event('focus')));
      await tabA.getByTestId('cart-subtotal').filter({ hasText: usd(price) }).waitFor();
      assert.equal((await apiFrom(tabB, 'PATCH', `/cart/items/${handCream.id}`, { quantity: 3 })).status, 200);
      assert.equal(await tabA.evaluate(() => document.visibilityState), 'visible');
      await tabA.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await tabA.getByTestId('cart-subtotal').filter({ hasText: usd(3 * price) }).waitFor();
      expectNoProblems([...problems, ...problemsB]);
    } catch (e) {
      await screenshot(tabA, 'money-1-tabA-FAILED').catch(() => {});
      await screenshot(tabB, 'money-1-tabB-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('bug 2: 5 boots with 2 in stock: the cart says 2 can be bought and reduces in one click; checkout tells the truth', async () => {
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'POST', path: /^\/api\/v1\/orders$/, status: 409 }],
    });
    const price = boot.price.amount;
    const ship = standard.price.amount;
    try {
      await setStock(boot.id, 20);
      await registerCustomer(page, 'money-stock');
      await addToCart(page, boot, 5);
      await page.goto('/checkout');
      await total(page).filter({ hasText: usd(5 * price + ship) }).waitFor();
      await fillCheckout(page);

      // Stock drops to 2 (admin API) while the order is on its way.
      await page.route('**/api/v1/orders', async (route) => {
        await setStock(boot.id, 2);
        await route.continue();
      });
      await page.getByRole('button', { name: 'Place order' }).click();
      const alert = page.getByTestId('checkout-error');
      await alert.filter({ hasText: `${boot.name}: only 2 can be bought (your cart has 5).` }).waitFor();
      await page.unroute('**/api/v1/orders');
      const text = await alert.textContent();
      assert.ok(!/updated/i.test(text), `nothing was updated, and the message must not say so: ${text}`);
      // The summary says the same, and the order cannot be placed as it is.
      await page.getByTestId('checkout-problems').filter({ hasText: `${boot.name}: only 2 can be bought` }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Place order' }).isDisabled(), true);
      assert.equal((await apiFrom(page, 'GET', '/orders')).body.total, 0);
      await expectNoA11yViolations(page, 'checkout with a line over stock');
      await screenshot(page, 'money-2-checkout-over-stock');

      // The message links to the cart.
      await alert.getByRole('link', { name: 'Review your cart' }).click();
      await page.waitForURL('**/cart');
      const short = page.getByTestId(`short-${boot.id}`);
      await short.filter({ hasText: 'Only 2 can be bought' }).waitFor();
      assert.equal(await page.getByText('No longer available', { exact: true }).count(), 0, 'a line over stock is not "no longer available"');
      await page.getByTestId('cart-blocked').filter({ hasText: `${boot.name}: only 2 can be bought` }).waitFor();
      await expectNoA11yViolations(page, 'cart with a line over stock');
      await screenshot(page, 'money-2-cart-over-stock');

      // One click reduces the line to what can be bought.
      await short.getByRole('button', { name: `Reduce to 2 ${boot.name}` }).click();
      await page.getByTestId('cart-subtotal').filter({ hasText: usd(2 * price) }).waitFor();
      assert.equal(await short.count(), 0);
      await page.getByRole('link', { name: 'Check out' }).click();
      await total(page).filter({ hasText: usd(2 * price + ship) }).waitFor();
      await fillCheckout(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      assert.equal((await page.getByTestId('order-total').textContent()).trim(), usd(2 * price + ship));

      // Sold out is unavailable.
      await addToCart(page, handCream, 1);
      await setStock(handCream.id, 0);
      await page.goto('/cart');
      await page.getByText('No longer available', { exact: true }).waitFor();
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'money-2-FAILED').catch(() => {});
      throw e;
    } finally {
      await setStock(boot.id, 20);
      await setStock(handCream.id, 20);
      await context.close();
    }
  });

  it('phone (390x844): the order total is right above "Place order"', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url, viewport: { width: 390, height: 844 }, mobile: true });
    try {
      await registerCustomer(page, 'money-phone');
      await addToCart(page, handCream, 1);
      await page.goto('/checkout');
      const totalText = usd(handCream.price.amount + standard.price.amount);
      await total(page).filter({ hasText: totalText }).waitFor();
      await fillCheckout(page);
      const button = page.getByRole('button', { name: 'Place order' });
      await button.scrollIntoViewIfNeeded();
      const t = await total(page).boundingBox();
      const b = await button.boundingBox();
      const card = await page.getByLabel('Security code').boundingBox();
      assert.ok(t && b && card, 'total, button and card fields are laid out');
      assert.ok(t.y + t.height <= b.y, `the total (bottom ${t.y + t.height}) is above the button (top ${b.y})`);
      assert.ok(card.y < t.y, 'the summary comes after the payment fields, next to the button');
      // Both on one phone screen: the customer sees what they pay as they tap.
      assert.ok(b.y + b.height - t.y <= 844, `total and button fit one screen (${b.y + b.height - t.y}px apart)`);
      await expectNoA11yViolations(page, 'phone checkout');
      await screenshot(page, 'money-3-phone-checkout');
      await button.tap();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      assert.equal((await page.getByTestId('order-total').textContent()).trim(), totalText);
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'money-3-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
