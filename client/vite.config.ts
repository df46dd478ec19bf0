import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The dev server proxies the API to a locally running server (task up runs
// it on :8080); the production build is static files only.
export default defineConfig({
  plugins: [react()],
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
