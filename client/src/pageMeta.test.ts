import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderNginxRoutes } from '../scripts/nginx-routes.mjs';
import { PAGE_DESCRIPTIONS } from './pageMeta';
import ROUTE_PATTERNS from './routes.json';

describe('the route table (routes.json)', () => {
  it('has a page description for every pattern and no other', () => {
    expect(Object.keys(PAGE_DESCRIPTIONS).sort()).toEqual([...ROUTE_PATTERNS].sort());
    for (const d of Object.values(PAGE_DESCRIPTIONS)) expect(d.length).toBeLessThanOrEqual(160);
  });

  it('lists fixed paths before the parameterised ones they would shadow', () => {
    // The router takes the first match: /admin/products/new must come before /admin/products/:id.
    expect(ROUTE_PATTERNS.indexOf('/admin/products/new')).toBeLessThan(ROUTE_PATTERNS.indexOf('/admin/products/:id'));
  });

  it('is what the committed nginx locations (nginx/spa-routes.conf) were generated from', () => {
    const committed = readFileSync(new URL('../nginx/spa-routes.conf', import.meta.url), 'utf8');
    expect(committed).toBe(renderNginxRoutes(ROUTE_PATTERNS));
  });
});
