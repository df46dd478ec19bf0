// The cart as the app holds it. The server owns every number (totals,
// stock); this state only tracks which server cart is current, which lines
// are being changed, and the last error, so that the reducer is easy to test.
import type { Cart } from '../api/types';
import { cartProblems } from './cartProblems';

export interface CartState {
  status: 'loading' | 'ready' | 'error';
  cart: Cart | null;
  /** Product ids with a change in flight; their controls are disabled. */
  pending: number[];
  /** The last failed change, shown next to the cart; null when none. */
  error: { message: string; productId: number | null; cause?: unknown } | null;
}

export type CartAction =
  | { type: 'load' }
  | { type: 'loaded'; cart: Cart }
  | { type: 'loadFailed'; message: string; cause?: unknown }
  | { type: 'change'; productId: number }
  | { type: 'changed'; productId: number; cart: Cart }
  | { type: 'changeFailed'; productId: number; message: string }
  | { type: 'dismissError' };

export const initialCartState: CartState = { status: 'loading', cart: null, pending: [], error: null };

export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case 'load':
      return { ...state, status: state.cart ? state.status : 'loading' };
    case 'loaded':
      return { ...state, status: 'ready', cart: action.cart, error: null };
    case 'loadFailed':
      return state.cart
        ? { ...state, error: { message: action.message, productId: null, cause: action.cause } }
        : { ...state, status: 'error', error: { message: action.message, productId: null, cause: action.cause } };
    case 'change':
      return {
        ...state,
        pending: state.pending.includes(action.productId) ? state.pending : [...state.pending, action.productId],
        error: null,
      };
    case 'changed':
      return {
        ...state,
        status: 'ready',
        cart: action.cart,
        pending: state.pending.filter((id) => id !== action.productId),
      };
    case 'changeFailed':
      return {
        ...state,
        pending: state.pending.filter((id) => id !== action.productId),
        error: { message: action.message, productId: action.productId },
      };
    case 'dismissError':
      return { ...state, error: null };
  }
}

export function itemCount(state: CartState): number {
  return state.cart?.itemCount ?? 0;
}

export function quantityInCart(state: CartState, productId: number): number {
  return state.cart?.lines.find((l) => l.productId === productId)?.quantity ?? 0;
}

/** Unavailable lines (inactive, sold out) and lines above what can be bought block checkout. */
export function canCheckout(state: CartState): boolean {
  const cart = state.cart;
  return !!cart && cart.lines.length > 0 && state.pending.length === 0 && cartProblems(cart).length === 0;
}
