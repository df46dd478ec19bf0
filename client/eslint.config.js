// ESLint for the storefront client (`npm run lint`; `go tool task lint` and
// `go tool task test:client` run it too). ESLint 9, not 10: eslint-plugin-jsx-a11y
// 6.10.2 declares peer support up to ESLint 9 only.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { appPathSelectors } from './scripts/app-paths-rule.mjs';

const routePatterns = JSON.parse(readFileSync(new URL('./src/routes.json', import.meta.url), 'utf8'));

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/']),
  // A disable comment that no longer hides anything is noise (or a rule name typo).
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  js.configs.recommended,
  // Type-checked rules for the TypeScript that tsconfig.json compiles (src/ and
  // vite.config.ts); plain JavaScript and the declaration files beside the
  // scripts have no project, so they get the syntactic set only.
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', 'scripts/*.d.mts'],
    extends: [tseslint.configs.disableTypeChecked],
  },

  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest'], jsxA11y.flatConfigs.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      // A missing dependency is a stale closure: fail, do not warn.
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // Links are built from the route table, never typed by hand (scripts/app-paths-rule.mjs).
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/routes.ts', 'src/**/*.test.ts'],
    rules: { 'no-restricted-syntax': ['error', ...appPathSelectors(routePatterns)] },
  },
  {
    files: ['vite.config.ts', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // Node scripts that drive Chromium: the functions they hand to
    // page.evaluate() run in the page, where window and document exist.
    files: ['e2e/**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
]);
