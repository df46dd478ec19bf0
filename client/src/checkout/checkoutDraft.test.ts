import { describe, expect, it } from 'vitest';
import { CHECKOUT_FORM_STORAGE_KEY } from '../constants';
import { clearDraft, guestOrderToken, loadDraft, rememberGuestOrder, saveDraft } from './checkoutDraft';
import { emptyCheckoutForm } from './checkoutState';

function memoryStore() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    raw: m,
  };
}

describe('checkout draft', () => {
  const form = {
    ...emptyCheckoutForm,
    email: 'ada@example.com',
    name: 'Ada',
    line1: '1 Analytical St',
    city: 'London',
    postalCode: 'N1',
    country: 'GB',
    shippingMethod: 'express',
    cardNumber: '4242 4242 4242 4242',
    expiry: '12/30',
    cvc: '123',
  };

  it('keeps the typed fields and never the card', () => {
    const s = memoryStore();
    saveDraft(form, s);
    const stored = s.raw.get(CHECKOUT_FORM_STORAGE_KEY) ?? '';
    expect(stored).not.toContain('4242');
    expect(stored).not.toContain('12/30');
    expect(stored).not.toMatch(/cvc|cardNumber|expiry/);
    expect(loadDraft(s)).toEqual({
      email: 'ada@example.com', name: 'Ada', line1: '1 Analytical St', city: 'London',
      postalCode: 'N1', country: 'GB', shippingMethod: 'express',
    });
  });

  it('ignores junk and clears', () => {
    const s = memoryStore();
    s.setItem(CHECKOUT_FORM_STORAGE_KEY, '{"name": 5, "cardNumber": "4242", "city": "Paris"}');
    expect(loadDraft(s)).toEqual({ city: 'Paris' });
    s.setItem(CHECKOUT_FORM_STORAGE_KEY, 'not json');
    expect(loadDraft(s)).toEqual({});
    saveDraft(form, s);
    clearDraft(s);
    expect(loadDraft(s)).toEqual({});
    expect(loadDraft(null)).toEqual({});
  });

  it('remembers a guest order token per order', () => {
    const s = memoryStore();
    rememberGuestOrder(7, 'tok', s);
    expect(guestOrderToken(7, s)).toBe('tok');
    expect(guestOrderToken(8, s)).toBeNull();
  });
});
