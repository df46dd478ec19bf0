// What is wrong with a cart's lines, in the customer's words. The server
// decides (available, availableQuantity); this only puts it into sentences,
// so the cart and the checkout say the same true thing (issue 12, bug 2).
import type { Cart } from '../api/types';

export type CartProblem =
  /** Deactivated or sold out: nothing can be bought. */
  | { productId: number; name: string; kind: 'unavailable' }
  /** More in the cart than can be bought; canBuy is how many can. */
  | { productId: number; name: string; kind: 'short'; quantity: number; canBuy: number };

export function cartProblems(cart: Cart | null): CartProblem[] {
  const out: CartProblem[] = [];
  for (const l of cart?.lines ?? []) {
    if (!l.available || l.availableQuantity <= 0) out.push({ productId: l.productId, name: l.name, kind: 'unavailable' });
    else if (l.quantity > l.availableQuantity) out.push({ productId: l.productId, name: l.name, kind: 'short', quantity: l.quantity, canBuy: l.availableQuantity });
  }
  return out;
}

export function describeProblem(p: CartProblem): string {
  return p.kind === 'unavailable' ? `${p.name}: no longer available.` : `${p.name}: only ${p.canBuy} can be bought (your cart has ${p.quantity}).`;
}

/** Every problem of the cart as one text; '' when there is none. */
export function problemSummary(cart: Cart | null): string {
  return cartProblems(cart).map(describeProblem).join(' ');
}
