// Browser journeys of issue 12: forgot password -> the e-mail arrives at a
// real SMTP server -> its link opens in the browser -> a new password ->
// log in with it; profile edit; password change. The SMTP server is
// server/internal/mailtest/cmd/smtpsink (go-smtp), built and started here;
// the storefront sends to it through its own outbox worker.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { axeViolations, formatViolations, launchBrowser, openPage, repoRoot, requireBuild, screenshot, startServer, until } from './harness.mjs';

let sink;
let server;
let browser;

async function expectNoA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v.map((x) => x.id), [], `axe found violations on ${where}:\n${formatViolations(where, v)}`);
}

function expectNoProblems(problems) {
  assert.deepEqual(problems, [], `the browser reported problems:\n  ${problems.join('\n  ')}`);
}

/** Builds and starts the SMTP sink; resolves with its addresses once it listens. */
async function startSink() {
  const workDir = mkdtempSync(join(tmpdir(), 'shop-e2e-smtp-'));
  const bin = join(workDir, 'smtpsink');
  execFileSync('go', ['build', '-o', bin, './server/internal/mailtest/cmd/smtpsink'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  const child = spawn(bin, ['-smtp', '127.0.0.1:0', '-http', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`smtpsink exited (${code})`)));
    createInterface({ input: child.stdout }).once('line', ok);
  });
  const addrs = JSON.parse(first);
  return {
    smtpPort: Number(addrs.smtp.split(':').pop()),
    async messages() {
      const res = await fetch(`http://${addrs.http}/messages`);
      return res.json();
    },
    stop() {
      child.kill('SIGTERM');
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Waits for the e-mail to `to` whose subject is `subject`. */
async function mailTo(to, subject) {
  return until(`an e-mail "${subject}" to ${to}`, async () => (await sink.messages()).find((m) => m.to.includes(to) && m.subject === subject));
}

const newCustomer = (tag) => ({
  name: `Test ${tag}`,
  email: `${tag}-${randomBytes(4).toString('hex')}@example.test`,
  password: randomBytes(12).toString('base64url'),
});

async function registerByAPI(who) {
  const res = await fetch(`${server.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password, name: who.name }),
  });
  assert.equal(res.status, 201, `register ${who.email}: ${await res.text()}`);
}

async function logIn(page, who, password = who.password) {
  await page.goto('/account/login');
  await page.getByLabel('E-mail').fill(who.email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
}

before(async () => {
  requireBuild();
  sink = await startSink();
  // startServer passes its own environment on to the server: this file
  // runs in its own process (run.mjs), so these reach only this server.
  Object.assign(process.env, {
    SHOP_SMTP_HOST: '127.0.0.1',
    SHOP_SMTP_PORT: String(sink.smtpPort),
    SHOP_SMTP_FROM: 'Shop <shop@example.test>',
  });
  delete process.env.SHOP_PUBLIC_URL; // links then point at the listen address, this server
  server = await startServer({ name: 'e2e-mail-server' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  sink?.stop();
});

describe('mail journeys', () => {
  it('forgot password: the e-mailed link sets a new password that logs in, once', async (t) => {
    const who = newCustomer('reset');
    await registerByAPI(who);
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      // The second use of the link is refused on purpose.
      allowedHttpErrors: [{ method: 'POST', path: /^\/api\/v1\/auth\/password-reset\/confirm$/, status: 422 }],
    });
    t.after(() => context.close());
    try {
      await page.goto('/account/login');
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
      await expectNoA11yViolations(page, 'forgot password');
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByText(`If an account uses ${who.email}`).waitFor();
      await expectNoA11yViolations(page, 'forgot password, sent');

      const mail = await mailTo(who.email, 'Reset your password');
      assert.equal(mail.from, 'shop@example.test');
      const link = /(http:\/\/\S+\/account\/reset-password#token=\S+)/.exec(mail.text)?.[1];
      assert.ok(link, `no reset link in the e-mail:\n${mail.text}`);
      assert.ok(link.startsWith(`${server.url}/`), `the link ${link} does not lead to this shop (${server.url})`);

      await page.goto(link);
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await expectNoA11yViolations(page, 'choose a new password');
      await until('the token to leave the address bar', () => !page.url().includes('#token='));
      const newPassword = randomBytes(12).toString('base64url');
      await page.getByLabel('New password').fill(newPassword);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByText('Your password has been changed').waitFor();
      await expectNoA11yViolations(page, 'new password set');

      await page.getByRole('link', { name: 'Log in with your new password' }).click();
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByLabel('Password').fill(newPassword);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { level: 1, name: `Hello, ${who.name}` }).waitFor();

      // The link works once.
      await page.goto(link);
      await page.getByLabel('New password').fill(randomBytes(12).toString('base64url'));
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByText('This link has expired or has already been used').waitFor();
      await expectNoA11yViolations(page, 'used reset link');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'mail-reset-FAILED');
      throw e;
    }
  });

  it('profile edit and password change (other sessions end)', async (t) => {
    const who = newCustomer('settings');
    await registerByAPI(who);
    const { context, page, problems } = await openPage(browser, {
      baseURL: server.url,
      allowedHttpErrors: [{ method: 'POST', path: /^\/api\/v1\/account\/password$/, status: 422 }],
    });
    const other = await openPage(browser, { baseURL: server.url });
    t.after(() => Promise.all([context.close(), other.context.close()]));
    try {
      await logIn(page, who);
      await logIn(other.page, who);

      await page.getByRole('link', { name: 'Profile and password' }).click();
      await page.getByRole('heading', { level: 1, name: 'Profile and password' }).waitFor();
      await expectNoA11yViolations(page, 'profile and password');

      await page.getByLabel('Name').fill('Renamed Customer');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Your profile has been saved.').waitFor();

      await page.getByLabel('Current password').fill('not-my-password');
      await page.getByLabel('New password').fill('a-new-password-1');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('That is not your current password.').waitFor();
      await expectNoA11yViolations(page, 'password change refused');

      const newPassword = randomBytes(12).toString('base64url');
      await page.getByLabel('Current password').fill(who.password);
      await page.getByLabel('New password').fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Your password has been changed.').waitFor();
      await expectNoA11yViolations(page, 'password changed');

      // This session stays and shows the new name; the other one has ended.
      await page.getByRole('link', { name: /Your account/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Hello, Renamed Customer' }).waitFor();
      await other.page.goto('/account');
      await other.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();

      await logIn(other.page, who, newPassword);
      await other.page.getByRole('heading', { level: 1, name: 'Hello, Renamed Customer' }).waitFor();
      expectNoProblems(problems);
      expectNoProblems(other.problems);
    } catch (e) {
      await screenshot(page, 'mail-settings-FAILED');
      throw e;
    }
  });

  it('the new views on a phone (390x844) pass axe', async (t) => {
    const who = newCustomer('mobile');
    await registerByAPI(who);
    const { context, page, problems } = await openPage(browser, { baseURL: server.url, viewport: { width: 390, height: 844 }, mobile: true });
    t.after(() => context.close());
    try {
      await page.goto('/account/forgot-password');
      await page.getByRole('heading', { level: 1, name: 'Forgot your password?' }).waitFor();
      await expectNoA11yViolations(page, 'forgot password (mobile)');
      // A link without its token (cut by a mail client) says so.
      await page.goto('/account/reset-password');
      await page.getByText('This link has expired or has already been used').waitFor();
      await expectNoA11yViolations(page, 'reset link without token (mobile)');
      await logIn(page, who);
      await page.goto('/account/settings');
      await page.getByRole('heading', { level: 1, name: 'Profile and password' }).waitFor();
      await expectNoA11yViolations(page, 'profile and password (mobile)');
      expectNoProblems(problems);
    } catch (e) {
      await screenshot(page, 'mail-mobile-FAILED');
      throw e;
    }
  });
});
