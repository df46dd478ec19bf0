import { describe, expect, it } from 'vitest';
import type { Cart } from '../api/types';
import { canCheckout, cartReducer, initialCartState, itemCount, quantityInCart, type CartState } from './cartState';

const usd = (minor: number) => ({ minor, currency: 'USD' });
const cart = (lines: { id: number; qty: number; stock?: number; available?: boolean }[]): Cart => ({
  lines: lines.map((l) => ({
    productId: l.id,
    sku: `S${l.id}`,
    slug: `p${l.id}`,
    name: `P${l.id}`,
    image: null,
    unitPrice: usd(100),
    quantity: l.qty,
    lineTotal: usd(100 * l.qty),
    stock: l.stock ?? 10,
    available: l.available ?? true,
    availableQuantity: (l.available ?? true) ? Math.min(l.stock ?? 10, 99) : 0,
  })),
  itemCount: lines.reduce((n, l) => n + l.qty, 0),
  subtotal: usd(lines.reduce((n, l) => n + 100 * l.qty, 0)),
});

const run = (...actions: Parameters<typeof cartReducer>[1][]): CartState => actions.reduce(cartReducer, initialCartState);

describe('cart state', () => {
  it('starts loading and becomes ready with the server cart', () => {
    expect(initialCartState.status).toBe('loading');
    const s = run({ type: 'load' }, { type: 'loaded', cart: cart([{ id: 1, qty: 2 }]) });
    expect(s.status).toBe('ready');
    expect(itemCount(s)).toBe(2);
    expect(quantityInCart(s, 1)).toBe(2);
    expect(quantityInCart(s, 9)).toBe(0);
  });

  it('shows a load failure only when there is no cart to show', () => {
    expect(run({ type: 'loadFailed', message: 'down' }).status).toBe('error');
    const s = run({ type: 'loaded', cart: cart([]) }, { type: 'loadFailed', message: 'down' });
    expect(s.status).toBe('ready');
    expect(s.error?.message).toBe('down');
  });

  it('tracks changes in flight per product and takes the totals from the server', () => {
    let s = run({ type: 'loaded', cart: cart([{ id: 1, qty: 1 }]) }, { type: 'change', productId: 1 }, { type: 'change', productId: 2 });
    expect(s.pending).toEqual([1, 2]);
    expect(canCheckout(s)).toBe(false);
    s = cartReducer(s, { type: 'changed', productId: 1, cart: cart([{ id: 1, qty: 3 }]) });
    expect(s.pending).toEqual([2]);
    expect(s.cart?.subtotal.minor).toBe(300);
    s = cartReducer(s, { type: 'changeFailed', productId: 2, message: 'Only 3 left' });
    expect(s.pending).toEqual([]);
    expect(s.error).toEqual({ message: 'Only 3 left', productId: 2 });
    expect(s.cart?.itemCount).toBe(3);
    expect(cartReducer(s, { type: 'dismissError' }).error).toBeNull();
    expect(cartReducer(s, { type: 'change', productId: 1 }).error).toBeNull();
  });

  it('allows checkout only with available lines within stock', () => {
    expect(canCheckout(run({ type: 'loaded', cart: cart([]) }))).toBe(false);
    expect(canCheckout(run({ type: 'loaded', cart: cart([{ id: 1, qty: 2 }]) }))).toBe(true);
    expect(canCheckout(run({ type: 'loaded', cart: cart([{ id: 1, qty: 2, available: false }]) }))).toBe(false);
    expect(canCheckout(run({ type: 'loaded', cart: cart([{ id: 1, qty: 4, stock: 3 }]) }))).toBe(false);
  });
});
