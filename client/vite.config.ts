import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

// The client's one route table goes into the build as routes.json: the Go
// static handler of `task up` reads it to answer 404 for other paths
// (server/httpapi/static.go); nginx gets it as nginx/spa-routes.conf.
function routeTable(): Plugin {
  return {
    name: 'shop-route-table',
    apply: 'build',
    generateBundle() {
      const source = readFileSync(new URL('./src/routes.json', import.meta.url), 'utf8');
      this.emitFile({ type: 'asset', fileName: 'routes.json', source: JSON.stringify(JSON.parse(source)) });
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
