import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { appPathSelectors } from '../scripts/app-paths-rule.mjs';
import { renderNginxRoutes } from '../scripts/nginx-routes.mjs';
import { matchPath } from './lib/match';
import { fillPattern, loginThen, ROUTE_PATTERNS, ROUTES, type RouteName } from './routes';
import ROUTES_JSON from './routes.json';

const names = Object.keys(ROUTE_PATTERNS) as RouteName[];
const patterns: string[] = Object.values(ROUTE_PATTERNS);

/** Parameters for a pattern, each an awkward value that must survive encoding. */
function sampleParams(pattern: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const s of pattern.split('/')) if (s.startsWith(':')) params[s.slice(1)] = `a b/c?d#${s.slice(1)}%`;
  return params;
}

/** The path a route's builder makes for the sample parameters. */
function samplePath(name: RouteName): string {
  const build: unknown = ROUTES[name];
  if (typeof build === 'string') return build;
  return (build as (p: Record<string, string>) => string)(sampleParams(ROUTE_PATTERNS[name]));
}

describe('the route table (routes.ts)', () => {
  it('is what routes.json, read by the Go static handler, nginx and the tests, holds (rewrite: npx vitest run src/routes.test.ts -u)', async () => {
    await expect(`${JSON.stringify(patterns, null, 2)}\n`).toMatchFileSnapshot('./routes.json');
    expect(ROUTES_JSON).toEqual(patterns);
  });

  it('is what the committed nginx locations (nginx/spa-routes.conf) were generated from', async () => {
    await expect(renderNginxRoutes(patterns)).toMatchFileSnapshot('../nginx/spa-routes.conf');
  });

  it('has one builder per route and no other', () => {
    expect(Object.keys(ROUTES)).toEqual(names);
    expect(new Set(patterns).size).toBe(patterns.length);
  });

  it('lists fixed paths before the parameterised ones they would shadow', () => {
    // The router takes the first match: /admin/products/new must come before /admin/products/:id.
    expect(patterns.indexOf('/admin/products/new')).toBeLessThan(patterns.indexOf('/admin/products/:id'));
    // And generally: every route is the first match of the paths its builder makes.
    for (const name of names) {
      const path = samplePath(name);
      expect(names.find((n) => matchPath(ROUTE_PATTERNS[n], path)), path).toBe(name);
    }
  });

  it('builds each path from its pattern, the router reading back the parameters', () => {
    for (const name of names) {
      const pattern = ROUTE_PATTERNS[name];
      const params = sampleParams(pattern);
      expect(matchPath(pattern, samplePath(name)), name).toEqual(params);
      if (Object.keys(params).length === 0) expect(ROUTES[name]).toBe(pattern);
    }
  });

  it('builds the paths the hand-written builders did', () => {
    expect(ROUTES.home).toBe('/');
    expect(ROUTES.catalog).toBe('/catalog');
    expect(ROUTES.product({ slug: 'blue mug' })).toBe('/products/blue%20mug');
    expect(ROUTES.confirmation({ id: 12 })).toBe('/checkout/confirmation/12');
    expect(ROUTES.order({ id: 7 })).toBe('/account/orders/7');
    expect(ROUTES.orderLink({ token: 'v1.a/b+c=' })).toBe('/orders/link/v1.a%2Fb%2Bc%3D');
    expect(ROUTES.adminProduct({ id: 3 })).toBe('/admin/products/3');
    expect(ROUTES.adminOrder({ id: 4 })).toBe('/admin/orders/4');
    expect(() => fillPattern('/account/orders/:id', {})).toThrow(/no value for :id/);
  });

  it('sends a visitor to log in and back to where they were', () => {
    expect(loginThen(ROUTES.checkout)).toBe('/account/login?next=%2Fcheckout');
    expect(loginThen(ROUTES.order({ id: 7 }))).toBe('/account/login?next=%2Faccount%2Forders%2F7');
  });

  it('types each builder by its pattern', () => {
    // tsc (npx tsc --noEmit -p .) checks these lines: a wrong or missing parameter does not compile.
    // @ts-expect-error the order route's parameter is id
    expect(() => ROUTES.order({ slug: 'x' })).toThrow();
    // @ts-expect-error a parameterised route needs its parameters
    expect(() => ROUTES.product()).toThrow();
    const catalog: '/catalog' = ROUTES.catalog;
    expect(catalog).toBe('/catalog');
  });
});

describe('app paths typed by hand (scripts/app-paths-rule.mjs)', () => {
  const linter = new Linter({ configType: 'flat' });
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts', '**/*.tsx'],
      languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
      rules: { 'no-restricted-syntax': ['error', ...appPathSelectors(ROUTES_JSON)] as Linter.RuleEntry },
    },
  ];
  // Only this rule's findings and parse errors: the sources' disable comments
  // name rules of the full config that this linter does not load.
  const problems = (code: string, file = 'x.tsx') =>
    linter
      .verify(code, config, file)
      .filter((m) => m.fatal || m.ruleId === 'no-restricted-syntax')
      .map((m) => `${m.line}: ${m.message}`);

  it.each([
    `const a = <Link to="/account/orders/7">x</Link>;`,
    `const a = <Link to={'/catalog'}>x</Link>;`,
    `const a = <Link to="/">home</Link>;`,
    'navigate(`/account/orders/${id}`);',
    `navigate('/');`,
    `navigate('/checkout?step=2');`,
    `const p = '/products/' + slug;`,
    'const p = `/admin/products/${id}/edit`;',
    `const a = <a href="/cart#top">cart</a>;`,
  ])('refuses %s', (code) => {
    expect(problems(code)).toHaveLength(1);
  });

  it.each([
    `// links look like '/account/orders/7'`,
    `const a = <Link to={ROUTES.order({ id })}>x</Link>;`,
    'const a = `${ROUTES.login}?next=${encodeURIComponent(next)}`;',
    `request('GET', '/orders');`,
    'request(\'GET\', `/cart/items/${id}`);',
    `const parts = path.split('/');`,
    `const ok = next.startsWith('/');`,
    `const api = '/api/v1';`,
    `const other = '/catalogue';`,
  ])('allows %s', (code) => {
    expect(problems(code)).toEqual([]);
  });

  it('finds none in src/ outside the route table and the tests', () => {
    const src = fileURLToPath(new URL('.', import.meta.url));
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => /\.tsx?$/.test(f) && !/\.test\.ts$/.test(f) && f !== 'routes.ts',
    );
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => problems(readFileSync(join(src, f), 'utf8'), f).map((p) => `${relative(src, join(src, f))}:${p}`));
    expect(found).toEqual([]);
  }, 60_000); // parses every source file: seconds on a loaded machine
});
