import { afterEach, describe, expect, it } from 'vitest';
import * as api from './index';
import { setFetch } from './http';

afterEach(() => setFetch((...a) => fetch(...a)));

describe('HTTP cache mode (issue 13)', () => {
  it('revalidates every read (cache: no-cache) and leaves writes alone', async () => {
    const inits: RequestInit[] = [];
    setFetch((_input, init) => {
      inits.push(init ?? {});
      return Promise.resolve(
        new Response(JSON.stringify({ items: [], item_count: 0, subtotal: { amount: 0, currency: 'USD' } }), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        }),
      );
    });
    await api.listCategories();
    await api.addToCart(7, 1);
    expect(inits[0]?.method).toBe('GET');
    expect(inits[0]?.cache).toBe('no-cache');
    expect(inits[1]?.method).toBe('POST');
    expect(inits[1]?.cache).toBeUndefined();
  });
});
