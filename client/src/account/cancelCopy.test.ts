import { describe, expect, it } from 'vitest';
import { ApiError, type Order } from '../api';
import { cancelErrorMessage, cancelQuestion, cardName } from './cancelCopy';

const order = (payment: Order['payment']): Order => ({
  id: 12,
  email: 'ada@example.com',
  status: 'paid',
  lines: [],
  subtotal: { minor: 5596, currency: 'USD' },
  shipping: { minor: 499, currency: 'USD' },
  total: { minor: 6095, currency: 'USD' },
  shippingAddress: { name: '', line1: '', line2: '', city: '', region: '', postalCode: '', country: '', phone: '' },
  shippingMethod: 'standard',
  payment,
  createdAt: '',
  updatedAt: '',
});

describe('cancel copy', () => {
  it('states the refund, amount and card', () => {
    expect(cancelQuestion(order({ brand: 'visa', last4: '4242', status: 'succeeded' }))).toBe(
      'Cancel order #12 and refund $60.95 to Visa ending 4242?',
    );
    expect(cancelQuestion(order({ brand: '', last4: '1111', status: 'succeeded' }))).toBe(
      'Cancel order #12 and refund $60.95 to the card ending 1111?',
    );
  });
  it('says when there is nothing to refund', () => {
    expect(cancelQuestion(order({ brand: '', last4: '', status: '' }))).toBe('Cancel order #12? Nothing was charged, so there is nothing to refund.');
  });
  it('names brands', () => {
    expect(cardName({ brand: 'amex', last4: '0005', status: 'succeeded' })).toBe('American Express ending 0005');
  });
  it('never shows the server text of a failed cancel', () => {
    const server = 'the refund did not go through (server words)';
    for (const code of ['payment_failed', 'conflict', 'not_found', 'internal'] as const) {
      const msg = cancelErrorMessage(new ApiError(502, code, server));
      expect(msg).not.toContain(server);
      expect(msg.length).toBeGreaterThan(10);
    }
    expect(cancelErrorMessage(new ApiError(502, 'payment_failed', server))).toMatch(/refund did not go through, so the order was not cancelled/);
  });
});
