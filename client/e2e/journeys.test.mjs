// Browser journeys against the real server binary and the real build
// (served by the server's SHOP_STATIC_DIR), in Debian's Chromium.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer, usd } from './harness.mjs';

let server;
let browser;
let fixture;

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

/** Picks real data from the demo catalog through the API, as a person would see it. */
async function loadFixture(url) {
  const categories = (await apiGet(url, '/categories')).items;
  assert.ok(categories.length > 0, 'the demo catalog has no categories');
  for (const category of categories) {
    // The same first page the catalog shows (12 per page, featured order).
    const page = await apiGet(url, `/products?category=${encodeURIComponent(category.slug)}&per_page=12`);
    const buyable = page.items.filter((p) => p.in_stock && p.stock >= 5);
    if (buyable.length >= 3) {
      const methods = (await apiGet(url, '/shipping-methods')).items;
      const standard = methods.find((m) => m.code === 'standard') ?? methods[0];
      assert.ok(standard, 'no shipping methods');
      return { category, a: buyable[0], b: buyable[1], c: buyable[2], standard, firstMethod: methods[0] };
    }
  }
  throw new Error('no category with 3 products in stock on its first page');
}

async function register(page, who) {
  await page.getByLabel('Name').fill(who.name);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

const newCustomer = (tag) => ({
  name: `Test ${tag}`,
  email: `${tag}-${randomBytes(4).toString('hex')}@example.test`,
  password: randomBytes(12).toString('base64url'),
});

async function fillCheckout(page, card) {
  await page.getByLabel('Address', { exact: true }).fill('1 Test Street');
  await page.getByLabel('City').fill('Springfield');
  await page.getByLabel('Postal code').fill('12345');
  await page.getByLabel('Country', { exact: true }).selectOption('US');
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
}

async function addToCart(page, quantity = 1) {
  if (quantity > 1) await page.getByLabel('Quantity').selectOption(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText(`Added ${quantity} to your cart`).waitFor();
}

const cartCount = (page) => page.getByTestId('cart-count');

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-journeys-server' });
  browser = await launchBrowser();
  fixture = await loadFixture(server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('storefront journeys', () => {
  it('customer: browse a category, search, add two items, change a quantity, register, pay, see the order', async () => {
    const { category, a, b, firstMethod } = fixture;
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto('/');
      await page.getByRole('heading', { name: 'Shop by category' }).waitFor();
      await page.getByRole('list', { name: 'Featured products' }).waitFor();
      await expectNoA11yViolations(page, 'home');
      // Keyboard: the first Tab reaches the skip link, which leads to the main content.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
      await page.keyboard.press('Enter');
      assert.ok(page.url().endsWith('#main'), 'the skip link goes to #main');

      // Browse a category.
      await page.locator('.category-list').getByRole('link', { name: new RegExp(`^${esc(category.name)}`) }).click();
      await page.waitForURL(`**/catalog?category=${category.slug}`);
      await page.getByRole('heading', { level: 1, name: category.name }).waitFor();
      await page.getByRole('link', { name: b.name, exact: true }).first().waitFor();
      await expectNoA11yViolations(page, 'catalog');

      // Search for A from the header and open it.
      await page.getByRole('searchbox', { name: 'Search products' }).fill(a.name);
      await page.getByRole('searchbox', { name: 'Search products' }).press('Enter');
      await page.waitForURL(/\/search\?q=/);
      await page.getByRole('link', { name: a.name, exact: true }).first().click();
      await page.waitForURL(`**/products/${a.slug}`);
      await page.getByRole('heading', { level: 1, name: a.name }).waitFor();
      await expectNoA11yViolations(page, 'product');
      await addToCart(page);
      await assert.doesNotReject(cartCount(page).filter({ hasText: /^1$/ }).waitFor());

      // Back to the category through the breadcrumb; add B.
      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: category.name }).click();
      await page.getByRole('link', { name: b.name, exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: b.name }).waitFor();
      await addToCart(page);
      await cartCount(page).filter({ hasText: /^2$/ }).waitFor();

      // Cart: two lines; A's quantity to 2; totals come from the server.
      await page.getByRole('link', { name: /^Cart 2 items/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();
      await page.getByLabel(`Quantity of ${a.name}`).selectOption('2');
      await cartCount(page).filter({ hasText: /^3$/ }).waitFor();
      const subtotal = a.price.amount * 2 + b.price.amount;
      await page.getByTestId('cart-subtotal').filter({ hasText: usd(subtotal) }).waitFor();
      await expectNoA11yViolations(page, 'cart');

      // The guest cart survives a reload (cookie).
      await page.reload();
      await page.getByTestId('cart-subtotal').filter({ hasText: usd(subtotal) }).waitFor();
      assert.equal(await page.locator('.cart-line').count(), 2);

      // Checkout offers a guest to log in (or continue as a guest); they
      // choose to log in, register instead; the cart merges.
      await page.getByRole('link', { name: 'Check out' }).click();
      await page.getByTestId('guest-login-hint').getByRole('link', { name: 'Log in' }).click();
      await page.waitForURL(/\/account\/login\?next=%2Fcheckout/);
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await expectNoA11yViolations(page, 'login');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
      await expectNoA11yViolations(page, 'register');
      await register(page, newCustomer('journey'));
      await page.waitForURL('**/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await cartCount(page).filter({ hasText: /^3$/ }).waitFor();
      await expectNoA11yViolations(page, 'checkout');

      const expectedTotal = subtotal + firstMethod.price.amount;
      await page.getByTestId('checkout-total').filter({ hasText: usd(expectedTotal) }).waitFor();
      await fillCheckout(page, '4242424242424242');
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      await page.getByRole('heading', { level: 1, name: /Thank you/ }).waitFor();
      const orderId = Number(page.url().split('/').pop());
      fixture.orderId = orderId;
      assert.equal((await page.getByTestId('order-total').textContent()).trim(), usd(expectedTotal));
      await cartCount(page).filter({ hasText: /^0$/ }).waitFor();
      await expectNoA11yViolations(page, 'confirmation');

      // The account's history shows the order with the right total.
      await page.getByRole('link', { name: 'Account', exact: true }).first().click();
      await page.getByRole('heading', { name: 'Your orders' }).waitFor();
      const row = page.getByTestId('order-history').getByRole('row').filter({ hasText: `#${orderId}` });
      await row.waitFor();
      assert.match(await row.textContent(), new RegExp(esc(usd(expectedTotal))));
      await expectNoA11yViolations(page, 'account');
      const apiOrder = await (await context.request.get(`/api/v1/orders/${orderId}`)).json();
      assert.equal(apiOrder.total.amount, expectedTotal, 'the server computed another total');
      await screenshot(page, 'journey-1-desktop-order-history');
      await page.getByRole('link', { name: `#${orderId}` }).click();
      await page.getByRole('heading', { level: 1, name: `Order #${orderId}` }).waitFor();
      await page.getByTestId('order-total').filter({ hasText: usd(expectedTotal) }).waitFor();
      await screenshot(page, 'journey-1-desktop-order-detail');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'journey-1-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('declined card: clear message, no order, stock unchanged', async () => {
    const { c } = fixture;
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'POST', path: /^\/api\/v1\/orders$/, status: 402 }],
    });
    try {
      await page.goto('/account/register');
      await register(page, newCustomer('declined'));
      await page.waitForURL('**/account');
      const stockBefore = (await apiGet(server.url, `/products/${c.slug}`)).stock;

      await page.goto(`/products/${c.slug}`);
      await page.getByRole('heading', { level: 1, name: c.name }).waitFor();
      await addToCart(page);
      await page.getByRole('link', { name: /^Cart 1 item/ }).click();
      await page.getByRole('link', { name: 'Check out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await fillCheckout(page, '4000000000000002');
      await page.getByRole('button', { name: 'Place order' }).click();
      const alert = page.getByTestId('checkout-error');
      await alert.waitFor();
      assert.match(await alert.textContent(), /declined/i);
      assert.match(await alert.textContent(), /No order was placed/);
      assert.ok(page.url().endsWith('/checkout'), `stayed on checkout, got ${page.url()}`);
      await expectNoA11yViolations(page, 'checkout with a declined card');
      await screenshot(page, 'journey-2-declined-card');

      const orders = await (await context.request.get('/api/v1/orders')).json();
      assert.equal(orders.items.length, 0, 'a declined payment created an order');
      assert.equal((await apiGet(server.url, `/products/${c.slug}`)).stock, stockBefore, 'a declined payment changed the stock');
      const cart = await (await context.request.get('/api/v1/cart')).json();
      assert.equal(cart.item_count, 1, 'the cart keeps its item after a decline');

      // Log out: the header offers to log in again and the account page asks for it.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();
      const me = await context.request.get('/api/v1/auth/me');
      assert.deepEqual([me.status(), (await me.json()).user], [200, null], 'still logged in after logging out');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'journey-2-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('admin: creates a product that appears in the catalog and in search', async () => {
    const { category } = fixture;
    const tag = randomBytes(3).toString('hex');
    const name = `Aurora Lantern ${tag}`;
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto('/account/login');
      await page.getByLabel('E-mail').fill(server.admin.email);
      await page.getByLabel('Password').fill(server.admin.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL('**/account');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
      await page.locator('.admin table').waitFor();
      await expectNoA11yViolations(page, 'admin products');

      await page.getByRole('link', { name: 'New product' }).click();
      await page.getByRole('heading', { level: 1, name: 'New product' }).waitFor();
      await page.getByLabel('Category').locator(`option[value="${category.slug}"]`).waitFor({ state: 'attached' });
      await page.getByLabel('Name', { exact: true }).fill(name);
      await page.getByLabel('SKU').fill(`E2E-${tag}`.toUpperCase());
      await page.getByLabel('Price').fill('42.50');
      await page.getByLabel('Category').selectOption(category.slug);
      await page.getByLabel('Stock').fill('7');
      await page.getByLabel('Description').fill('A warm lantern, made by the end-to-end test.');
      await expectNoA11yViolations(page, 'admin new product');
      await page.getByRole('button', { name: 'Create product' }).click();
      await page.waitForURL(/\/admin\/products\?q=/);
      await page.getByRole('link', { name, exact: true }).waitFor();

      // The shop shows it in its category and finds it.
      await page.goto(`/catalog?category=${category.slug}&sort=newest`);
      await page.getByRole('link', { name, exact: true }).waitFor();
      await page.getByRole('searchbox', { name: 'Search products' }).fill(name);
      await page.getByRole('searchbox', { name: 'Search products' }).press('Enter');
      await page.waitForURL(/\/search\?q=/);
      await page.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.locator('.product__price').filter({ hasText: '$42.50' }).waitFor();
      await screenshot(page, 'journey-3-admin-product');

      // Stock, then deactivation: the product leaves the shop.
      await page.goto(`/admin/products?q=${encodeURIComponent(name)}`);
      await page.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Edit ${name}` }).waitFor();
      await expectNoA11yViolations(page, 'admin edit product');
      await page.getByLabel('Stock on hand').fill('9');
      await page.getByRole('button', { name: 'Set stock' }).click();
      await page.getByText('Stock set to 9.').waitFor();
      const created = (await (await context.request.get(`/api/v1/admin/products?q=${encodeURIComponent(name)}`)).json()).items.find((p) => p.name === name);
      assert.equal(created?.stock, 9, 'stock was not set through the admin form');
      await page.getByRole('link', { name: 'Products', exact: true }).click();
      await page.getByRole('button', { name: `Deactivate ${name}` }).click();
      await page.getByText(`${name} is deactivated`).waitFor();
      const gone = await context.request.get(`/api/v1/products/${created.slug}`);
      assert.equal(gone.status(), 404, 'a deactivated product is still in the shop');

      // Order status: the customer journey's order moves from paid to shipped.
      await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Orders' }).click();
      await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();
      await expectNoA11yViolations(page, 'admin orders');
      // Shipping takes a carrier and tracking number, on the order's page.
      const row = fixture.orderId ? page.getByRole('row').filter({ hasText: `#${fixture.orderId}` }) : page.getByRole('row').nth(1);
      await screenshot(page, 'journey-3-admin-orders');
      await row.getByRole('link', { name: /^#\d+$/ }).click();
      await page.getByLabel('Carrier').selectOption('ups');
      await page.getByLabel('Tracking number').fill('1Z999AA10123456784');
      await page.getByRole('button', { name: 'Mark shipped' }).click();
      await page.locator('.badge').filter({ hasText: /^shipped$/i }).first().waitFor();
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'journey-3-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('catalog: price filter, sort and pages live in the URL; search as you type; remove from cart', async () => {
    const { category } = fixture;
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    const prices = async () =>
      (await page.locator('.product-grid .price').allTextContents()).map((t) => Math.round(Number(t.replace(/[^0-9.]/g, '')) * 100));
    try {
      await page.goto('/catalog');
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      await page.locator('.product-grid').waitFor();

      await page.getByLabel('Sort by').selectOption('price_asc');
      await page.waitForURL(/sort=price_asc/);
      await page.locator('.product-grid').waitFor();
      const ascending = await prices();
      assert.deepEqual(ascending, [...ascending].sort((x, y) => x - y), 'not sorted by price');

      await page.getByLabel('Min price').fill('20');
      await page.getByLabel('Max price').fill('80');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/min=20&max=80/);
      await page.locator('.product-grid').waitFor();
      const inRange = await prices();
      assert.ok(inRange.length > 0 && inRange.every((p) => p >= 2000 && p <= 8000), `prices outside 20-80: ${inRange}`);
      const filtered = await apiGet(server.url, '/products?min_price=2000&max_price=8000&sort=price_asc&per_page=12');
      await page.getByRole('heading', { name: `${filtered.total} products` }).waitFor();

      // Pagination keeps the filters; Back restores the previous page of results.
      if (filtered.total > 12) {
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Page 2' }).click();
        await page.waitForURL(/min=20&max=80&sort=price_asc&page=2/);
        await page.locator('[aria-current="page"]', { hasText: '2' }).waitFor();
        await page.goBack();
        await page.waitForURL((u) => !u.search.includes('page=2'));
      }
      await page.getByRole('navigation', { name: 'Categories' }).getByRole('link', { name: new RegExp(`^${esc(category.name)}`) }).click();
      await page.waitForURL(new RegExp(`category=${category.slug}&min=20&max=80&sort=price_asc`));
      await page.getByRole('heading', { level: 1, name: category.name }).waitFor();
      await screenshot(page, 'journey-5-catalog-filters');

      // Search as you type: the URL follows the box without pressing Enter.
      await page.getByRole('searchbox', { name: 'Search products' }).fill('x');
      await page.getByRole('searchbox', { name: 'Search products' }).press('Enter');
      await page.waitForURL(/\/search\?q=x/);
      const box = page.getByRole('searchbox', { name: 'Search products' });
      await box.fill(fixture.b.name);
      await page.waitForURL((u) => u.searchParams.get('q') === fixture.b.name);
      await page.getByRole('link', { name: fixture.b.name, exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: fixture.b.name }).waitFor();
      await addToCart(page);

      // Remove it again: the cart shows its empty state.
      await page.getByRole('link', { name: /^Cart 1 item/ }).click();
      await page.getByRole('button', { name: `Remove ${fixture.b.name}` }).click();
      await page.getByText('Your cart is empty').waitFor();
      await cartCount(page).filter({ hasText: /^0$/ }).waitFor();
      await expectNoA11yViolations(page, 'empty cart');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'journey-5-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('mobile (390x844): the same purchase works', async () => {
    const { category, a, firstMethod } = fixture;
    const { context, page, problems } = await openPage(browser, { baseURL: server.url, viewport: { width: 390, height: 844 }, mobile: true });
    try {
      await page.goto('/account/register');
      await register(page, newCustomer('mobile'));
      await page.waitForURL('**/account');
      await page.getByRole('link', { name: /shopstack/ }).first().click();
      await page.getByRole('list', { name: 'Featured products' }).waitFor();
      await expectNoA11yViolations(page, 'mobile home');
      await screenshot(page, 'journey-4-mobile-home');

      await page.locator('.category-list').getByRole('link', { name: new RegExp(`^${esc(category.name)}`) }).tap();
      await page.getByRole('heading', { level: 1, name: category.name }).waitFor();
      await page.getByRole('link', { name: a.name, exact: true }).first().tap();
      await page.getByRole('heading', { level: 1, name: a.name }).waitFor();
      await expectNoA11yViolations(page, 'mobile product');
      await addToCart(page);
      await page.getByRole('link', { name: /^Cart 1 item/ }).tap();
      await page.getByRole('heading', { level: 1, name: 'Your cart' }).waitFor();
      await expectNoA11yViolations(page, 'mobile cart');
      await page.getByRole('link', { name: 'Check out' }).tap();
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      const expectedTotal = a.price.amount + firstMethod.price.amount;
      await page.getByTestId('checkout-total').filter({ hasText: usd(expectedTotal) }).waitFor();
      await fillCheckout(page, '4242424242424242');
      await screenshot(page, 'journey-4-mobile-checkout');
      await page.getByRole('button', { name: 'Place order' }).tap();
      await page.getByRole('heading', { level: 1, name: /Thank you/ }).waitFor();
      assert.equal((await page.getByTestId('order-total').textContent()).trim(), usd(expectedTotal));
      const orderId = Number(page.url().split('/').pop());
      await page.getByRole('link', { name: 'View in your account' }).tap();
      await page.getByRole('heading', { level: 1, name: `Order #${orderId}` }).waitFor();
      await page.goto('/account');
      await page.getByTestId('order-history').getByRole('row').filter({ hasText: `#${orderId}` }).filter({ hasText: usd(expectedTotal) }).waitFor();
      await screenshot(page, 'journey-4-mobile-order-history');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'journey-4-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
