import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/errors';
import {
  emptyCheckoutForm,
  formatCardNumber,
  keyFor,
  luhnValid,
  mapServerErrors,
  newIdempotencyKey,
  parseExpiry,
  toPlaceOrderInput,
  validateCheckout,
  type CheckoutForm,
} from './checkoutState';

const valid: CheckoutForm = {
  ...emptyCheckoutForm,
  name: 'Ada Lovelace',
  line1: '1 Main St',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
  shippingMethod: 'standard',
  cardNumber: '4242 4242 4242 4242',
  expiry: '12/30',
  cvc: '123',
};
const now = new Date('2026-11-25T12:00:00Z');

describe('checkout validation', () => {
  it('accepts a complete form', () => {
    expect(validateCheckout(valid, now)).toEqual({});
  });

  it('names every missing required field', () => {
    const errors = validateCheckout({ ...emptyCheckoutForm, country: '' }, now);
    expect(Object.keys(errors).sort()).toEqual(['city', 'country', 'cardNumber', 'cvc', 'expiry', 'line1', 'name', 'postalCode', 'shippingMethod'].sort());
  });

  it('checks the card number with Luhn, the expiry and the CVC', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4000 0000 0000 0002')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('12')).toBe(false);
    expect(validateCheckout({ ...valid, cardNumber: '4242424242424241' }, now).cardNumber).toBeDefined();
    expect(validateCheckout({ ...valid, expiry: '10/26' }, now).expiry).toMatch(/expired/);
    expect(validateCheckout({ ...valid, expiry: '11/26' }, now).expiry).toBeUndefined();
    expect(validateCheckout({ ...valid, expiry: '13/30' }, now).expiry).toBeDefined();
    expect(validateCheckout({ ...valid, cvc: '12' }, now).cvc).toBeDefined();
    expect(validateCheckout({ ...valid, country: 'USA' }, now).country).toBeDefined();
  });

  it('parses expiry dates and formats card numbers', () => {
    expect(parseExpiry('1/29')).toEqual({ month: 1, year: 2029 });
    expect(parseExpiry('12 / 2031')).toEqual({ month: 12, year: 2031 });
    expect(parseExpiry('0/29')).toBeNull();
    expect(parseExpiry('soon')).toBeNull();
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('4242-42x')).toBe('4242 42');
  });

  it('builds the order input', () => {
    const input = toPlaceOrderInput(valid);
    expect(input.payment).toEqual({ cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' });
    expect(input.shippingAddress.postalCode).toBe('12345');
    expect(input.shippingMethod).toBe('standard');
  });
});

describe('server errors on checkout', () => {
  it('puts field errors next to their fields and keeps the rest', () => {
    const e = new ApiError(422, 'invalid', 'invalid order', {
      'shipping_address.postal_code': 'required',
      'payment.card_number': 'fails the Luhn check',
      exp_year: 'in the past',
      coupon: 'unknown',
    });
    const mapped = mapServerErrors(e);
    // ApiError turned the server's words into the app's copy; no field name or server text is shown.
    expect(mapped.fields).toEqual({ postalCode: 'Please enter the postal code.', cardNumber: 'Please enter a valid card number.', expiry: 'Please enter the expiry date as MM/YY.' });
    expect(mapped.other).toEqual(['Please check the value.']);
  });
});

describe('idempotency key', () => {
  it('reuses the key for a retry of the same order and changes it when the order changes', () => {
    let n = 0;
    const gen = () => `k${++n}`;
    const a = keyFor({ key: null, body: null }, toPlaceOrderInput(valid), gen);
    expect(a.key).toBe('k1');
    const retry = keyFor(a, toPlaceOrderInput(valid), gen);
    expect(retry.key).toBe('k1');
    const otherCard = keyFor(retry, toPlaceOrderInput({ ...valid, cardNumber: '4000000000000002' }), gen);
    expect(otherCard.key).toBe('k2');
  });

  it('makes RFC 4122 version 4 UUIDs', () => {
    const k = newIdempotencyKey();
    expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(k);
  });
});

describe('guest checkout', () => {
  const filled = { ...emptyCheckoutForm, name: 'Ada', line1: '1 St', city: 'London', postalCode: 'N1', country: 'GB', shippingMethod: 'standard', cardNumber: '4242424242424242', expiry: '12/40', cvc: '123' };
  it('requires a valid e-mail only from guests', () => {
    expect(validateCheckout(filled, new Date(), false).email).toBeUndefined();
    expect(validateCheckout(filled, new Date(), true).email).toMatch(/e-mail/);
    expect(validateCheckout({ ...filled, email: 'nope' }, new Date(), true).email).toBe('Enter a valid e-mail address.');
    expect(validateCheckout({ ...filled, email: 'ada@example.com' }, new Date(), true)).toEqual({});
  });
  it('sends the e-mail only for guests and maps its server error', () => {
    const f = { ...filled, email: ' ada@example.com ' };
    expect(toPlaceOrderInput(f, true).email).toBe('ada@example.com');
    expect(toPlaceOrderInput(f, false)).not.toHaveProperty('email');
    expect(mapServerErrors({ fields: { email: 'is required' } }).fields.email).toBe('is required');
  });
});
