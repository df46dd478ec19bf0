import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import type { Cart } from '../api/types';
import { cartRefusal } from './cartRefusal';
import { fromPlaceOrder } from '../api/mappers';

const usd = (minor: number) => ({ minor, currency: 'USD' });
const cart = (qty: number, stock: number): Cart => ({
  lines: [
    {
      productId: 7,
      sku: 'HC',
      slug: 'hand-cream',
      name: 'Hand Cream',
      image: null,
      unitPrice: usd(1399),
      quantity: qty,
      lineTotal: usd(1399 * qty),
      stock,
      available: stock > 0,
      availableQuantity: Math.min(stock, 99),
    },
  ],
  itemCount: qty,
  subtotal: usd(1399 * qty),
});

describe('checkout refusals about the cart (issue 12)', () => {
  it('cart_changed names the new total and the one that was shown', () => {
    const f = cartRefusal(new ApiError(409, 'cart_changed', 'server text', {}, undefined, cart(4, 10)), 499, 1898);
    expect(f.title).toBe('Your cart changed');
    expect(f.message).toContain('$60.95');
    expect(f.message).toContain('$18.98');
    expect(f.message).toContain('not charged');
    expect(f.message).not.toContain('server text');
    expect(f.cartLink).toBe(false);
  });

  it('insufficient_stock names the line, how many can be bought, and links to the cart; it never claims the cart was updated', () => {
    const f = cartRefusal(new ApiError(409, 'insufficient_stock', 'not enough Hand Cream in stock', {}, undefined, cart(5, 2)), 499, 7494);
    expect(f.message).toContain('Hand Cream: only 2 can be bought (your cart has 5).');
    expect(f.message).not.toMatch(/updated/i);
    expect(f.cartLink).toBe(true);
  });

  it('the order sends the total that was shown', () => {
    const body = fromPlaceOrder({
      shippingAddress: { name: 'A', line1: '1', line2: '', city: 'C', region: '', postalCode: '1', country: 'us', phone: '' },
      shippingMethod: 'standard',
      payment: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' },
      expectedTotal: 1898,
    });
    expect(body).toMatchObject({ expected_total: 1898 });
  });
});
