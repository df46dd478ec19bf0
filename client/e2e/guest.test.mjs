// Browser journeys of issue 12: guest checkout with a signed order link and
// account creation, the checkout form surviving a reload (never the card),
// logged-out confirmation links, saved addresses at checkout.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer, until } from './harness.mjs';

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

const newPerson = (tag) => ({
  name: `Guest ${tag}`,
  email: `${tag}-${randomBytes(4).toString('hex')}@example.test`,
  password: randomBytes(12).toString('base64url'),
});

async function addToCartViaPage(page) {
  await page.goto(`/products/${product.slug}`);
  await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByText('Added 1 to your cart').waitFor();
}

async function fillAddress(page, { name, line1 = '1 Test Street', city = 'Springfield', postalCode = '12345', country = 'US' } = {}) {
  if (name) await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Address', { exact: true }).fill(line1);
  await page.getByLabel('City').fill(city);
  await page.getByLabel('Postal code').fill(postalCode);
  await page.getByLabel('Country', { exact: true }).selectOption(country);
}

async function fillCard(page) {
  await page.getByLabel('Card number').fill('4242424242424242');
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
}

/** Registers through the API in the page's context (its cookie jar). */
async function registerViaAPI(context, who) {
  const res = await context.request.post('/api/v1/auth/register', { data: { email: who.email, password: who.password, name: who.name } });
  assert.equal(res.status(), 201, await res.text());
}

