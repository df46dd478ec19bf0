import * as api from '../api';
import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { ProductGrid } from '../ui/ProductCard';
import { EmptyState, ErrorState, Loading } from '../ui/Status';
import { catalogHref } from './filters';

export function HomePage() {
  useDocumentTitle('');
  const featured = useResource((s) => api.listProducts({ sort: 'featured', perPage: 8 }, s), 'featured');
  const categories = useResource((s) => api.listCategories(s), 'categories');

  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Good things, fairly priced.</h1>
        <p>Hand-picked goods for home, desk and the outdoors, shipped fast and priced fairly.</p>
        <Link to={ROUTES.catalog} className="button button--primary button--large">
          Shop all products
        </Link>
      </section>

      <section aria-labelledby="categories-title" className="section">
        <h2 id="categories-title">Shop by category</h2>
        {categories.status === 'loading' && <Loading label="Loading categories…" />}
        {categories.status === 'error' && <ErrorState error={categories.error} onRetry={categories.reload} />}
        {categories.status === 'ok' &&
          (categories.data.length === 0 ? (
            <EmptyState title="No categories yet" />
          ) : (
            <ul className="category-list">
              {categories.data.map((c) => (
                <li key={c.id}>
                  <Link to={catalogHref({ category: c.slug })} className="category-tile">
                    <span className="category-tile__name">{c.name}</span>
                    <span className="category-tile__count">{c.productCount} products</span>
                  </Link>
                </li>
              ))}
            </ul>
          ))}
      </section>

      <section aria-labelledby="featured-title" className="section">
        <h2 id="featured-title">Featured</h2>
        {featured.status === 'loading' && <Loading label="Loading featured products…" />}
        {featured.status === 'error' && <ErrorState error={featured.error} onRetry={featured.reload} />}
        {featured.status === 'ok' &&
          (featured.data.items.length === 0 ? (
            <EmptyState title="Nothing featured right now">
              <Link to={ROUTES.catalog}>Browse the catalog</Link>
            </EmptyState>
          ) : (
            <ProductGrid products={featured.data.items} eagerCount={4} label="Featured products" />
          ))}
      </section>
    </>
  );
}
