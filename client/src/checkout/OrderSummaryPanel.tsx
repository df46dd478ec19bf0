import type { Cart, CartLine, Money, ShippingMethod } from '../api/types';
import { cartProblems, describeProblem } from '../cart/cartProblems';
import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { Price } from '../ui/Price';
import { Loading } from '../ui/Status';

/**
 * The order summary with the Place order button under the total: on a
 * phone the summary follows the form, so the total the customer is about
 * to pay sits right above the button (issue 12, item 3); on a wide screen
 * it is the sticky column beside the form. The button submits the form by
 * its id.
 */
export function OrderSummaryPanel({
  formId,
  cart,
  method,
  total,
  changedFrom,
  canPlace,
  submitting,
}: {
  formId: string;
  cart: Cart | null;
  method: ShippingMethod | undefined;
  total: Money | null;
  /** The subtotal when the checkout opened, when the cart changed since (another tab). */
  changedFrom: Money | null;
  canPlace: boolean;
  submitting: boolean;
}) {
  const lines: CartLine[] = cart?.lines ?? [];
  const problems = cartProblems(cart);
  return (
    <aside className="card summary" aria-labelledby="order-summary-title">
      <h2 id="order-summary-title">Order summary</h2>
      <ul className="summary__lines">
        {lines.map((l) => (
          <li key={l.productId}>
            <span>
              {l.name} <span className="muted">× {l.quantity}</span>
            </span>
            <Price money={l.lineTotal} />
          </li>
        ))}
      </ul>
      <dl className="summary__rows">
        <div>
          <dt>Subtotal</dt>
          <dd>{cart && <Price money={cart.subtotal} />}</dd>
        </div>
        <div>
          <dt>Shipping</dt>
          <dd>{method ? <Price money={method.price} /> : '—'}</dd>
        </div>
        <div className="summary__total">
          <dt>Total</dt>
          <dd data-testid="checkout-total">{total && <Price money={total} />}</dd>
        </div>
      </dl>
      {changedFrom && (
        <p className="notice notice--info" role="status" data-testid="cart-changed">
          Your cart changed since you opened checkout (the subtotal was <Price money={changedFrom} />). The total above is what you will pay.
        </p>
      )}
      {problems.length > 0 && (
        <div className="notice notice--info" role="status" data-testid="checkout-problems">
          <p>{problems.length === 1 ? 'This item cannot be ordered as it is:' : 'These items cannot be ordered as they are:'}</p>
          <ul>
            {problems.map((p) => (
              <li key={p.productId}>{describeProblem(p)}</li>
            ))}
          </ul>
          <Link to={ROUTES.cart}>{problems.length === 1 ? 'Change it in your cart' : 'Change them in your cart'}</Link>
        </div>
      )}
      <button type="submit" form={formId} className="button button--primary button--large button--block" disabled={submitting || !canPlace}>
        {submitting ? 'Placing order…' : 'Place order'}
      </button>
      {submitting && <Loading label="Placing your order…" />}
    </aside>
  );
}
