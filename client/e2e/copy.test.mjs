// Issue 12, bugs 3 and 4, in the browser: every failure shows the app's own
// written copy (never the server's words or raw JSON), inputs carry the
// server's limits, checkout offers a country select, and the confirmation
// prints the address in its country's order.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer } from './harness.mjs';

let server;
let browser;
let product;
let openapi;

/** Words the server uses that must never reach the screen. */
const SERVER_WORDS = [/validation failed/i, /is too long/i, /retry in \d+ seconds/i, /database unavailable/i, /log in first/i, /"error"\s*:/];

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

async function expectNoServerWords(page, where) {
  const text = await page.locator('body').innerText();
  for (const re of SERVER_WORDS) assert.doesNotMatch(text, re, `${where} shows server text ${re}`);
}

const newCustomer = (tag) => ({
  name: `Copy ${tag}`,
  email: `${tag}-${randomBytes(4).toString('hex')}@example.test`,
  password: randomBytes(12).toString('base64url'),
});

async function register(page, who) {
  await page.goto('/account/register');
  await page.getByLabel('Name').fill(who.name);
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/account/register'));
}

/** Cart writes from inside the page's context (its cookies), as another tab would. */
const cartWrite = (page, method, path, data) =>
  page.request.fetch(`/api/v1${path}`, { method, headers: { 'Content-Type': 'application/json' }, data: data === undefined ? undefined : JSON.stringify(data) });

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-copy-server' });
  browser = await launchBrowser();
  const page = await apiGet(server.url, '/products?per_page=24');
  product = page.items.find((p) => p.in_stock && p.stock >= 5);
  assert.ok(product, 'no product in stock in the demo catalog');
  openapi = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('written copy and countries (issue 12)', () => {
  it('checkout: country select, limits as maxLength, "too long" names the limit, empty cart, address in German order', async () => {
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'POST', path: /^\/api\/v1\/orders$/, status: 422 }],
    });
    try {
      await register(page, newCustomer('checkout'));
      await page.goto(`/products/${product.slug}`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Added 1 to your cart').waitFor();
      await page.goto('/checkout');
      await page.getByRole('heading', { name: 'Checkout' }).waitFor();

      // Every address input carries the server's limit (from the OpenAPI document).
      const limits = openapi.components.schemas.Address.properties;
      const inputs = { 'Full name': 'name', Address: 'line1', 'Apartment, suite (optional)': 'line2', City: 'city', 'State or region (optional)': 'region', 'Postal code': 'postal_code', 'Phone (optional)': 'phone' };
      for (const [label, field] of Object.entries(inputs)) {
        const max = await page.getByLabel(label, { exact: true }).getAttribute('maxlength');
        assert.equal(Number(max), limits[field].maxLength, `${label} maxlength`);
      }

      // The country is a select of real countries, named in words.
      const country = page.getByLabel('Country', { exact: true });
      assert.equal(await country.evaluate((el) => el.tagName), 'SELECT');
      const options = await country.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
      const codes = options.map(([v]) => v);
      assert.ok(codes.includes('DE') && codes.includes('JP') && codes.includes('US'), `countries: ${codes}`);
      assert.ok(!codes.includes('ZZ'), 'ZZ is offered');
      assert.deepEqual(options.find(([v]) => v === 'DE'), ['DE', 'Germany']);

      // A German address, with a name over the limit (maxlength lifted, as a
      // script or an old browser might): the server's 422 becomes copy that
      // names the limit.
      await country.selectOption('DE');
      const nameInput = page.getByLabel('Full name');
      await nameInput.evaluate((el) => el.removeAttribute('maxlength'));
      await nameInput.fill('N'.repeat(limits.name.maxLength + 1));
      await page.getByLabel('Address', { exact: true }).fill('Unter den Linden 5');
      await page.getByLabel('City').fill('Berlin');
      await page.getByLabel('Postal code').fill('10117');
      await page.getByLabel('Card number').fill('4242424242424242');
      await page.getByLabel('Expiry (MM/YY)').fill('12/34');
      await page.getByLabel('Security code').fill('123');
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.getByText(`The name can be at most ${limits.name.maxLength} characters.`).waitFor();
      await page.getByTestId('checkout-error').getByText('Please check your details').waitFor();
      await expectNoServerWords(page, 'checkout with a too-long name');
      await expectNoA11yViolations(page, 'checkout with a too-long name');
      await screenshot(page, 'copy-1-too-long');

      // The cart emptied elsewhere: the 422 says so in the app's words.
      await nameInput.fill('Erika Mustermann');
      const del = await cartWrite(page, 'DELETE', `/cart/items/${product.id}`);
      assert.equal(del.status(), 200);
      await page.getByRole('button', { name: 'Place order' }).click();
      const alert = page.getByTestId('checkout-error');
      await alert.getByText('Your cart is empty').waitFor();
      assert.match(await alert.innerText(), /Add something to it before checking out\./);
      await expectNoServerWords(page, 'checkout with an empty cart');
      await expectNoA11yViolations(page, 'checkout with an empty cart');
      await screenshot(page, 'copy-2-empty-cart');

      // Put it back and order: the confirmation prints the German order.
      const add = await cartWrite(page, 'POST', '/cart/items', { product_id: product.id, quantity: 1 });
      assert.equal(add.status(), 200);
      await page.getByRole('button', { name: 'Place order' }).click();
      await page.getByRole('heading', { name: /Your order is confirmed/ }).waitFor();
      const address = page.getByTestId('address');
      const lines = (await address.innerText()).split('\n').map((l) => l.trim());
      assert.deepEqual(lines, ['Erika Mustermann', 'Unter den Linden 5', '10117 Berlin', 'Germany']);
      await expectNoA11yViolations(page, 'order confirmation');
      await screenshot(page, 'copy-3-confirmation-de');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('session ended mid-visit: "Please log in" with a Log in link, not "Try again"', async () => {
    // Opening a page that needs a login while logged out goes to the login
    // page (guest.test.mjs); this is the other case: the session ends while
    // the page is open (logged out in another tab, expired), and the next
    // request answers 401.
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'GET', path: /^\/api\/v1\/orders\/\d+$/, status: 401 }],
    });
    try {
      const login = await context.request.post('/api/v1/auth/login', { data: server.admin });
      assert.equal(login.status(), 200);
      // The account page reads the order list; log out only once that read
      // has been answered, or it races the logout and gets a 401 of its own.
      const ordersRead = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/orders' && r.request().method() === 'GET');
      await page.goto('/account');
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      assert.equal((await ordersRead).status(), 200);
      assert.equal((await context.request.post('/api/v1/auth/logout')).status(), 204);
      // A client-side navigation, as a click on an order would do.
      await page.evaluate(() => {
        history.pushState({}, '', '/account/orders/1');
        dispatchEvent(new PopStateEvent('popstate'));
      });
      await page.getByText('Please log in', { exact: true }).waitFor();
      const link = page.getByRole('alert').getByRole('link', { name: 'Log in', exact: true });
      assert.match(await link.getAttribute('href'), /^\/account\/login\?next=%2Faccount%2Forders%2F1$/);
      assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 0);
      await expectNoServerWords(page, 'ended session');
      await expectNoA11yViolations(page, 'ended session');
      await screenshot(page, 'copy-4-logged-out');
      await link.click();
      await page.waitForURL((u) => u.pathname === '/account/login');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('a 5,000-character /search?q= shows the app, searching the first 200 characters and saying so', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      const max = openapi.paths['/api/v1/search'].get.parameters.find((p) => p.name === 'q').schema.maxLength;
      const res = await page.goto(`/search?q=${'a'.repeat(5000)}`);
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /^text\/html/);
      await page.getByText(`Searches can be at most ${max} characters, so we searched for the first ${max}.`).waitFor();
      await page.getByText(/^No results for/).waitFor();
      assert.equal(Number(await page.getByRole('searchbox', { name: 'Search products' }).getAttribute('maxlength')), max);
      assert.equal((await page.getByRole('searchbox', { name: 'Search products' }).inputValue()).length, max);
      await expectNoServerWords(page, 'long search');
      // The query wraps instead of pushing the page sideways.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'the long query overflows the page');
      await expectNoA11yViolations(page, 'long search');
      await screenshot(page, 'copy-5-long-search');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  // Last: it spends this IP's login allowance for a minute.
  it('rate limit: "Too many attempts" with when to retry, in the app\'s words', async () => {
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'POST', path: /^\/api\/v1\/auth\/login$/, status: 429 }],
    });
    try {
      // Drive the limiter with API calls until it answers 429.
      let limited = false;
      for (let i = 0; i < 50 && !limited; i++) {
        const r = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong-password' }),
        });
        limited = r.status === 429;
      }
      assert.ok(limited, 'the login limiter never answered 429');

      await page.goto('/account/login');
      await page.getByLabel('E-mail').fill('nobody@example.test');
      await page.getByLabel('Password').fill('wrong-password');
      await page.getByRole('button', { name: 'Log in' }).click();
      const notice = page.getByRole('alert').filter({ hasText: 'Too many attempts' });
      await notice.waitFor();
      assert.match(await notice.innerText(), /^Too many attempts\. Try again in (about a minute|a few seconds)\.$/);
      await expectNoServerWords(page, 'rate-limited login');
      await expectNoA11yViolations(page, 'rate-limited login');
      await screenshot(page, 'copy-6-rate-limited');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });
});
