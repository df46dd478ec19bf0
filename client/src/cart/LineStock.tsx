import type { CartLine } from '../api/types';

/**
 * What a cart line says about stock: nothing when it can be bought as it
 * is; "no longer available" when the product is inactive or sold out; and
 * for a line above what is in stock, how many can be bought with a button
 * that reduces the line to that (issue 12, bug 2).
 */
export function LineStock({ line, busy, onQuantity }: { line: CartLine; busy: boolean; onQuantity: (q: number) => void }) {
  if (!line.available || line.availableQuantity <= 0) {
    return <span className="badge badge--out">No longer available</span>;
  }
  if (line.quantity <= line.availableQuantity) return null;
  const n = line.availableQuantity;
  return (
    <span className="cart-line__short" data-testid={`short-${line.productId}`}>
      <span className="badge badge--low">Only {n} can be bought</span>
      <button type="button" className="button button--secondary button--small" disabled={busy} onClick={() => onQuantity(n)}>
        Reduce to {n}
        <span className="visually-hidden"> {line.name}</span>
      </button>
    </span>
  );
}