async function logoutViaAPI(context) {
  const res = await context.request.post('/api/v1/auth/logout', { data: {} });
  assert.equal(res.status(), 204, await res.text());
}

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-guest-server' });
  browser = await launchBrowser();
  const page = await apiGet(server.url, '/products?per_page=50');
  product = page.items.find((p) => p.in_stock && p.stock >= 10);
  assert.ok(product, 'no product with stock to buy');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('guest checkout', () => {
  it('guest buys, sees the confirmation, opens the signed link elsewhere, creates an account that shows the order', async () => {
    const guest = newPerson('guest');
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await addToCartViaPage(page);
      await page.goto('/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      // Checkout says why it would ask to log in, and does not insist.
      await page.getByTestId('guest-login-hint').filter({ hasText: 'Log in to use your saved addresses, or continue as a guest.' }).waitFor();
      await expectNoA11yViolations(page, 'guest checkout');

      // Without an e-mail the form says so next to the field.
      await fillAddress(page, { name: guest.name });
      await fillCard(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.getByText('Enter your e-mail address for the order confirmation.').waitFor();
      assert.ok(page.url().endsWith('/checkout'));

      await page.getByLabel('E-mail').fill(guest.email);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      await page.getByRole('heading', { level: 1, name: /Thank you/ }).waitFor();
      const orderId = Number(page.url().split('/').pop());
      const link = await page.getByTestId('order-link').getAttribute('href');
      assert.match(link, new RegExp(`^${server.url}/orders/link/${orderId}\\.\\d+\\.[A-Za-z0-9_-]+$`));
      await page.getByTestId('create-account-offer').waitFor();
      await expectNoA11yViolations(page, 'guest confirmation');
      await screenshot(page, 'guest-1-confirmation');

      // The link in a fresh browser context (no cookies, no storage).
      const other = await openPage(browser, { baseURL: server.url });
      try {
        await other.page.goto(link);
        await other.page.getByRole('heading', { level: 1, name: `Order #${orderId}` }).waitFor();
        await other.page.getByText('1 Test Street').first().waitFor();
        await expectNoA11yViolations(other.page, 'order link');
        expectNoProblems(other.problems);
      } finally {
        await other.context.close();
      }

      // Create an account from the confirmation: the order is in it.
      await page.getByLabel('Password').fill(guest.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(`**/account/orders/${orderId}`);
      await page.getByRole('heading', { level: 1, name: `Order #${orderId}` }).waitFor();
      await page.getByRole('link', { name: '← Your orders' }).click();
      await page.getByTestId('order-history').getByRole('row').filter({ hasText: `#${orderId}` }).waitFor();
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'guest-1-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('a tampered order link gets a clear page, not an order', async () => {
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'GET', path: /^\/api\/v1\/order-links\//, status: 404 }],
    });
    try {
      await page.goto('/orders/link/1.4102444800.forged-signature');
      await page.getByRole('heading', { level: 1, name: 'This order link is not valid' }).waitFor();
      assert.equal(await page.getByText(/Order #/).count(), 0);
      await expectNoA11yViolations(page, 'invalid order link');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('reloading checkout keeps the typed fields but never the card', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await addToCartViaPage(page);
      await page.goto('/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await page.getByLabel('E-mail').fill('reload@example.test');
      await fillAddress(page, { name: 'Reload Person', line1: '7 Persist Road', city: 'Keepton', postalCode: '99999', country: 'DE' });
      await page.getByLabel('Express shipping').check();
      await fillCard(page);
      // The draft is written on every change; wait for the last one.
      await until('the draft in sessionStorage', () => page.evaluate(() => (sessionStorage.getItem('shop.checkout.form') ?? '').includes('Keepton')));

      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      assert.equal(await page.getByLabel('E-mail').inputValue(), 'reload@example.test');
      assert.equal(await page.getByLabel('Full name').inputValue(), 'Reload Person');
      assert.equal(await page.getByLabel('Address', { exact: true }).inputValue(), '7 Persist Road');
      assert.equal(await page.getByLabel('City').inputValue(), 'Keepton');
      assert.equal(await page.getByLabel('Postal code').inputValue(), '99999');
      assert.equal(await page.getByLabel('Country', { exact: true }).inputValue(), 'DE');
      assert.ok(await page.getByLabel('Express shipping').isChecked());
      // Never the card.
      assert.equal(await page.getByLabel('Card number').inputValue(), '');
      assert.equal(await page.getByLabel('Expiry (MM/YY)').inputValue(), '');
      assert.equal(await page.getByLabel('Security code').inputValue(), '');
      const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
      assert.ok(!stored.includes('4242') && !stored.includes('12/34'), `card data in storage: ${stored}`);

      // Placing the order forgets the draft.
      await fillCard(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      assert.equal(await page.evaluate(() => sessionStorage.getItem('shop.checkout.form')), null);
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'guest-2-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('a logged-out confirmation or order link leads to log in and back to the order', async () => {
    const who = newPerson('back');
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await registerViaAPI(context, who);
      await addToCartViaPage(page);
      await page.goto('/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      await fillAddress(page);
      await fillCard(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      const orderId = Number(page.url().split('/').pop());
      // Log out only once the confirmation has read its order, or that read
      // races the logout and gets a 401 of its own.
      await page.getByTestId('order-number').filter({ hasText: `#${orderId}` }).waitFor();
      await logoutViaAPI(context);

      await page.goto(`/checkout/confirmation/${orderId}`);
      await page.waitForURL(/\/account\/login\?next=/);
      assert.equal(new URL(page.url()).searchParams.get('next'), `/checkout/confirmation/${orderId}`);
      assert.equal(await page.getByText('Something went wrong').count(), 0);
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`**/checkout/confirmation/${orderId}`);
      await page.getByTestId('order-number').filter({ hasText: `#${orderId}` }).waitFor();
      await expectNoA11yViolations(page, 'confirmation after login');

      await logoutViaAPI(context);
      await page.goto(`/account/orders/${orderId}`);
      await page.waitForURL(/\/account\/login\?next=/);
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`**/account/orders/${orderId}`);
      await page.getByRole('heading', { level: 1, name: `Order #${orderId}` }).waitFor();
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'guest-3-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('a customer saves a typed address and picks it at the next checkout', async () => {
    const who = newPerson('book');
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await registerViaAPI(context, who);
      await addToCartViaPage(page);
      await page.goto('/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      assert.equal(await page.getByTestId('guest-login-hint').count(), 0, 'a customer is not asked to log in');
      assert.equal(await page.getByTestId('saved-addresses').count(), 0, 'an empty book offers nothing');
      await fillAddress(page, { line1: '42 Saved Avenue', city: 'Bookham', postalCode: '4242', country: 'GB' });
      await page.getByLabel('Save this address to my address book').check();
      await fillCard(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      const book = await (await context.request.get('/api/v1/account/addresses')).json();
      assert.equal(book.items.length, 1);
      assert.equal(book.items[0].line1, '42 Saved Avenue');

      // Next checkout: pick it; the fields fill in.
      await addToCartViaPage(page);
      await page.goto('/checkout');
      await page.getByRole('heading', { level: 1, name: 'Checkout' }).waitFor();
      const picker = page.getByLabel('Use a saved address');
      await picker.waitFor();
      await expectNoA11yViolations(page, 'checkout with saved addresses');
      await page.getByLabel('Address', { exact: true }).fill('');
      await picker.selectOption({ index: 1 });
      assert.equal(await page.getByLabel('Address', { exact: true }).inputValue(), '42 Saved Avenue');
      assert.equal(await page.getByLabel('City').inputValue(), 'Bookham');
      assert.equal(await page.getByLabel('Country', { exact: true }).inputValue(), 'GB');
      await fillCard(page);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.waitForURL(/\/checkout\/confirmation\/\d+$/);
      const orderId = Number(page.url().split('/').pop());
      const order = await (await context.request.get(`/api/v1/orders/${orderId}`)).json();
      assert.equal(order.shipping_address.line1, '42 Saved Avenue');
      assert.equal(order.email, who.email);
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'guest-4-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
