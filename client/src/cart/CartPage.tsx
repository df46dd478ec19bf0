import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { Price } from '../ui/Price';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { useCart } from './CartProvider';
import { canCheckout } from './cartState';
import { cartProblems, problemSummary } from './cartProblems';
import { LineStock } from './LineStock';
import type { CartLine } from '../api/types';

const MAX_LINE_QUANTITY = 20;

export function CartPage() {
  useDocumentTitle('Cart');
  const { state, reload, setQuantity, remove } = useCart();

  return (
    <div className="cart">
      <div className="page-header">
        <h1>Your cart</h1>
      </div>
      {state.status === 'loading' && <Loading label="Loading your cart…" />}
      {state.status === 'error' && <ErrorState error={state.error?.cause} onRetry={() => void reload()} />}
      {state.status === 'ready' && state.cart && state.cart.lines.length === 0 && (
        <EmptyState title="Your cart is empty">
          <Link to={ROUTES.catalog} className="button button--primary">
            Start shopping
          </Link>
        </EmptyState>
      )}
      {state.status === 'ready' && state.cart && state.cart.lines.length > 0 && (
        <div className="cart__layout">
          <section aria-labelledby="cart-lines-title">
            <h2 id="cart-lines-title" className="visually-hidden">
              Items
            </h2>
            {state.error && <Notice kind="error">{state.error.message}</Notice>}
            <ul className="cart-lines">
              {state.cart.lines.map((line) => (
                <CartLineRow
                  key={line.productId}
                  line={line}
                  busy={state.pending.includes(line.productId)}
                  onQuantity={(q) => void setQuantity(line.productId, q)}
                  onRemove={() => void remove(line.productId)}
                />
              ))}
            </ul>
          </section>
          <aside className="card summary" aria-labelledby="summary-title">
            <h2 id="summary-title">Summary</h2>
            <dl className="summary__rows">
              <div>
                <dt>Items</dt>
                <dd>{state.cart.itemCount}</dd>
              </div>
              <div className="summary__total">
                <dt>Subtotal</dt>
                <dd data-testid="cart-subtotal">
                  <Price money={state.cart.subtotal} />
                </dd>
              </div>
            </dl>
            <p className="muted small">Shipping is chosen at checkout.</p>
            {canCheckout(state) ? (
              <Link to={ROUTES.checkout} className="button button--primary button--block">
                Check out
              </Link>
            ) : (
              <p className="notice notice--info" data-testid="cart-blocked">
                {problemSummary(state.cart)} Change {cartProblems(state.cart).length === 1 ? 'this item' : 'these items'} to check out.
              </p>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}

function CartLineRow({ line, busy, onQuantity, onRemove }: { line: CartLine; busy: boolean; onQuantity: (q: number) => void; onRemove: () => void }) {
  const max = Math.max(line.quantity, Math.min(MAX_LINE_QUANTITY, line.stock));
  const id = `qty-${line.productId}`;
  return (
    <li className="cart-line" aria-busy={busy}>
      {line.image ? (
        <img src={line.image} alt="" width={88} height={88} className="cart-line__image" />
      ) : (
        <div className="cart-line__image product-image--none" aria-hidden="true" />
      )}
      <div className="cart-line__info">
        <Link to={ROUTES.product({ slug: line.slug })} className="cart-line__name">
          {line.name}
        </Link>
        <span className="muted small">
          <Price money={line.unitPrice} /> each
        </span>
        <LineStock line={line} busy={busy} onQuantity={onQuantity} />
      </div>
      <div className="cart-line__controls">
        <div className="field field--inline">
          <label htmlFor={id}>
            Quantity<span className="visually-hidden"> of {line.name}</span>
          </label>
          <select id={id} value={line.quantity} disabled={busy} onChange={(e) => onQuantity(Number(e.target.value))}>
            {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button button--link" onClick={onRemove} disabled={busy}>
          Remove<span className="visually-hidden"> {line.name}</span>
        </button>
      </div>
      <div className="cart-line__total">
        <Price money={line.lineTotal} />
      </div>
    </li>
  );
}
