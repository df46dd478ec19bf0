// What the checkout tells the customer when the server refuses an order
// because of the cart (issue 12): a changed cart (409 cart_changed: the
// total is not the one shown) or lines short of stock (409
// insufficient_stock). Both answers carry the cart as it now is; the
// message is built from it, never from the server's text.
import { formatMoney } from '../api/money';
import type { ApiError } from '../api/errors';
import { problemSummary } from '../cart/cartProblems';

export interface CheckoutFailure {
  title: string;
  message: string;
  /** Link to the cart, where the lines can be changed. */
  cartLink?: boolean;
}

const NOTHING_CHARGED = 'No order was placed and you were not charged.';

export function cartRefusal(err: Pick<ApiError, 'code' | 'cart'>, shippingMinor: number, shownTotalMinor: number): CheckoutFailure {
  const cart = err.cart;
  if (err.code === 'cart_changed') {
    if (!cart) {
      return { title: 'Your cart changed', message: `${NOTHING_CHARGED} Check the order summary, then place your order again.` };
    }
    const currency = cart.subtotal.currency;
    const now = formatMoney({ minor: cart.subtotal.minor + shippingMinor, currency });
    const was = formatMoney({ minor: shownTotalMinor, currency });
    const problems = problemSummary(cart);
    return {
      title: 'Your cart changed',
      message: `The total is now ${now} (you were shown ${was}). ${NOTHING_CHARGED} ${
        problems ? problems : 'Check the order summary, then place your order again.'
      }`,
      cartLink: problems !== '',
    };
  }
  const problems = problemSummary(cart);
  return {
    title: 'Some items cannot be ordered as they are',
    message: `${problems || 'Some items are not in stock in the quantity in your cart.'} ${NOTHING_CHARGED}`,
    cartLink: true,
  };
}
