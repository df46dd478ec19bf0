// One error type for everything the API module can fail with, so that
// components render failures without knowing about HTTP.
import { LIMITS } from './limits';
import { toCart } from './mappers';
import type { Cart } from './types';
import type { WireError } from './wire';

/** Error codes of docs/api.md, plus `network` for requests that never got an answer. */
export const ERROR_CODES = [
  'invalid',
  'unauthorized',
  'payment_declined',
  'forbidden',
  'not_found',
  'conflict',
  'insufficient_stock',
  'cart_changed',
  'too_large',
  'rate_limited',
  'payment_failed',
  'internal',
  'unavailable',
  'network',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * A failed API call. `message` and `fields` are the app's own written copy
 * (errorCopy, fieldCopy): the server's English is kept in serverMessage and
 * serverFields for logs and tests, and never reaches the screen.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** Field errors as copy for a person, keyed by the server's field names. */
  readonly fields: Record<string, string>;
  /** The cart as it now is, when the server sent it (checkout's cart_changed, insufficient_stock). */
  readonly cart: Cart | null;
  readonly serverMessage: string;
  readonly serverFields: Record<string, string>;
  /** Seconds from the Retry-After header of a 429, when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: ErrorCode, serverMessage: string, serverFields: Record<string, string> = {}, retryAfter?: number, cart: Cart | null = null) {
    super(errorCopy(code, serverFields, retryAfter));
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = serverMessage;
    this.serverFields = serverFields;
    this.retryAfter = retryAfter;
    this.cart = cart;
    this.fields = Object.fromEntries(Object.entries(serverFields).map(([k, v]) => [k, fieldCopy(k, v)]));
  }
}

/** The code to assume when a body carries none (a proxy's HTML error page, say). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid';
    case 401:
      return 'unauthorized';
    case 402:
      return 'payment_declined';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'too_large';
    case 429:
      return 'rate_limited';
    case 502:
      return 'payment_failed';
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'internal';
  }
}

const UNAVAILABLE = 'The shop is temporarily unavailable. Please try again in a moment.';

/** The written copy for every error code (docs/api.md "Errors", plus `network`). */
export const ERROR_COPY: Record<ErrorCode, string> = {
  invalid: 'Some details are not valid. Please check the form.',
  unauthorized: 'Please log in to continue.',
  payment_declined: 'Your card was declined. No order was placed and you were not charged.',
  forbidden: 'You do not have access to this page.',
  not_found: 'We could not find what you were looking for.',
  conflict: 'That clashes with something that already exists. Please check and try again.',
  insufficient_stock: 'Some items are no longer available in the quantity you asked for.',
  cart_changed: 'Your cart changed since you opened this page. Check the new total and place your order again.',
  too_large: 'That is more than the shop can take in one go. Please shorten it and try again.',
  rate_limited: 'Too many attempts. Try again in about a minute.',
  payment_failed: 'The payment provider had a problem. You were not charged; please try again.',
  internal: 'Something went wrong on our side. Please try again.',
  unavailable: UNAVAILABLE,
  network: 'We could not reach the shop. Check your connection and try again.',
};

export function fallbackMessage(code: ErrorCode): string {
  return ERROR_COPY[code];
}

/** "Try again in about a minute." from a Retry-After in seconds. */
export function retryCopy(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return 'Try again in about a minute.';
  if (seconds <= 10) return 'Try again in a few seconds.';
  if (seconds <= 90) return 'Try again in about a minute.';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `Try again in about ${minutes} minutes.`;
  return 'Try again in about an hour.';
}

/** The message for a failed call, by code (and, for `invalid`, by field). */
export function errorCopy(code: ErrorCode, serverFields: Record<string, string> = {}, retryAfter?: number): string {
  if (code === 'rate_limited') return `Too many attempts. ${retryCopy(retryAfter)}`;
  if (code === 'invalid') {
    if ('cart' in serverFields) return CART_EMPTY;
    if (Object.keys(serverFields).length > 0) return 'Some details need your attention. Please check the highlighted fields.';
  }
  return ERROR_COPY[code];
}

const CART_EMPTY = 'Your cart is empty. Add something to it before checking out.';

/** What a person calls each field the server may name (last dotted segment). */
export const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  line1: 'street address',
  line2: 'apartment or suite',
  city: 'city',
  region: 'state or region',
  postal_code: 'postal code',
  country: 'country',
  phone: 'phone number',
  email: 'e-mail address',
  password: 'password',
  q: 'search',
  quantity: 'quantity',
  shipping_method: 'shipping method',
  card_number: 'card number',
  exp_month: 'expiry date',
  exp_year: 'expiry date',
  cvc: 'security code',
  sku: 'SKU',
  slug: 'URL slug',
  description: 'description',
  price: 'price',
  stock: 'stock',
  delta: 'stock change',
  images: 'images',
  attributes: 'attributes',
  category_slug: 'category',
  status: 'status',
  page: 'page number',
  per_page: 'page size',
  sort: 'sort order',
  min_price: 'minimum price',
  max_price: 'maximum price',
  idempotency_key: 'order request',
};

