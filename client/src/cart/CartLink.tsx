import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { useCart } from './CartProvider';
import { itemCount } from './cartState';

export function CartLink() {
  const { state } = useCart();
  const n = itemCount(state);
  return (
    <Link to={ROUTES.cart} className="header__cart">
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path d="M3 4h2l2.4 10.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 1.9-1.4L21 8H6.2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
        <circle cx="10" cy="20" r="1.5" fill="currentColor" />
        <circle cx="17" cy="20" r="1.5" fill="currentColor" />
      </svg>
      <span className="header__cart-label">Cart</span>
      <span className="header__cart-count" data-testid="cart-count">
        {n}
      </span>
      <span className="visually-hidden">{n === 1 ? ' item' : ' items'}</span>
    </Link>
  );
}
