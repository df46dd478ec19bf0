// Checkout form state, validation and the idempotency key, as pure
// functions so that they can be tested without a browser.
import { ADDRESS_FORMATS } from '../api/countries';
import type { ApiError } from '../api/errors';
import type { Address, PlaceOrderInput } from '../api/types';

export interface CheckoutForm {
  /** A guest's contact e-mail (a customer's account e-mail is used instead). */
  email: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  phone: string;
  shippingMethod: string;
  cardNumber: string;
  expiry: string; // MM/YY
  cvc: string;
}

export type CheckoutField = keyof CheckoutForm;
export type FieldErrors = Partial<Record<CheckoutField, string>>;

export const emptyCheckoutForm: CheckoutForm = {
  email: '',
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: 'US',
  phone: '',
  shippingMethod: '',
  cardNumber: '',
  expiry: '',
  cvc: '',
};

export function luhnValid(number: string): boolean {
  const digits = number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** "12/29" or "12/2029" -> {month: 12, year: 2029}; null when not a date. */
export function parseExpiry(text: string): { month: number; year: number } | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!m) return null;
  const month = Number(m[1]);
  let year = Number(m[2]);
  if (year < 100) year += 2000;
  if (month < 1 || month > 12) return null;
  return { month, year };
}

/** Groups digits in fours as a person types: "4242 4242 4242 4242". */
export function formatCardNumber(text: string): string {
  return text
    .replace(/\D/g, '')
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** `guest` (no session) makes the contact e-mail required. */
export function validateCheckout(form: CheckoutForm, now: Date = new Date(), guest = false): FieldErrors {
  const errors: FieldErrors = {};
  if (guest && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) {
    errors.email = form.email.trim() === '' ? 'Enter your e-mail address for the order confirmation.' : 'Enter a valid e-mail address.';
  }
  const required: [CheckoutField, string][] = [
    ['name', 'Enter the recipient’s name.'],
    ['line1', 'Enter the street address.'],
    ['city', 'Enter the city.'],
    ['postalCode', 'Enter the postal code.'],
    ['country', 'Choose a country.'],
    ['shippingMethod', 'Choose a shipping method.'],
  ];
  for (const [field, message] of required) {
    if (form[field].trim() === '') errors[field] = message;
  }
  if (!errors.country && ADDRESS_FORMATS[form.country.trim().toUpperCase()] === undefined) errors.country = 'Choose a country from the list.';
  if (!luhnValid(form.cardNumber)) errors.cardNumber = 'Enter a valid card number.';
  const exp = parseExpiry(form.expiry);
  if (!exp) {
    errors.expiry = 'Enter the expiry as MM/YY.';
  } else {
    const endOfMonth = new Date(Date.UTC(exp.year, exp.month, 1));
    if (endOfMonth <= now) errors.expiry = 'This card has expired.';
  }
  if (!/^\d{3,4}$/.test(form.cvc.trim())) errors.cvc = 'Enter the 3 or 4 digit security code.';
  return errors;
}

export function toAddress(form: CheckoutForm): Address {
  return {
    name: form.name,
    line1: form.line1,
    line2: form.line2,
    city: form.city,
    region: form.region,
    postalCode: form.postalCode,
    country: form.country,
    phone: form.phone,
  };
}

export function toPlaceOrderInput(form: CheckoutForm, guest = false): PlaceOrderInput {
  const exp = parseExpiry(form.expiry) ?? { month: 0, year: 0 };
  return {
    shippingAddress: toAddress(form),
    shippingMethod: form.shippingMethod,
    payment: { cardNumber: form.cardNumber, expMonth: exp.month, expYear: exp.year, cvc: form.cvc },
    ...(guest ? { email: form.email.trim() } : {}),
  };
}

/** Server field names (docs/api.md, snake_case, dotted) -> form fields. */
const SERVER_FIELDS: Record<string, CheckoutField> = {
  email: 'email',
  'shipping_address.name': 'name',
  'shipping_address.line1': 'line1',
  'shipping_address.line2': 'line2',
  'shipping_address.city': 'city',
  'shipping_address.region': 'region',
  'shipping_address.postal_code': 'postalCode',
  'shipping_address.country': 'country',
  'shipping_address.phone': 'phone',
  shipping_method: 'shippingMethod',
  'payment.card_number': 'cardNumber',
  'payment.exp_month': 'expiry',
  'payment.exp_year': 'expiry',
  'payment.cvc': 'cvc',
};

/** Splits a server validation error into messages next to fields and the rest. */
export function mapServerErrors(error: Pick<ApiError, 'fields'>): { fields: FieldErrors; other: string[] } {
  const fields: FieldErrors = {};
  const other: string[] = [];
  for (const [key, message] of Object.entries(error.fields)) {
    // Accept both the dotted names of docs/api.md and bare ones ("cvc").
    const bare = key.split('.').pop() ?? key;
    const field = SERVER_FIELDS[key] ?? SERVER_FIELDS[`shipping_address.${bare}`] ?? SERVER_FIELDS[`payment.${bare}`] ?? SERVER_FIELDS[bare];
    if (field) fields[field] = fields[field] ?? message;
    else if (!other.includes(message)) other.push(message); // copy only: the server's field name is not for people
  }
  return { fields, other };
}

/**
 * The Idempotency-Key of POST /orders. Retrying the very same order (a
 * timeout, a double click) reuses the key, so the server never charges
 * twice; a changed order (another card after a decline) gets a new key,
 * because the server answers 422 to an old key with a new body.
 */
export interface IdempotencyState {
  key: string | null;
  body: string | null;
}

export function keyFor(state: IdempotencyState, input: PlaceOrderInput, newKey: () => string): IdempotencyState {
  const body = JSON.stringify(input);
  if (state.key && state.body === body) return state;
  return { key: newKey(), body };
}

export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
