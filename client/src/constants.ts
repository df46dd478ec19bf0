// Every name and number the client shares with the API contract
// (docs/api.md) or uses in more than one place lives here.
// The client's routes, and the links built from them, are the route table in routes.ts.
import { ORDER_STATUSES, ORDER_TRANSITIONS, SORTS, TEST_CARDS } from './api/enums';

/** Base path of the JSON API (docs/api.md: all routes under /api/v1). */
export const API_BASE = '/api/v1';

/** Default and maximum page sizes of list endpoints. */
export const CATALOG_PAGE_SIZE = 12;
export const ADMIN_PAGE_SIZE = 20;
export const ORDERS_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** How long the search box waits after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 300;

/** Most items a customer can pick at once on a product page. */
export const MAX_QUANTITY_PICK = 10;

/** Shown when stock is low ("Only 3 left"). */
export const LOW_STOCK_THRESHOLD = 5;

/** Fallback when the browser does not expose a locale. */
export const DEFAULT_LOCALE = 'en-US';

/**
 * The shop's currency if a response ever lacks one (docs/api.md: USD by default).
 * A copy of DefaultCurrency in server/domain/money.go; server/domain/client_test.go
 * checks that the two agree.
 */
export const DEFAULT_CURRENCY = 'USD';

export const SHOP_NAME = 'shopstack';

// The sorts, order statuses with their moves and the test cards are the
// server's, generated into api/enums.ts (a Go test fails when it is stale).
export { ORDER_STATUSES, ORDER_TRANSITIONS, SORTS, TEST_CARDS };
export type Sort = (typeof SORTS)[number];
export const SORT_LABELS: Record<Sort, string> = {
  featured: 'Featured',
  name: 'Name',
  price_asc: 'Price: low to high',
  price_desc: 'Price: high to low',
  newest: 'Newest',
};

export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * sessionStorage keys of checkout: the typed form (never the card: number,
 * expiry and security code are left out) until the order is placed, and a
 * guest's order link token per order id for its confirmation page.
 */
export const CHECKOUT_FORM_STORAGE_KEY = 'shop.checkout.form';
export const GUEST_ORDER_STORAGE_KEY = (orderId: number) => `shop.guest-order.${orderId}`;
/** Shipping carriers of PATCH /admin/orders/{id} (server/domain/fulfilment.go Carriers). */
export const CARRIERS = [
  { code: 'ups', name: 'UPS' },
  { code: 'usps', name: 'USPS' },
  { code: 'fedex', name: 'FedEx' },
  { code: 'dhl', name: 'DHL' },
  { code: 'royal-mail', name: 'Royal Mail' },
  { code: 'other', name: 'Other' },
] as const;

/** Longest tracking number the server accepts (domain.MaxTrackingNumber). */
export const MAX_TRACKING_NUMBER = 40;