/** The maxLength of a field of that name in the OpenAPI document (address fields first). */
export function maxLengthOf(field: string): number | undefined {
  for (const schema of Object.values(LIMITS) as Record<string, { maxLength?: number }>[]) {
    const m = schema[field]?.maxLength;
    if (m !== undefined) return m;
  }
  return undefined;
}

/**
 * The written copy for one field error. The server's message only picks
 * which of our sentences applies (missing, too long, or otherwise wrong);
 * its words are never shown. Lengths come from limits.ts, which a Go test
 * keeps equal to the server's own constants.
 */
export function fieldCopy(field: string, serverMessage: string): string {
  const bare = field.split('.').pop() ?? field;
  const label = FIELD_LABELS[bare] ?? 'value';
  const m = serverMessage.toLowerCase();
  switch (bare) {
    case 'cart':
      return CART_EMPTY;
    case 'country':
      return m.includes('ship') ? 'We do not ship to that country yet. Please choose one from the list.' : 'Please choose a country from the list.';
    case 'password':
      if (m.includes('required')) return 'Please enter your password.';
      return `Use ${LIMITS.RegisterInput.password.minLength} to ${LIMITS.RegisterInput.password.maxLength} characters for your password.`;
    case 'email':
      return m.includes('required') ? 'Please enter your e-mail address.' : 'Please enter a valid e-mail address, like name@example.com.';
    case 'card_number':
      return 'Please enter a valid card number.';
    case 'exp_month':
    case 'exp_year':
      return m.includes('expired') ? 'This card is past its expiry date.' : 'Please enter the expiry date as MM/YY.';
    case 'cvc':
      return 'Please enter the 3 or 4 digit security code.';
    case 'shipping_method':
      return 'Please choose a shipping method.';
    case 'quantity':
      return `Choose a quantity from ${LIMITS.AddItemRequest.quantity.minimum} to ${LIMITS.AddItemRequest.quantity.maximum}.`;
    case 'idempotency_key':
      return 'This order changed while it was being placed. Please review it and place it again.';
  }
  if (m.includes('required') || m.includes('must not be empty')) return `Please enter the ${label}.`;
  if (m.includes('too long') || m.includes('at most')) {
    // The number in "must be at most 100 characters" is the server's own
    // constant for this very field (a product name and a person's name
    // differ); the generated limits cover older wording without one.
    const stated = /at most (\d+) characters/.exec(m)?.[1];
    const max = stated !== undefined ? Number(stated) : maxLengthOf(bare);
    if (max !== undefined) return `The ${label} can be at most ${max} characters.`;
  }
  return `Please check the ${label}.`;
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Turns a non-2xx answer into an ApiError. `body` is the parsed JSON, or
 * undefined when the body was not JSON; `retryAfter` the Retry-After
 * header in seconds.
 */
export function toApiError(status: number, body: unknown, retryAfter?: number): ApiError {
  const wire = (typeof body === 'object' && body !== null ? body : {}) as WireError;
  const err = wire.error ?? {};
  const code = isErrorCode(err.code) ? err.code : codeForStatus(status);
  const message = typeof err.message === 'string' ? err.message : '';
  const fields: Record<string, string> = {};
  if (err.fields && typeof err.fields === 'object') {
    for (const [k, v] of Object.entries(err.fields)) {
      if (typeof v === 'string') fields[k] = v;
    }
  }
  const cart = err.cart && typeof err.cart === 'object' ? toCart(err.cart) : null;
  return new ApiError(status, code, message, fields, retryAfter, cart);
}

/**
 * A message fit for a person, whatever was thrown. Only ApiError carries
 * copy; anything else (a bug, a browser error) gets the generic sentence,
 * never its own text.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return ERROR_COPY.internal;
}
