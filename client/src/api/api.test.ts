import { afterEach, describe, expect, it } from 'vitest';
import * as api from './index';
import { setFetch } from './http';
import { codeForStatus, toApiError } from './errors';
import { formatMoney, minorDigits, parseMajor, toMajorString, toMoney } from './money';
import { toCart, toOrder, toPage, toProduct } from './mappers';
import { adminOrdersQuery, buildQuery, productListQuery, searchQuery } from './query';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fake fetch that answers from a list and records what it was asked. */
function fakeFetch(...answers: (Response | Error)[]): Call[] {
  const calls: Call[] = [];
  setFetch((input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init: init ?? {} });
    const next = answers.shift();
    if (!next) return Promise.reject(new Error('unexpected request'));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  return calls;
}

/** The JSON body a request sent (the API module sends JSON text, nothing else). */
function sentJson(call: Call | undefined): unknown {
  const body = call?.init.body;
  if (typeof body !== 'string') throw new Error(`expected a JSON text body, got ${typeof body}`);
  return JSON.parse(body);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const wireProduct = {
  id: 7,
  sku: 'MUG-1',
  slug: 'blue-mug',
  name: 'Blue mug',
  description: 'A mug.',
  price: { amount: 1999, currency: 'USD' },
  images: ['/api/v1/images/MUG-1.svg'],
  category: { slug: 'kitchen', name: 'Kitchen' },
  attributes: { color: 'blue', capacity_ml: 350 },
  stock: 3,
  in_stock: true,
  active: true,
  featured: false,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-02T00:00:00Z',
};

afterEach(() => setFetch((...a) => fetch(...a)));

describe('error mapping', () => {
  it('keeps the code of the contract error shape and replaces its words with the app\'s copy', () => {
    const e = toApiError(422, { error: { code: 'invalid', message: 'bad quantity', fields: { quantity: 'must be at least 1' } } });
    expect(e).toBeInstanceOf(api.ApiError);
    expect(e.status).toBe(422);
    expect(e.code).toBe('invalid');
    expect(e.serverMessage).toBe('bad quantity');
    expect(e.serverFields).toEqual({ quantity: 'must be at least 1' });
    expect(e.message).not.toContain('bad quantity');
    expect(e.fields).toEqual({ quantity: 'Choose a quantity from 1 to 99.' });
  });

  it('derives a code from the status when the body has none or is not JSON', () => {
    expect(toApiError(402, undefined).code).toBe('payment_declined');
    expect(toApiError(404, '<html>').code).toBe('not_found');
    expect(toApiError(503, {}).code).toBe('unavailable');
    expect(toApiError(418, {}).code).toBe('internal');
    expect(toApiError(401, {}).message).toMatch(/log in/i);
  });

  it('maps unknown codes from the status and drops non-string fields', () => {
    const e = toApiError(409, { error: { code: 'weird', message: '', fields: { a: 1, b: 'x' } } });
    expect(e.code).toBe('conflict');
    expect(e.message).not.toBe('');
    expect(Object.keys(e.fields)).toEqual(['b']);
    expect(e.serverFields).toEqual({ b: 'x' });
  });

  it('covers every status of docs/api.md', () => {
    expect([400, 401, 402, 403, 404, 409, 413, 422, 429, 500, 502, 503].map(codeForStatus)).toEqual([
      'invalid',
      'unauthorized',
      'payment_declined',
      'forbidden',
      'not_found',
      'conflict',
      'too_large',
      'invalid',
      'rate_limited',
      'internal',
      'payment_failed',
      'unavailable',
    ]);
  });

  it('turns a failed request into ApiError(network) and an error answer into ApiError', async () => {
    fakeFetch(new TypeError('Failed to fetch'));
    await expect(api.getCart()).rejects.toMatchObject({ code: 'network', status: 0 });

    fakeFetch(json(409, { error: { code: 'insufficient_stock', message: 'only 3 left' } }));
    await expect(api.addToCart(7, 5)).rejects.toMatchObject({ code: 'insufficient_stock', status: 409, serverMessage: 'only 3 left', message: 'Some items are no longer available in the quantity you asked for.' });
  });

  it('reads a guest from /auth/me as null, not an error', async () => {
    fakeFetch(json(200, { user: null }));
    expect(await api.currentUser()).toBeNull();
    fakeFetch(json(500, { error: { code: 'internal', message: 'boom' } }));
    await expect(api.currentUser()).rejects.toMatchObject({ code: 'internal' });
  });

  it('rejects a 200 whose body is not JSON', async () => {
    fakeFetch(new Response('<html>hi</html>', { status: 200 }));
    await expect(api.listCategories()).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('requests', () => {
  it('sends JSON with the content type on writes and none on reads', async () => {
    const calls = fakeFetch(json(200, { items: [], item_count: 0, subtotal: { amount: 0, currency: 'USD' } }), json(200, { items: [] }));
    await api.addToCart(7, 2);
    await api.listCategories();
    expect(calls[0]?.url).toBe('/api/v1/cart/items');
    expect(calls[0]?.init.method).toBe('POST');
    expect((calls[0]?.init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(sentJson(calls[0])).toEqual({ product_id: 7, quantity: 2 });
    expect(calls[0]?.init.credentials).toBe('same-origin');
    expect(calls[1]?.init.method).toBe('GET');
    expect((calls[1]?.init.headers as Record<string, string>)['Content-Type']).toBeUndefined();
  });

  it('sends the Idempotency-Key and the snake_case body of POST /orders', async () => {
    const order = {
      id: 11,
      status: 'paid',
      items: [{ product_id: 7, sku: 'MUG-1', name: 'Blue mug', unit_price: { amount: 1999, currency: 'USD' }, quantity: 2, line_total: { amount: 3998, currency: 'USD' } }],
      subtotal: { amount: 3998, currency: 'USD' },
      shipping: { amount: 500, currency: 'USD' },
      total: { amount: 4498, currency: 'USD' },
      shipping_address: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
      shipping_method: 'standard',
      payment: { last4: '4242', status: 'captured' },
    };
    const calls = fakeFetch(json(201, order));
    const placed = await api.placeOrder(
      {
        shippingAddress: { name: ' Ada ', line1: '1 Main St', line2: '', city: 'Springfield', region: '', postalCode: '12345', country: 'us', phone: '' },
        shippingMethod: 'standard',
        payment: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' },
        expectedTotal: 4498,
      },
      'key-1',
    );
    expect((calls[0]?.init.headers as Record<string, string>)['Idempotency-Key']).toBe('key-1');
    expect(sentJson(calls[0])).toEqual({
      shipping_address: { name: 'Ada', line1: '1 Main St', line2: '', city: 'Springfield', region: '', postal_code: '12345', country: 'US', phone: '' },
      shipping_method: 'standard',
      payment: { card_number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
      expected_total: 4498,
    });
    expect(placed.total).toEqual({ minor: 4498, currency: 'USD' });
    expect(placed.lines[0]?.lineTotal.minor).toBe(3998);
    expect(placed.shippingAddress.postalCode).toBe('12345');
  });

  it('returns undefined for 204 (logout)', async () => {
    const calls = fakeFetch(new Response(null, { status: 204 }));
    await expect(api.logout()).resolves.toBeUndefined();
    expect(calls[0]?.init.method).toBe('POST');
  });

  it('builds the products query from filters', async () => {
    const calls = fakeFetch(json(200, { items: [wireProduct], page: 2, per_page: 12, total: 13 }));
    const page = await api.listProducts({ category: 'kitchen', minPrice: 1000, sort: 'price_asc', page: 2, perPage: 12 });
    expect(calls[0]?.url).toBe('/api/v1/products?category=kitchen&min_price=1000&sort=price_asc&page=2&per_page=12');
    expect(page).toMatchObject({ page: 2, perPage: 12, total: 13, pageCount: 2 });
    expect(page.items[0]?.price).toEqual({ minor: 1999, currency: 'USD' });
  });
});

describe('money', () => {
  it('maps wire money to minor units and formats it for its currency', () => {
    expect(toMoney({ amount: 1999, currency: 'usd' })).toEqual({ minor: 1999, currency: 'USD' });
    expect(toMoney(null)).toEqual({ minor: 0, currency: 'USD' });
    expect(formatMoney({ minor: 1999, currency: 'USD' }, 'en-US')).toBe('$19.99');
    expect(formatMoney({ minor: 123456, currency: 'USD' }, 'en-US')).toBe('$1,234.56');
    expect(formatMoney({ minor: 1999, currency: 'EUR' }, 'de-DE')).toBe('19,99\u00a0€');
    // JPY has no minor unit: 500 minor units are ¥500.
    expect(minorDigits('JPY')).toBe(0);
    expect(formatMoney({ minor: 500, currency: 'JPY' }, 'en-US')).toBe('¥500');
  });

  it('parses and prints major units for forms and URLs', () => {
    expect(parseMajor('19.99')).toBe(1999);
    expect(parseMajor('20')).toBe(2000);
    expect(parseMajor('$1,000.5')).toBe(100050);
    expect(parseMajor('1.999')).toBeNull();
    expect(parseMajor('abc')).toBeNull();
    expect(parseMajor('')).toBeNull();
    expect(parseMajor('-1')).toBeNull();
    expect(toMajorString(1999)).toBe('19.99');
    expect(toMajorString(2000)).toBe('20');
    expect(toMajorString(2005)).toBe('20.05');
  });
});

describe('mapping', () => {
  it('maps a product into the app type', () => {
    const p = toProduct(wireProduct);
    expect(p).toMatchObject({ id: 7, inStock: true, stock: 3, category: { slug: 'kitchen' }, createdAt: '2026-01-01T00:00:00Z' });
    expect(p.attributes).toEqual({ color: 'blue', capacity_ml: '350' });
    const sparse = toProduct({ id: 1, sku: 'X', slug: 'x', name: 'X', price: { amount: 100, currency: 'USD' }, stock: 0 });
    expect(sparse).toMatchObject({ images: [], inStock: false, active: true, description: '' });
  });

  it('maps a wire value that is not text, a number or a boolean to empty text, never "[object Object]"', () => {
    const odd = toProduct({ ...wireProduct, description: { html: '<p>A mug.</p>' } as unknown as string, attributes: { size: { ml: 350 }, dishwasher_safe: true } });
    expect(odd.description).toBe('');
    expect(odd.attributes).toEqual({ size: '', dishwasher_safe: 'true' });
  });

  it('maps a cart and keeps the server totals', () => {
    const cart = toCart({
      items: [
        { product_id: 1, sku: 'A', slug: 'a', name: 'A', image: '', unit_price: { amount: 250, currency: 'USD' }, quantity: 2, line_total: { amount: 500, currency: 'USD' }, stock: 5, available: true },
      ],
      item_count: 2,
      subtotal: { amount: 500, currency: 'USD' },
    });
    expect(cart.subtotal.minor).toBe(500);
    expect(cart.lines[0]).toMatchObject({ productId: 1, image: null, lineTotal: { minor: 500 } });
    expect(toCart({}).lines).toEqual([]);
  });

  it('maps unknown order statuses safely and pages without totals', () => {
    expect(toOrder({ id: 1, status: 'mystery', subtotal: { amount: 1, currency: 'USD' }, shipping: { amount: 0, currency: 'USD' }, total: { amount: 1, currency: 'USD' } }).status).toBe('pending');
    expect(toPage({ items: [1, 2] }, (n) => n, 24)).toEqual({ items: [1, 2], page: 1, perPage: 24, total: 2, pageCount: 1 });
  });

  it('maps a guest order: contact e-mail and the signed link token', () => {
    const money = { amount: 1, currency: 'USD' };
    const guest = toOrder({ id: 2, status: 'paid', subtotal: money, shipping: money, total: money, email: 'g@example.com', access_token: '2.9.sig' });
    expect(guest.email).toBe('g@example.com');
    expect(guest.accessToken).toBe('2.9.sig');
    const customer = toOrder({ id: 3, status: 'paid', subtotal: money, shipping: money, total: money });
    expect(customer.email).toBe('');
    expect(customer).not.toHaveProperty('accessToken');
  });
});

describe('query building', () => {
  it('skips empty values and defaults', () => {
    expect(buildQuery({ a: 1, b: '', c: undefined, d: null, e: NaN, f: 'x y' })).toBe('?a=1&f=x+y');
    expect(buildQuery({})).toBe('');
    expect(productListQuery({ sort: 'featured', page: 1 })).toBe('?per_page=12');
    expect(productListQuery({ minPrice: 0, maxPrice: 5000, page: 0 })).toBe('?min_price=0&max_price=5000&per_page=12');
    expect(productListQuery({ minPrice: -5, maxPrice: 1.5 })).toBe('?per_page=12');
    expect(searchQuery('  blue mug ', 3)).toBe('?q=blue+mug&page=3&per_page=12');
    expect(adminOrdersQuery('', 1, 20)).toBe('?per_page=20');
    expect(adminOrdersQuery('paid', 2, 20)).toBe('?status=paid&page=2&per_page=20');
  });
});
