// Shared pieces of the browser tests: the real server binary, Debian's
// Chromium through playwright-core, a page that records every console error,
// page error, CSP violation and unexpected HTTP error, and axe-core.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(clientDir, '..');
export const distDir = join(clientDir, 'dist');
export const artifactsDir = join(repoRoot, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

mkdirSync(artifactsDir, { recursive: true });

export async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

export function requireBuild() {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error('client/dist/index.html is missing: run `npm run build` in client/ (task test:e2e does this)');
  }
}

/** The server binary: $SHOP_SERVER_BIN, or built now from ./server/cmd/server. */
export function serverBinary(workDir) {
  if (process.env.SHOP_SERVER_BIN) return resolve(process.env.SHOP_SERVER_BIN);
  const bin = join(workDir, 'shop-server');
  try {
    execFileSync('go', ['build', '-o', bin, './server/cmd/server'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    throw new Error(`could not build the server (go build ./server/cmd/server): ${e.message}`);
  }
  return bin;
}

/** Polls until fn() is truthy; throws after `attempts` tries. Not a timing assertion: a bound. */
export async function until(what, fn, { attempts = 300, delayMs = 100 } = {}) {
  let last;
  for (let i = 0; i < attempts; i++) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, delayMs));
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/**
 * Starts the real server with SQLite in a temp dir, the demo catalog and an
 * admin whose password is generated for this run. The server binds port 0
 * itself and the harness reads the port it got from its "listening" log
 * line: no free port is picked here and bound again there, which another
 * process on a busy machine could take in between.
 */
export async function startServer({ staticDir = distDir, name = 'server' } = {}) {
  const workDir = mkdtempSync(join(tmpdir(), 'shop-e2e-'));
  const bin = serverBinary(workDir);
  const admin = {
    email: `admin-${randomBytes(4).toString('hex')}@example.test`,
    password: randomBytes(18).toString('base64url'),
  };
  const env = {
    ...process.env,
    SHOP_LISTEN_ADDR: '127.0.0.1:0',
    SHOP_SQLITE_PATH: join(workDir, 'shop.db'),
    SHOP_ADMIN_EMAIL: admin.email,
    SHOP_ADMIN_PASSWORD: admin.password,
  };
  delete env.SHOP_DATABASE_URL;
  delete env.SHOP_DATABASE_SECRET_ID;
  if (staticDir) env.SHOP_STATIC_DIR = staticDir;
  else delete env.SHOP_STATIC_DIR;
  const logPath = join(artifactsDir, `${name}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(bin, [], { env, cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  // The JSON log line {"msg":"listening","addr":"127.0.0.1:NNNNN"} names the port.
  // The server logs to stderr; both streams are read.
  let addr = null;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      if (addr) return;
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        try {
          const rec = JSON.parse(line);
          if (rec.msg === 'listening' && rec.addr) addr = rec.addr;
        } catch {
          // not a JSON log line
        }
      }
    });
  }
  let url;
  let port;
  try {
    await until(`the server's "listening" log line (${logPath})`, () => {
      if (exited) throw new Error(`server exited early (${JSON.stringify(exited)}); see ${logPath}`);
      return addr;
    });
    port = Number(addr.slice(addr.lastIndexOf(':') + 1));
    url = `http://127.0.0.1:${port}`;
    await until(`${url}/healthz`, async () => {
      if (exited) throw new Error(`server exited early (${JSON.stringify(exited)}); see ${logPath}`);
      const res = await fetch(`${url}/healthz`);
      return res.ok;
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    admin,
    logPath,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await until('server exit', () => exited, { attempts: 100 }).catch(() => child.kill('SIGKILL'));
      }
      log.end();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package \`chromium\` (apt-get install -y chromium)`);
  }
  const { chromium } = await import('playwright-core');
  // launch() gives every run a fresh temporary user-data-dir.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A browser context and page that record every problem. `allowedHttpErrors`
 * lists answers a journey expects ({method, path: RegExp, status}), such as
 * 402 for a declined card; anything else
 * >= 400, any console error, page error or CSP violation is a problem.
 */
export async function openPage(browser, { baseURL, viewport = { width: 1280, height: 900 }, mobile = false, allowedHttpErrors = [] } = {}) {
  const context = await browser.newContext({
    baseURL,
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    deviceScaleFactor: mobile ? 2 : 1,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems = [];
  const allowed = [...allowedHttpErrors];
  const isAllowed = (method, url, status) => {
    const path = new URL(url).pathname;
    return allowed.some((a) => (!a.method || a.method === method) && a.path.test(path) && a.status === status);
  };
  const allowedUrls = new Set();
  page.on('response', (res) => {
    const status = res.status();
    if (status < 400) return;
    const method = res.request().method();
    if (isAllowed(method, res.url(), status)) allowedUrls.add(`${res.url()}|${status}`);
    else problems.push(`HTTP ${status} for ${method} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText ?? '';
    // Navigations and aborted fetches (filters changed mid-flight) are not failures.
    if (why.includes('ERR_ABORTED')) return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${why}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const m = /Failed to load resource: the server responded with a status of (\d+)/.exec(text);
    if (m && allowedUrls.has(`${msg.location().url}|${m[1]}`)) return;
    problems.push(`console error: ${text} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  return { context, page, problems };
}

/** Runs axe-core in the page; returns the violations (an empty array when clean). */
export async function axeViolations(page) {
  // evaluate() runs through the DevTools protocol, so the page's CSP does not apply to it.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`),
    }));
  });
  return result;
}

export function formatViolations(where, violations) {
  return violations.map((v) => `${where}: [${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

export async function screenshot(page, name) {
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const usd = (minor) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100);

/** JSON from the API with node's fetch (no browser cookies). */
export async function apiGet(baseURL, path) {
  const res = await fetch(`${baseURL}/api/v1${path}`);
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
