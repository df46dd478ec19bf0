// What cancelling an order says, for the customer and the admin alike.
import { ApiError, formatMoney, type Order } from '../api';

const BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' };

/** "Visa ending 4242", or "the card ending 4242" when the brand is unknown. */
export function cardName(payment: Order['payment']): string {
  const brand = BRANDS[payment.brand];
  if (!payment.last4) return brand ?? 'the card';
  return `${brand ?? 'the card'} ending ${payment.last4}`;
}

export function willRefund(order: Order): boolean {
  return order.payment.status === 'succeeded';
}

/** "Cancel order #12 and refund $60.95 to Visa ending 4242?" */
export function cancelQuestion(order: Order): string {
  if (!willRefund(order)) return `Cancel order #${order.id}? Nothing was charged, so there is nothing to refund.`;
  return `Cancel order #${order.id} and refund ${formatMoney(order.total)} to ${cardName(order.payment)}?`;
}

export function cancelConfirmLabel(order: Order): string {
  return willRefund(order) ? 'Cancel and refund' : 'Cancel order';
}

/** Our own words for a failed cancellation (never the server's text). */
export function cancelErrorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    switch (err.code) {
      case 'payment_failed':
        return 'The refund did not go through, so the order was not cancelled and nothing changed. Please try again later.';
      case 'conflict':
        return 'This order can no longer be cancelled: its status has changed. Reload the page to see it.';
      case 'not_found':
        return 'We could not find this order.';
    }
  }
  return 'The order could not be cancelled. Please try again.';
}
