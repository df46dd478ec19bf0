// Issue 12, the address book in the account area (/account/addresses),
// against the real server binary serving the real build, in Debian's
// Chromium: a customer adds a German address (printed "10117 Berlin"),
// edits it, finds it offered at checkout and deletes it after a question;
// a blank postal code and an over-long one are refused in the app's own
// words; keyboard focus and axe on every view; a phone keeps to 390 px.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { apiGet, axeViolations, formatViolations, launchBrowser, openPage, requireBuild, screenshot, startServer, until } from './harness.mjs';

let server;
let browser;
let product;
let limits;

const PHONE = { width: 390, height: 844 };

/** Words the server uses that must never reach the screen. */
const SERVER_WORDS = [/validation failed/i, /must be at most/i, /is required/i, /not found/i, /"error"\s*:/];

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

async function expectNoHorizontalScroll(page, where) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${where}: the page is ${width}px wide on a ${PHONE.width}px phone`);
}

const newCustomer = (tag) => ({
  name: 'Erika Mustermann',
  email: `${tag}-${randomBytes(4).toString('hex')}@example.test`,
  password: randomBytes(12).toString('base64url'),
});

/** Registers through the API in the page's context (its cookie jar). */
async function registerViaAPI(context, who) {
  const res = await context.request.post('/api/v1/auth/register', { data: { email: who.email, password: who.password, name: who.name } });
  assert.equal(res.status(), 201, await res.text());
}

async function book(context) {
  const res = await context.request.get('/api/v1/account/addresses');
  assert.equal(res.status(), 200);
  return (await res.json()).items;
}

/** The printed lines of the n-th saved address card. */
const printed = async (page, n = 0) => (await page.getByTestId('saved-address').nth(n).getByTestId('address').innerText()).split('\n').map((l) => l.trim());

/** What has the focus (tag, text, name attribute), for focus checks. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName ?? '', text: el?.textContent?.trim() ?? '', name: el?.getAttribute('name') ?? '' };
  });

const ADDRESS_422 = { method: 'POST', path: /^\/api\/v1\/account\/addresses$/, status: 422 };

before(async () => {
  requireBuild();
  server = await startServer({ name: 'e2e-book-server' });
  browser = await launchBrowser();
  const list = await apiGet(server.url, '/products?per_page=50');
  product = list.items.find((p) => p.in_stock && p.stock >= 5);
  assert.ok(product, 'no product in stock in the demo catalog');
  limits = (await apiGet(server.url, '/openapi.json')).components.schemas.Address.properties;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the address book (issue 12, account pages)', () => {
  it('a logged-out visit goes to log in and back', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: server.url });
    try {
      await page.goto('/account/addresses');
      await page.waitForURL((u) => u.pathname === '/account/login' && u.searchParams.get('next') === '/account/addresses');
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('customer adds a German address, edits it, finds it at checkout, deletes it after confirming', async () => {
    const who = newCustomer('book');
    const { context, page, problems } = await openPage(browser, { baseURL: server.url, allowedHttpErrors: [ADDRESS_422] });
    try {
      await registerViaAPI(context, who);
      await page.goto('/account');
      await page.getByRole('link', { name: 'Addresses', exact: true }).click();
      await page.waitForURL('**/account/addresses');
      await page.getByRole('heading', { level: 1, name: 'Your addresses' }).waitFor();
      await page.getByText('No saved addresses yet').waitFor();
      assert.equal(await page.title(), 'Your addresses · shopstack');
      await expectNoA11yViolations(page, 'empty address book');

      // Add: the form's heading takes the focus; the name starts as the account's.
      await page.getByRole('button', { name: 'Add an address' }).click();
      const form = page.getByTestId('address-form');
      await form.getByRole('heading', { name: 'New address' }).waitFor();
      await until('focus on the form heading', async () => (await focused(page)).text === 'New address');
      assert.equal(await page.getByLabel('Full name').inputValue(), who.name);
      for (const [label, field] of Object.entries({ 'Full name': 'name', Address: 'line1', 'Apartment, suite (optional)': 'line2', City: 'city', 'State or region (optional)': 'region', 'Postal code': 'postal_code', 'Phone (optional)': 'phone' })) {
        assert.equal(Number(await form.getByLabel(label, { exact: true }).getAttribute('maxlength')), limits[field].maxLength, `${label} maxlength`);
      }
      await form.getByLabel('Address', { exact: true }).fill('Unter den Linden 5');
      await form.getByLabel('City').fill('Berlin');
      await form.getByLabel('Country', { exact: true }).selectOption('DE');
      await form.getByLabel('Postal code').fill('   ');

      // A blank postal code: the client's words, the focus on the field, nothing sent.
      await form.getByRole('button', { name: 'Add address' }).click();
      await form.getByText('Enter the postal code.').waitFor();
      assert.equal((await focused(page)).name, 'postalCode');
      assert.equal(await form.getByLabel('Postal code').getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await book(context), []);
      await expectNoA11yViolations(page, 'address form with a missing postal code');

      // Over the limit (maxlength lifted, as a script or an old browser might):
      // the server's 422 becomes the app's copy, which names the limit.
      const postal = form.getByLabel('Postal code');
      await postal.evaluate((el) => el.removeAttribute('maxlength'));
      await postal.fill('1'.repeat(limits.postal_code.maxLength + 1));
      await form.getByRole('button', { name: 'Add address' }).click();
      await form.getByText(`The postal code can be at most ${limits.postal_code.maxLength} characters.`).waitFor();
      await form.getByRole('alert').getByText('Some details need your attention').waitFor();
      assert.equal((await focused(page)).name, 'postalCode');
      await expectNoServerWords(page, 'address form after a 422');
      assert.deepEqual(await book(context), [], 'a refused address is not saved');
      await expectNoA11yViolations(page, 'address form with a too-long postal code');
      await screenshot(page, 'book-1-too-long');

      await postal.fill('10117');
      await form.getByRole('button', { name: 'Add address' }).click();
      await page.getByTestId('address-message').getByText('The address was added.').waitFor();
      assert.equal(await form.count(), 0, 'the form closes');
      assert.deepEqual(await printed(page), ['Erika Mustermann', 'Unter den Linden 5', '10117 Berlin', 'Germany']);
      let saved = await book(context);
      assert.equal(saved.length, 1);
      assert.deepEqual({ ...saved[0], id: 0 }, { id: 0, name: who.name, line1: 'Unter den Linden 5', line2: '', city: 'Berlin', region: '', postal_code: '10117', country: 'DE', phone: '' });
      await expectNoA11yViolations(page, 'address book with one address');

      // Edit: the form holds the saved values; Cancel gives the focus back to Edit.
      const edit = page.getByRole('button', { name: 'Edit address: Erika Mustermann, Unter den Linden 5, 10117 Berlin, Germany' });
      await edit.click();
      await form.getByRole('heading', { name: 'Edit address' }).waitFor();
      assert.equal(await form.getByLabel('Postal code').inputValue(), '10117');
      assert.equal(await form.getByLabel('Country', { exact: true }).inputValue(), 'DE');
      await form.getByRole('button', { name: 'Cancel' }).click();
      await until('focus back on Edit', async () => (await focused(page)).text.startsWith('Edit'));
      await page.keyboard.press('Enter'); // the keyboard reopens it
      await form.getByRole('heading', { name: 'Edit address' }).waitFor();
      await form.getByLabel('Address', { exact: true }).fill('Friedrichstraße 43');
      await form.getByLabel('Apartment, suite (optional)').fill('Hinterhaus');
      await form.getByLabel('Phone (optional)').fill('+49 30 1234567');
      await form.getByRole('button', { name: 'Save address' }).click();
      await page.getByTestId('address-message').getByText('The address was saved.').waitFor();
      assert.deepEqual(await printed(page), ['Erika Mustermann', 'Friedrichstraße 43', 'Hinterhaus', '10117 Berlin', 'Germany']);
      saved = await book(context);
      assert.equal(saved.length, 1, 'an edit replaces, it does not add');
      assert.equal(saved[0].line1, 'Friedrichstraße 43');
      assert.equal(saved[0].phone, '+49 30 1234567');
      await screenshot(page, 'book-2-saved');

      // Checkout offers it, and picking it fills the form.
      await page.goto(`/products/${product.slug}`);
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText('Added 1 to your cart').waitFor();
      await page.goto('/checkout');
      const picker = page.getByLabel('Use a saved address');
      await picker.waitFor();
      const options = await picker.locator('option').allTextContents();
      assert.equal(options.length, 2, `options: ${options}`);
      // In the country's own order, like the address book prints it.
      assert.equal(options[1], 'Erika Mustermann, Friedrichstraße 43, Hinterhaus, 10117 Berlin, Germany');
      await picker.selectOption({ index: 1 });
      assert.equal(await page.getByLabel('Address', { exact: true }).inputValue(), 'Friedrichstraße 43');
      assert.equal(await page.getByLabel('Postal code').inputValue(), '10117');
      assert.equal(await page.getByLabel('Country', { exact: true }).inputValue(), 'DE');

      // Delete: a question first; Escape keeps it, "Delete address" removes it.
      await page.goto('/account/addresses');
      const del = page.getByRole('button', { name: /^Delete address: Erika Mustermann, Friedrichstraße 43/ });
      await del.click();
      const dialog = page.getByRole('dialog', { name: 'Delete this address?' });
      await dialog.waitFor();
      assert.match(await dialog.getByTestId('address').innerText(), /10117 Berlin/);
      await until('focus on Keep address', async () => (await focused(page)).text === 'Keep address');
      await expectNoA11yViolations(page, 'delete question');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.equal((await book(context)).length, 1, 'Escape keeps the address');
      await del.click();
      await dialog.getByRole('button', { name: 'Delete address' }).click();
      await page.getByTestId('address-message').getByText('The address was deleted.').waitFor();
      await page.getByText('No saved addresses yet').waitFor();
      assert.deepEqual(await book(context), []);
      await expectNoA11yViolations(page, 'address book after deleting');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'book-1-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });

  it('on a 390x844 phone: no horizontal scroll and no axe violation on the list, the form and the question', async () => {
    const who = newCustomer('book-phone');
    const { context, page, problems } = await openPage(browser, { baseURL: server.url, viewport: PHONE, mobile: true, allowedHttpErrors: [ADDRESS_422] });
    try {
      await registerViaAPI(context, who);
      await page.goto('/account/addresses');
      await page.getByText('No saved addresses yet').waitFor();
      await expectNoHorizontalScroll(page, 'empty address book');
      await expectNoA11yViolations(page, 'empty address book (phone)');

      await page.getByRole('button', { name: 'Add an address' }).click();
      const form = page.getByTestId('address-form');
      await form.getByRole('button', { name: 'Add address' }).click();
      await form.getByText('Enter the street address.').waitFor();
      await expectNoHorizontalScroll(page, 'address form with errors');
      await expectNoA11yViolations(page, 'address form with errors (phone)');

      // The longest street the server takes, with no space to wrap at.
      await form.getByLabel('Address', { exact: true }).fill('Ü'.repeat(limits.line1.maxLength));
      await form.getByLabel('City').fill('Berlin');
      await form.getByLabel('Postal code').fill('10117');
      await form.getByLabel('Country', { exact: true }).selectOption('DE');
      await form.getByRole('button', { name: 'Add address' }).click();
      await page.getByTestId('address-message').getByText('The address was added.').waitFor();
      await expectNoHorizontalScroll(page, 'address book with a long street');
      await expectNoA11yViolations(page, 'address book (phone)');

      await page.getByRole('button', { name: /^Delete address:/ }).click();
      await page.getByRole('dialog', { name: 'Delete this address?' }).waitFor();
      await expectNoHorizontalScroll(page, 'delete question');
      await expectNoA11yViolations(page, 'delete question (phone)');
      await screenshot(page, 'book-3-phone-question');
      await page.getByRole('button', { name: 'Keep address' }).click();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      assert.equal((await book(context)).length, 1);
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'book-3-FAILED').catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
});
