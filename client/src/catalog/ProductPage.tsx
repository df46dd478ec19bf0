import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { toMajorString } from '../api/money';
import { MAX_QUANTITY_PICK, SHOP_NAME } from '../constants';
import { ROUTES } from '../routes';
import { summary, useDescription, useOpenGraph } from '../lib/head';
import { useCart } from '../cart/CartProvider';
import { quantityInCart } from '../cart/cartState';
import { Link, useParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { Price } from '../ui/Price';
import { StockBadge } from '../ui/StockBadge';
import { ErrorState, Loading, Notice } from '../ui/Status';
import type { Product } from '../api/types';
import { catalogHref } from './filters';
import { NotFoundPage } from '../NotFoundPage';

export function ProductPage() {
  const { slug = '' } = useParams();
  const product = useResource((s) => api.getProduct(slug, s), slug);
  useDocumentTitle(product.data?.name ?? 'Product');
  useDescription(product.data ? summary(product.data.description || `${product.data.name} at ${SHOP_NAME}.`) : null);
  useOpenGraph(product.data ? openGraphOf(product.data) : null);

  if (product.status === 'loading') return <Loading label="Loading product…" />;
  if (product.status === 'error') {
    if (product.error instanceof api.ApiError && product.error.code === 'not_found') return <NotFoundPage what="product" />;
    return <ErrorState error={product.error} onRetry={product.reload} />;
  }
  return <ProductDetail product={product.data} />;
}

/** The Open Graph tags of a product page (absolute URLs, as link previews need). */
function openGraphOf(p: Product): Record<string, string> {
  const origin = window.location.origin;
  const tags: Record<string, string> = {
    'og:type': 'product',
    'og:site_name': SHOP_NAME,
    'og:title': p.name,
    'og:description': summary(p.description || p.name),
    'og:url': origin + ROUTES.product({ slug: p.slug }),
    'product:price:amount': toMajorString(p.price.minor, p.price.currency),
    'product:price:currency': p.price.currency,
  };
  const image = p.images[0];
  if (image) {
    tags['og:image'] = new URL(image, origin).href;
    tags['og:image:alt'] = p.name;
  }
  return tags;
}

function ProductDetail({ product }: { product: Product }) {
  const cart = useCart();
  const [imageIndex, setImageIndex] = useState(0);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<number | null>(null);
  const inCart = quantityInCart(cart.state, product.id);
  const maxPick = Math.max(0, Math.min(MAX_QUANTITY_PICK, product.stock - inCart));
  const busy = cart.state.pending.includes(product.id);
  const error = cart.state.error?.productId === product.id ? cart.state.error.message : null;
  const image = product.images[imageIndex] ?? product.images[0];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    if (await cart.add(product.id, quantity)) {
      setAdded(quantity);
      setQuantity(1);
    }
  };

  const attributes = Object.entries(product.attributes);
  return (
    <article className="product">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to={ROUTES.catalog}>Catalog</Link>
          </li>
          {product.category.slug && (
            <li>
              <Link to={catalogHref({ category: product.category.slug })}>{product.category.name}</Link>
            </li>
          )}
          <li aria-current="page">{product.name}</li>
        </ol>
      </nav>
      <div className="product__layout">
        <div className="product__gallery">
          {image ? (
            <img className="product__image" src={image} alt={product.name} width={560} height={560} />
          ) : (
            <div className="product__image product-image--none" role="img" aria-label={`No picture of ${product.name}`} />
          )}
          {product.images.length > 1 && (
            <ul className="product__thumbs" aria-label="More pictures">
              {product.images.map((src, i) => (
                <li key={src}>
                  <button type="button" onClick={() => setImageIndex(i)} aria-pressed={i === imageIndex} className="thumb">
                    <img src={src} alt={`${product.name}, ${i + 1} of ${product.images.length}`} width={72} height={72} loading="lazy" />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="product__info">
          <h1>{product.name}</h1>
          <p className="product__price">
            <Price money={product.price} />
          </p>
          <p>
            <StockBadge product={product} />
            {inCart > 0 && <span className="muted product__in-cart"> {inCart} in your cart</span>}
          </p>
          {product.description && <p className="product__description">{product.description}</p>}

          {product.inStock && product.active && maxPick > 0 ? (
            <form className="add-to-cart" onSubmit={(e) => void submit(e)}>
              <div className="field field--inline">
                <label htmlFor="quantity">Quantity</label>
                <select id="quantity" value={quantity} onChange={(e) => setQuantity(Number(e.target.value))}>
                  {Array.from({ length: maxPick }, (_, i) => i + 1).map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="button button--primary button--large" disabled={busy}>
                {busy ? 'Adding…' : 'Add to cart'}
              </button>
            </form>
          ) : (
            <p className="muted">{product.inStock && inCart > 0 ? 'You have all we have in stock in your cart.' : 'This product cannot be ordered right now.'}</p>
          )}
          {added !== null && (
            <Notice kind="success">
              Added {added} to your cart. <Link to={ROUTES.cart}>View cart</Link>
            </Notice>
          )}
          {error && <Notice kind="error">{error}</Notice>}

          {attributes.length > 0 && (
            <dl className="attributes">
              {attributes.map(([k, v]) => (
                <div key={k}>
                  <dt>{k.replace(/_/g, ' ')}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
          <p className="muted small">SKU {product.sku}</p>
        </div>
      </div>
    </article>
  );
}
