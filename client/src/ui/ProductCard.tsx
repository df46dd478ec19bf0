import type { Product } from '../api/types';
import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { Price } from './Price';
import { StockBadge } from './StockBadge';

/**
 * In a card the picture sits inside the link next to the product's name, so
 * it is decorative (alt=""): a screen reader hears the name once.
 */
export function ProductImage({ product, size, eager = false }: { product: Pick<Product, 'images' | 'name'>; size: number; eager?: boolean }) {
  const src = product.images[0];
  if (!src) return <div className="product-image product-image--none" aria-hidden="true" />;
  return (
    <img
      className="product-image"
      src={src}
      alt=""
      width={size}
      height={size}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
    />
  );
}

export function ProductCard({ product, eager = false }: { product: Product; eager?: boolean }) {
  return (
    <article className="card product-card">
      <Link to={ROUTES.product({ slug: product.slug })} className="product-card__link">
        <ProductImage product={product} size={320} eager={eager} />
        <h3 className="product-card__name">{product.name}</h3>
      </Link>
      <p className="product-card__meta">
        <Price money={product.price} />
        <StockBadge product={product} />
      </p>
    </article>
  );
}

export function ProductGrid({ products, eagerCount = 0, label }: { products: Product[]; eagerCount?: number; label: string }) {
  return (
    <ul className="product-grid" aria-label={label}>
      {products.map((p, i) => (
        <li key={p.id}>
          <ProductCard product={p} eager={i < eagerCount} />
        </li>
      ))}
    </ul>
  );
}
