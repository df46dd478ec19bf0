// The frontend container's nginx config (client/nginx), rendered by the same
// render.sh the Dockerfile uses and run by Debian's nginx over the real
// build: headers, CSP, cache rules, history fallback, /healthz, gzip, and
// stub_status on the loopback-only status server (never on the public
// port); then the browser loads the shop through it (a test-only location proxies /api
// to the real server) and must see no CSP violation and no console error.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { axeViolations, clientDir, distDir, formatViolations, freePort, launchBrowser, openPage, requireBuild, screenshot, startServer, until } from './harness.mjs';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

let dir;
let nginx;
let nginxExited = null;
let base;
let statusPort;
let server;
let browser;

/** A raw GET (node's fetch would decompress and hide Content-Encoding). */
function get(path, headers = {}, origin = base) {
  return new Promise((ok, fail) => {
    const req = request(`${origin}${path}`, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

before(async () => {
  requireBuild();
  if (!existsSync(NGINX)) {
    throw new Error(`nginx not found at ${NGINX}: install Debian's package \`nginx-light\` or \`nginx\` (apt-get install -y nginx-light)`);
  }
  server = await startServer({ staticDir: null, name: 'e2e-nginx-server' });
  dir = mkdtempSync(join(tmpdir(), 'shop-nginx-'));
  const port = await freePort();
  statusPort = await freePort();
  while (statusPort === port) statusPort = await freePort();
  execFileSync('sh', [join(clientDir, 'nginx', 'render.sh'), dir, distDir, String(port), dir, String(statusPort)]);
  copyFileSync('/etc/nginx/mime.types', join(dir, 'mime.types'));
  mkdirSync(join(dir, 'server.d'));
  // Test only: the ingress does this in the cluster.
  writeFileSync(
    join(dir, 'server.d', 'api-proxy.conf'),
    `location /api/ {\n    proxy_pass ${server.url};\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-For $remote_addr;\n}\n`,
  );
  // nginx started as root drops workers to "nobody", who must read the build.
  nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  nginx.stderr.on('data', (d) => (stderr += d));
  nginx.on('exit', (code) => (nginxExited = code));
  base = `http://127.0.0.1:${port}`;
  await until('nginx /healthz', async () => {
    if (nginxExited !== null) throw new Error(`nginx exited with ${nginxExited}: ${stderr}`);
    return (await get('/healthz')).status === 200;
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (nginx && nginxExited === null) {
    nginx.kill('SIGQUIT');
    await until('nginx exit', () => nginxExited !== null, { attempts: 100 }).catch(() => nginx.kill('SIGKILL'));
  }
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const entryScript = () => /src="\/(assets\/[^"]+\.js)"/.exec(readFileSync(join(distDir, 'index.html'), 'utf8'))[1];

function assertSecurityHeaders(res, what) {
  assert.equal(res.headers['content-security-policy'], EXPECTED_CSP, `${what}: CSP`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin', `${what}: Referrer-Policy`);
  assert.ok(res.headers['permissions-policy'], `${what}: Permissions-Policy`);
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin', `${what}: COOP`);
  assert.equal(res.headers.server, 'nginx', `${what}: server_tokens off hides the version`);
}

describe('nginx serving the build', () => {
  it('serves index.html with no-cache and the security headers', async () => {
    const res = await get('/');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assertSecurityHeaders(res, '/');
    assert.match(res.body.toString(), /<div id="root">/);
  });

  it('falls back to index.html for client routes, never for missing assets', async () => {
    for (const path of ['/catalog?category=x', '/products/some-thing', '/account/orders/12', '/admin/products/new']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.body.toString(), /<div id="root">/, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assertSecurityHeaders(res, path);
    }
    const missing = await get('/assets/index-doesnotexist.js');
    assert.equal(missing.status, 404);
  });

  it('answers 200 for every client route (src/routes.json) and 404 with the app page for other paths', async () => {
    const index = readFileSync(join(distDir, 'index.html'));
    const routes = JSON.parse(readFileSync(join(clientDir, 'src', 'routes.json'), 'utf8'));
    for (const pattern of routes) {
      const path = pattern.replace(/:[^/]+/g, 'x1');
      for (const p of [path, `${path.replace(/\/$/, '')}/`, `${path}?page=2`]) {
        const res = await get(p);
        assert.equal(res.status, 200, `${p} (route ${pattern})`);
        assert.deepEqual(res.body, index, p);
        assert.equal(res.headers['cache-control'], 'no-cache', p);
        assertSecurityHeaders(res, p);
      }
    }
    for (const path of ['/nope', '/catalog/shoes', '/products', '/products/a/b', '/account/orders', '/admin/products/1/edit', '/robots.txt', '/sitemap.xml']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(res.body, index, `${path}: the app's page (it shows "not found")`);
      assert.match(res.headers['content-type'], /^text\/html/, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assertSecurityHeaders(res, path);
    }
    // The crawler files are the backend's (the ingress routes them there): no file of the build shadows them.
    for (const f of ['robots.txt', 'sitemap.xml']) assert.equal(existsSync(join(distDir, f)), false, `dist/${f} would shadow the backend's`);
    const missing = await get('/assets/index-doesnotexist.js');
    assert.equal(missing.status, 404);
    assert.doesNotMatch(missing.body.toString(), /<div id="root">/, 'a missing asset is never the app page');
  });

  it('caches hashed assets for a year, immutable, with the right type', async () => {
    const res = await get(`/${entryScript()}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(res.headers['content-type'], /javascript/);
    assertSecurityHeaders(res, 'asset');
  });

  it('gzips text when asked and says Vary: Accept-Encoding', async () => {
    const plain = await get(`/${entryScript()}`);
    const res = await get(`/${entryScript()}`, { 'Accept-Encoding': 'gzip' });
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(res.headers.vary ?? '', /Accept-Encoding/);
    assert.ok(res.body.length < plain.body.length / 2, `gzip saved too little: ${res.body.length} of ${plain.body.length}`);
    assert.deepEqual(gunzipSync(res.body), plain.body);
    const html = await get('/', { 'Accept-Encoding': 'gzip' });
    assert.equal(html.headers['content-encoding'], 'gzip');
  });

  it('answers /healthz with 200 and serves plain files with no-cache', async () => {
    const res = await get('/healthz');
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'ok\n');
    const favicon = await get('/favicon.svg');
    assert.equal(favicon.status, 200);
    assert.match(favicon.headers['content-type'], /image\/svg\+xml/);
    assert.equal(favicon.headers['cache-control'], 'no-cache');
  });

  it('answers stub_status on the loopback status server only', async () => {
    const status = `http://127.0.0.1:${statusPort}`;
    const res = await get('/stub_status', {}, status);
    assert.equal(res.status, 200);
    // The format nginx-prometheus-exporter parses.
    assert.match(
      res.body.toString(),
      /^Active connections: \d+ \nserver accepts handled requests\n \d+ \d+ \d+ \nReading: \d+ Writing: \d+ Waiting: \d+ \n$/,
    );
    assert.equal((await get('/', {}, status)).status, 404, 'the status server serves nothing but stub_status');

    // The public port has no stub_status: the path is just another client
    // route (index.html), never the counters.
    for (const path of ['/stub_status', '/stub_status/', '/status']) {
      const pub = await get(path);
      assert.doesNotMatch(pub.body.toString(), /Active connections/, `public ${path}`);
      assert.match(pub.body.toString(), /<div id="root">/, `public ${path}`);
    }

    // Bound to 127.0.0.1 only: on this host's other addresses the public
    // port answers and the status port refuses the connection.
    const conf = readFileSync(join(dir, 'conf.d', 'status.conf'), 'utf8');
    assert.deepEqual(conf.match(/^\s*listen\s+[^;]+;/gm).map((l) => l.trim()), [`listen 127.0.0.1:${statusPort};`]);
    const others = Object.values(networkInterfaces()).flat().filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
    for (const ip of others) {
      const publicPort = new URL(base).port;
      assert.equal((await get('/healthz', {}, `http://${ip}:${publicPort}`)).status, 200, `public port on ${ip}`);
      await assert.rejects(get('/stub_status', {}, `http://${ip}:${statusPort}`), { code: 'ECONNREFUSED' }, `status port on ${ip}`);
    }
  });

  it('loads the shop in Chromium with no CSP violation, console error or axe violation', async () => {
    const { context, page, problems } = await openPage(browser, { baseURL: base });
    try {
      const main = await page.goto('/');
      assert.equal(main.headers()['content-security-policy'], EXPECTED_CSP);
      await page.getByRole('list', { name: 'Featured products' }).waitFor();
      const v = await axeViolations(page);
      assert.deepEqual(v.map((x) => x.id), [], formatViolations('home via nginx', v));
      // A product picture (an SVG from the API) must render under img-src 'self'.
      const loaded = await page.locator('.product-grid img').first().evaluate((img) => img.complete && img.naturalWidth > 0);
      assert.ok(loaded, 'product image did not load');

      // A deep link works (history fallback), and a lazy chunk loads under the CSP.
      await page.goto('/account/login');
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      await page.goto('/catalog?sort=price_asc');
      await page.getByRole('heading', { level: 1, name: 'All products' }).waitFor();
      await page.locator('.product-grid a').first().click();
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByText(/Added 1 to your cart/).waitFor();
      await screenshot(page, 'nginx-product');
      assert.deepEqual(problems, [], `the browser reported problems through nginx:\n  ${problems.join('\n  ')}`);
    } finally {
      await context.close();
    }
  });
});
