import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { ROUTE_PATTERNS } from './src/routes';

// The patterns of the client's one route table (src/routes.ts) go into the
// build as routes.json: the Go static handler of `task up` reads it to
// answer 404 for other paths (server/httpapi/static.go); nginx gets them as
// nginx/spa-routes.conf. The build fails when the committed src/routes.json,
// which Go tests and scripts/nginx-routes.mjs read, is not the table.
function routeTable(): Plugin {
  return {
    name: 'shop-route-table',
    apply: 'build',
    generateBundle() {
      const source = JSON.stringify(Object.values(ROUTE_PATTERNS));
      const committed = JSON.stringify(JSON.parse(readFileSync(new URL('./src/routes.json', import.meta.url), 'utf8')));
      if (committed !== source) this.error('src/routes.json is out of date with src/routes.ts: run `npx vitest run src/routes.test.ts -u`');
      this.emitFile({ type: 'asset', fileName: 'routes.json', source });
    },
  };
}

// The dev server proxies the API to a locally running server (task up runs
// it on :8080); the production build is static files only.
export default defineConfig({
  plugins: [react(), routeTable()],
  server: {
    port: 5173,
    proxy: { '/api': process.env.SHOP_API_ORIGIN ?? 'http://localhost:8080' },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // Inline nothing: the Content-Security-Policy allows only same-origin
    // scripts, styles and images (img-src also data:, but we do not rely on it).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
