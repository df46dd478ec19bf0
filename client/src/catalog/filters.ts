// Catalog filters live in the URL (/catalog?category=mugs&min=10&max=50&sort=price_asc&page=2)
// so that every view can be shared, bookmarked and restored with Back.
// Prices in the URL are in major units, as a person reads them; the API
// gets minor units.
import { parseMajor, toMajorString } from '../api/money';
import type { ProductQuery } from '../api/query';
import { CATALOG_PAGE_SIZE, SORTS, type Sort } from '../constants';
import { ROUTES } from '../routes';

export interface CatalogFilters {
  category: string;
  minPrice: number | null; // minor units
  maxPrice: number | null; // minor units
  sort: Sort;
  page: number;
}

export const defaultFilters: CatalogFilters = { category: '', minPrice: null, maxPrice: null, sort: 'featured', page: 1 };

export function filtersFromSearch(params: URLSearchParams): CatalogFilters {
  const sort = params.get('sort') ?? '';
  const page = Number(params.get('page'));
  let minPrice = parseMajor(params.get('min') ?? '');
  let maxPrice = parseMajor(params.get('max') ?? '');
  if (minPrice !== null && maxPrice !== null && minPrice > maxPrice) [minPrice, maxPrice] = [maxPrice, minPrice];
  return {
    category: (params.get('category') ?? '').trim(),
    minPrice,
    maxPrice,
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : 'featured',
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}

export function filtersToSearch(f: CatalogFilters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.category) p.set('category', f.category);
  if (f.minPrice !== null) p.set('min', toMajorString(f.minPrice));
  if (f.maxPrice !== null) p.set('max', toMajorString(f.maxPrice));
  if (f.sort !== 'featured') p.set('sort', f.sort);
  if (f.page > 1) p.set('page', String(f.page));
  return p;
}

export function catalogHref(f: Partial<CatalogFilters>): string {
  const s = filtersToSearch({ ...defaultFilters, ...f }).toString();
  return s ? `${ROUTES.catalog}?${s}` : ROUTES.catalog;
}

/** Changing any filter but the page goes back to page 1. */
export function withFilter(f: CatalogFilters, change: Partial<Omit<CatalogFilters, 'page'>>): CatalogFilters {
  return { ...f, ...change, page: 1 };
}

export function toProductQuery(f: CatalogFilters): ProductQuery {
  return {
    category: f.category || undefined,
    minPrice: f.minPrice ?? undefined,
    maxPrice: f.maxPrice ?? undefined,
    sort: f.sort,
    page: f.page,
    perPage: CATALOG_PAGE_SIZE,
  };
}

export function searchHref(q: string, page = 1): string {
  const p = new URLSearchParams();
  if (q.trim()) p.set('q', q.trim());
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `${ROUTES.search}?${s}` : ROUTES.search;
}
