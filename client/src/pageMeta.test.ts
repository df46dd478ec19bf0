import { describe, expect, it } from 'vitest';
import { PAGE_DESCRIPTIONS } from './pageMeta';
import { ROUTE_PATTERNS } from './routes';

describe('the page descriptions', () => {
  it('has a page description for every route and no other', () => {
    expect(Object.keys(PAGE_DESCRIPTIONS).sort()).toEqual(Object.keys(ROUTE_PATTERNS).sort());
    for (const d of Object.values(PAGE_DESCRIPTIONS)) expect(d.length).toBeLessThanOrEqual(160);
  });
});
