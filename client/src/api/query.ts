// Query strings for list endpoints. Defaults and empty values are left out
// so that URLs stay short and cacheable.
import { CATALOG_PAGE_SIZE, type OrderStatus, type Sort } from '../constants';

export interface ProductQuery {
  category?: string | undefined;
  minPrice?: number | undefined; // minor units
  maxPrice?: number | undefined; // minor units
  sort?: Sort | undefined;
  page?: number | undefined;
  perPage?: number | undefined;
}

type QueryValue = string | number | boolean | null | undefined;

/** "?a=1&b=x" from a record, skipping undefined, null and empty strings; "" when nothing is left. */
export function buildQuery(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const positiveInt = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined);
const nonNegativeInt = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined);

export function productListQuery(q: ProductQuery): string {
  const page = positiveInt(q.page);
  return buildQuery({
    category: q.category,
    min_price: nonNegativeInt(q.minPrice),
    max_price: nonNegativeInt(q.maxPrice),
    sort: q.sort && q.sort !== 'featured' ? q.sort : undefined,
    page: page && page > 1 ? page : undefined,
    per_page: positiveInt(q.perPage) ?? CATALOG_PAGE_SIZE,
  });
}

export function searchQuery(text: string, page = 1, perPage = CATALOG_PAGE_SIZE): string {
  return buildQuery({ q: text.trim(), page: page > 1 ? page : undefined, per_page: perPage });
}

export function adminProductsQuery(text: string, page: number, perPage: number): string {
  return buildQuery({ q: text.trim(), page: page > 1 ? page : undefined, per_page: perPage });
}

export function adminOrdersQuery(status: OrderStatus | '' | undefined, page: number, perPage: number): string {
  return buildQuery({ status, page: page > 1 ? page : undefined, per_page: perPage });
}
