import { describe, expect, it } from 'vitest';
import { toApiError } from '../api/errors';
import type { Cart, CartLine } from '../api/types';
import { cartProblems, describeProblem, problemSummary } from './cartProblems';
import { canCheckout, cartReducer, initialCartState } from './cartState';

const usd = (minor: number) => ({ minor, currency: 'USD' });
const line = (id: number, name: string, quantity: number, stock: number, available = stock > 0): CartLine => ({
  productId: id,
  sku: `S${id}`,
  slug: `p${id}`,
  name,
  image: null,
  unitPrice: usd(100),
  quantity,
  lineTotal: usd(100 * quantity),
  stock,
  available,
  availableQuantity: available ? Math.min(stock, 99) : 0,
});
const cartOf = (...lines: CartLine[]): Cart => ({ lines, itemCount: lines.reduce((n, l) => n + l.quantity, 0), subtotal: usd(lines.reduce((n, l) => n + l.lineTotal.minor, 0)) });

describe('cart problems (issue 12, bug 2)', () => {
  it('a line over stock is short, not unavailable, and says how many can be bought', () => {
    const boots = line(1, 'Trail Boots', 5, 2);
    expect(cartProblems(cartOf(boots))).toEqual([{ productId: 1, name: 'Trail Boots', kind: 'short', quantity: 5, canBuy: 2 }]);
    expect(describeProblem(cartProblems(cartOf(boots))[0]!)).toBe('Trail Boots: only 2 can be bought (your cart has 5).');
  });

  it('inactive or sold-out lines are unavailable', () => {
    const gone = line(2, 'Hand Cream', 1, 4, false);
    const soldOut = line(3, 'Mug', 2, 0);
    expect(cartProblems(cartOf(gone, soldOut)).map((p) => p.kind)).toEqual(['unavailable', 'unavailable']);
    expect(describeProblem(cartProblems(cartOf(soldOut))[0]!)).toBe('Mug: no longer available.');
  });

  it('a cart within stock has no problems and can check out', () => {
    const ok = cartOf(line(1, 'Trail Boots', 2, 2), line(2, 'Mug', 1, 9));
    expect(cartProblems(ok)).toEqual([]);
    expect(problemSummary(ok)).toBe('');
    expect(canCheckout(cartReducer(initialCartState, { type: 'loaded', cart: ok }))).toBe(true);
  });

  it('checkout is blocked by a short line and the summary names every line', () => {
    const c = cartOf(line(1, 'Trail Boots', 5, 2), line(2, 'Mug', 1, 0));
    expect(canCheckout(cartReducer(initialCartState, { type: 'loaded', cart: c }))).toBe(false);
    expect(problemSummary(c)).toBe('Trail Boots: only 2 can be bought (your cart has 5). Mug: no longer available.');
  });

  it('the API error of a refused checkout carries the cart as it now is', () => {
    const err = toApiError(409, {
      error: {
        code: 'cart_changed',
        message: 'changed',
        cart: {
          items: [{ product_id: 1, sku: 'S1', slug: 'p1', name: 'Hand Cream', unit_price: { amount: 1399, currency: 'USD' }, quantity: 4, line_total: { amount: 5596, currency: 'USD' }, stock: 9, available: true, available_quantity: 9 }],
          item_count: 4,
          subtotal: { amount: 5596, currency: 'USD' },
        },
      },
    });
    expect(err.code).toBe('cart_changed');
    expect(err.cart?.subtotal.minor).toBe(5596);
    expect(err.cart?.lines[0]?.availableQuantity).toBe(9);
    expect(toApiError(409, { error: { code: 'conflict', message: 'x' } }).cart).toBeNull();
  });
});
