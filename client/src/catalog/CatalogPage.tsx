import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { toMajorString } from '../api/money';
import { SORT_LABELS, SORTS, type Sort } from '../constants';
import { summary, useDescription } from '../lib/head';
import { Link, navigate, useSearchParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { TextField, SelectField } from '../ui/Field';
import { Pagination } from '../ui/Pagination';
import { ProductGrid } from '../ui/ProductCard';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { FiltersDrawer, NARROW_QUERY, useMediaQuery } from './FiltersDrawer';
import { catalogHref, filtersFromSearch, filtersToSearch, toProductQuery, withFilter, type CatalogFilters } from './filters';
import { parseMajor } from '../api/money';

export function CatalogPage() {
  const [params] = useSearchParams();
  const filters = filtersFromSearch(params);
  const queryKey = filtersToSearch(filters).toString();
  const categories = useResource((s) => api.listCategories(s), 'categories');
  const products = useResource((s) => api.listProducts(toProductQuery(filters), s), queryKey);

  const category = categories.data?.find((c) => c.slug === filters.category);
  const title = filters.category ? (category?.name ?? 'Products') : 'All products';
  useDocumentTitle(filters.page > 1 ? `${title}, page ${filters.page}` : title);
  useDescription(category?.description ? summary(category.description) : null);

  const go = (f: CatalogFilters) => navigate(catalogHref(f), { keepScroll: true });
  const narrow = useMediaQuery(NARROW_QUERY);
  const activeFilters = (filters.category ? 1 : 0) + (filters.minPrice !== null || filters.maxPrice !== null ? 1 : 0);

  const filterControls = (
    <>
      <nav aria-label="Categories">
        <h2 className="filters__title">Categories</h2>
        <ul className="filters__categories">
          <li>
            <Link to={catalogHref({ ...filters, category: '', page: 1 })} aria-current={!filters.category ? 'page' : undefined}>
              All products
            </Link>
          </li>
          {categories.status === 'ok' &&
            categories.data.map((c) => (
              <li key={c.slug}>
                <Link to={catalogHref({ ...filters, category: c.slug, page: 1 })} aria-current={filters.category === c.slug ? 'page' : undefined}>
                  {c.name} <span className="muted">({c.productCount})</span>
                </Link>
              </li>
            ))}
        </ul>
        {categories.status === 'error' && <ErrorState error={categories.error} onRetry={categories.reload} title="Categories did not load" />}
      </nav>
      <PriceFilter filters={filters} onApply={go} />
    </>
  );

  return (
    <div className="catalog">
      <div className="page-header">
        <h1>{title}</h1>
        {category?.description && <p className="lede">{category.description}</p>}
      </div>

      <div className="catalog__layout">
        {!narrow && (
          <aside className="filters" aria-label="Filters">
            {filterControls}
          </aside>
        )}

        <section className="catalog__results" aria-labelledby="results-title">
          <div className="toolbar">
            <h2 id="results-title" className="toolbar__count" aria-live="polite">
              {products.status === 'ok' ? `${products.data.total} ${products.data.total === 1 ? 'product' : 'products'}` : 'Products'}
            </h2>
            {narrow && (
              <FiltersDrawer closeKey={queryKey} activeCount={activeFilters}>
                {filterControls}
              </FiltersDrawer>
            )}
            <SelectField
              label="Sort by"
              className="field--inline"
              value={filters.sort}
              onChange={(e) => go(withFilter(filters, { sort: e.target.value as Sort }))}
            >
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {SORT_LABELS[s]}
                </option>
              ))}
            </SelectField>
          </div>

          {products.status === 'loading' && <Loading label="Loading products…" />}
          {products.status === 'error' && <ErrorState error={products.error} onRetry={products.reload} />}
          {products.status === 'ok' &&
            (products.data.items.length === 0 && products.data.total > 0 ? (
              // A page past the end (an old link, /catalog?page=99999): the
              // products exist, this page of them does not.
              <EmptyState title={`There is no page ${filters.page}`}>
                <p>
                  These {products.data.total} products fit on {products.data.pageCount} {products.data.pageCount === 1 ? 'page' : 'pages'}.{' '}
                  <Link to={catalogHref({ ...filters, page: products.data.pageCount })}>Go to the last page</Link>
                </p>
              </EmptyState>
            ) : products.data.items.length === 0 ? (
              <EmptyState title="No products match these filters">
                <Link to={catalogHref({})}>Clear all filters</Link>
              </EmptyState>
            ) : (
              <>
                <ProductGrid products={products.data.items} eagerCount={3} label={`${title}, page ${filters.page}`} />
                <Pagination page={filters.page} pageCount={products.data.pageCount} href={(page) => catalogHref({ ...filters, page })} />
              </>
            ))}
        </section>
      </div>
    </div>
  );
}

function PriceFilter({ filters, onApply }: { filters: CatalogFilters; onApply: (f: CatalogFilters) => void }) {
  const fromFilters = () => ({
    min: filters.minPrice === null ? '' : toMajorString(filters.minPrice),
    max: filters.maxPrice === null ? '' : toMajorString(filters.maxPrice),
  });
  const [form, setForm] = useState(fromFilters);
  const [error, setError] = useState('');
  // The URL is the source of truth: follow it when it changes (Back, links),
  // in this render rather than an effect after it, so the old prices never
  // show with the new results (react.dev, "You might not need an effect").
  const urlPrices = `${filters.minPrice}|${filters.maxPrice}`;
  const [formPrices, setFormPrices] = useState(urlPrices);
  if (formPrices !== urlPrices) {
    setFormPrices(urlPrices);
    setForm(fromFilters());
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const min = form.min.trim() === '' ? null : parseMajor(form.min);
    const max = form.max.trim() === '' ? null : parseMajor(form.max);
    if ((form.min.trim() !== '' && min === null) || (form.max.trim() !== '' && max === null)) {
      setError('Enter prices as numbers, like 20 or 19.99.');
      return;
    }
    if (min !== null && max !== null && min > max) {
      setError('The lowest price must not be above the highest.');
      return;
    }
    setError('');
    onApply(withFilter(filters, { minPrice: min, maxPrice: max }));
  };

  return (
    <form className="price-filter" onSubmit={submit} aria-labelledby="price-filter-title" noValidate>
      <h2 id="price-filter-title" className="filters__title">
        Price
      </h2>
      <div className="price-filter__row">
        <TextField label="Min price" inputMode="decimal" value={form.min} onChange={(e) => setForm({ ...form, min: e.target.value })} />
        <TextField label="Max price" inputMode="decimal" value={form.max} onChange={(e) => setForm({ ...form, max: e.target.value })} />
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      <div className="price-filter__actions">
        <button type="submit" className="button button--secondary">
          Apply
        </button>
        {(filters.minPrice !== null || filters.maxPrice !== null) && (
          <Link to={catalogHref({ ...filters, minPrice: null, maxPrice: null, page: 1 })}>Clear price</Link>
        )}
      </div>
    </form>
  );
}
