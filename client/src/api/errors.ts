// One error type for everything the API module can fail with, so that
// components render failures without knowing about HTTP.
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

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: Record<string, string>;
  /** The cart as it now is, when the server sent it (checkout's cart_changed, insufficient_stock). */
  readonly cart: Cart | null;

  constructor(status: number, code: ErrorCode, message: string, fields: Record<string, string> = {}, cart: Cart | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.cart = cart;
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

const FALLBACK_MESSAGES: Record<ErrorCode, string> = {
  invalid: 'Some details are not valid. Please check the form.',
  unauthorized: 'Please log in to continue.',
  payment_declined: 'Your card was declined. No order was placed and you were not charged.',
  forbidden: 'You do not have access to this page.',
  not_found: 'We could not find what you were looking for.',
  conflict: 'That conflicts with existing data.',
  insufficient_stock: 'Some items are no longer available in the quantity you asked for.',
  cart_changed: 'Your cart changed since you opened this page. Check the new total and place your order again.',
  too_large: 'That request is too large.',
  rate_limited: 'Too many attempts. Please wait a moment and try again.',
  payment_failed: 'The payment provider had a problem. You were not charged; please try again.',
  internal: 'Something went wrong on our side. Please try again.',
  unavailable: 'The shop is temporarily unavailable. Please try again shortly.',
  network: 'Could not reach the shop. Check your connection and try again.',
};

export function fallbackMessage(code: ErrorCode): string {
  return FALLBACK_MESSAGES[code];
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Turns a non-2xx answer into an ApiError. `body` is the parsed JSON, or
 * undefined when the body was not JSON.
 */
export function toApiError(status: number, body: unknown): ApiError {
  const wire = (typeof body === 'object' && body !== null ? body : {}) as WireError;
  const err = wire.error ?? {};
  const code = isErrorCode(err.code) ? err.code : codeForStatus(status);
  const message = typeof err.message === 'string' && err.message.trim() !== '' ? err.message : fallbackMessage(code);
  const fields: Record<string, string> = {};
  if (err.fields && typeof err.fields === 'object') {
    for (const [k, v] of Object.entries(err.fields)) {
      if (typeof v === 'string') fields[k] = v;
    }
  }
  const cart = err.cart && typeof err.cart === 'object' ? toCart(err.cart) : null;
  return new ApiError(status, code, message, fields, cart);
}

/** A message fit for a person, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return fallbackMessage('internal');
}
