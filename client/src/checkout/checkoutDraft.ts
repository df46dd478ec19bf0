// Keeps what a person typed at checkout across a reload (bug 5), in
// sessionStorage, until the order is placed. Card data is never stored:
// the number, expiry and security code are left out on purpose.
import { CHECKOUT_FORM_STORAGE_KEY, GUEST_ORDER_STORAGE_KEY } from '../constants';
import type { CheckoutForm } from './checkoutState';

/** The fields that may be kept: everything but the card. */
export const DRAFT_FIELDS = ['email', 'name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone', 'shippingMethod'] as const;
type DraftField = (typeof DRAFT_FIELDS)[number];
export type CheckoutDraft = Partial<Pick<CheckoutForm, DraftField>>;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function session(): KeyValueStore | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null; // storage disabled: nothing is kept, checkout still works
  }
}

/** Only the draft fields of a form, as stored. */
export function toDraft(form: CheckoutForm): CheckoutDraft {
  const out: CheckoutDraft = {};
  for (const f of DRAFT_FIELDS) out[f] = form[f];
  return out;
}

export function saveDraft(form: CheckoutForm, store: KeyValueStore | null = session()): void {
  try {
    store?.setItem(CHECKOUT_FORM_STORAGE_KEY, JSON.stringify(toDraft(form)));
  } catch {
    // quota or privacy mode: keeping the draft is a convenience only
  }
}

/**
 * The stored draft: non-empty string fields only (anything else is
 * ignored), so an untouched field keeps its default (the account's name).
 */
export function loadDraft(store: KeyValueStore | null = session()): CheckoutDraft {
  let raw: unknown;
  try {
    raw = JSON.parse(store?.getItem(CHECKOUT_FORM_STORAGE_KEY) ?? 'null');
  } catch {
    return {};
  }
  if (!raw || typeof raw !== 'object') return {};
  const out: CheckoutDraft = {};
  for (const f of DRAFT_FIELDS) {
    const v = (raw as Record<string, unknown>)[f];
    if (typeof v === 'string' && v !== '') out[f] = v;
  }
  return out;
}

export function clearDraft(store: KeyValueStore | null = session()): void {
  try {
    store?.removeItem(CHECKOUT_FORM_STORAGE_KEY);
  } catch {
    // nothing to clear
  }
}

/** A guest's order link token, kept for the confirmation page of that order. */
export function rememberGuestOrder(orderId: number, token: string, store: KeyValueStore | null = session()): void {
  try {
    store?.setItem(GUEST_ORDER_STORAGE_KEY(orderId), token);
  } catch {
    // the confirmation page then asks to log in or use the e-mailed link
  }
}

export function guestOrderToken(orderId: number, store: KeyValueStore | null = session()): string | null {
  try {
    return store?.getItem(GUEST_ORDER_STORAGE_KEY(orderId)) ?? null;
  } catch {
    return null;
  }
}
