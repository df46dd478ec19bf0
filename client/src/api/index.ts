// The typed API of docs/api.md. Components import from here and get the
// app's own types back; errors are always ApiError.
import { ADMIN_PAGE_SIZE, CATALOG_PAGE_SIZE, MAX_PAGE_SIZE, ORDERS_PAGE_SIZE, type OrderStatus } from '../constants';
import { ApiError } from './errors';
import { request } from './http';
import {
  fromAddress,
  fromPlaceOrder,
  fromProductInput,
  toCart,
  toCategory,
  toOrder,
  toPage,
  toProduct,
  toSavedAddress,
  toShippingMethod,
  toUser,
} from './mappers';
import { adminOrdersQuery, adminProductsQuery, buildQuery, productListQuery, searchQuery, type ProductQuery } from './query';
import type {
  Address,
  Cart,
  Category,
  Order,
  Page,
  PlaceOrderInput,
  Product,
  ProductInput,
  SavedAddress,
  ShippingMethod,
  User,
} from './types';
import type {
  WireAddress,
  WireCart,
  WireCategory,
  WireList,
  WireOrder,
  WireProduct,
  WireShippingMethod,
  WireUser,
} from './wire';

export { ApiError, describeError } from './errors';
export { setFetch } from './http';
export { changePassword, confirmPasswordReset, requestPasswordReset } from './recovery';
export type { ErrorCode } from './errors';
export { formatMoney, parseMajor, toMajorString } from './money';
export type * from './types';
export type { ProductQuery } from './query';
export * from './fulfilment';

type Signal = AbortSignal | undefined;
const seg = encodeURIComponent;

// Catalog
export async function listCategories(signal?: Signal): Promise<Category[]> {
  const w = await request<WireList<WireCategory>>('GET', '/categories', { signal });
  return (w.items ?? []).map(toCategory);
}

export async function listProducts(q: ProductQuery, signal?: Signal): Promise<Page<Product>> {
  const w = await request<WireList<WireProduct>>('GET', `/products${productListQuery(q)}`, { signal });
  return toPage(w, toProduct, q.perPage ?? CATALOG_PAGE_SIZE);
}

export async function getProduct(slug: string, signal?: Signal): Promise<Product> {
  return toProduct(await request<WireProduct>('GET', `/products/${seg(slug)}`, { signal }));
}

export async function searchProducts(text: string, page = 1, signal?: Signal): Promise<Page<Product>> {
  const w = await request<WireList<WireProduct>>('GET', `/search${searchQuery(text, page)}`, { signal });
  return toPage(w, toProduct, CATALOG_PAGE_SIZE);
}

// Accounts
interface WireUserEnvelope {
  user: WireUser;
}

/** orderToken (a guest's signed order link token) attaches that order to the new account. */
export async function register(email: string, password: string, name: string, orderToken?: string): Promise<User> {
  const body = { email: email.trim(), password, name: name.trim(), ...(orderToken ? { order_token: orderToken } : {}) };
  const w = await request<WireUserEnvelope>('POST', '/auth/register', { body });
  return toUser(w.user);
}

export async function login(email: string, password: string): Promise<User> {
  const w = await request<WireUserEnvelope>('POST', '/auth/login', { body: { email: email.trim(), password } });
  return toUser(w.user);
}

export async function logout(): Promise<void> {
  await request<void>('POST', '/auth/logout');
}

/** The logged-in user, or null for a guest (docs/api.md: 200 {"user": null}). */
export async function currentUser(signal?: Signal): Promise<User | null> {
  const w = await request<{ user: WireUserEnvelope['user'] | null }>('GET', '/auth/me', { signal });
  return w.user ? toUser(w.user) : null;
}

export async function updateAccount(name: string): Promise<User> {
  return toUser((await request<WireUserEnvelope>('PATCH', '/account', { body: { name: name.trim() } })).user);
}

export async function listAddresses(signal?: Signal): Promise<SavedAddress[]> {
  const w = await request<WireList<WireAddress>>('GET', '/account/addresses', { signal });
  return (w.items ?? []).map(toSavedAddress);
}

export async function saveAddress(address: Address): Promise<SavedAddress> {
  return toSavedAddress(await request<WireAddress>('POST', '/account/addresses', { body: fromAddress(address) }));
}

/** Replaces a saved address (PUT: every field is sent). */
export async function updateAddress(id: number, address: Address): Promise<SavedAddress> {
  return toSavedAddress(await request<WireAddress>('PUT', `/account/addresses/${id}`, { body: fromAddress(address) }));
}

export async function deleteAddress(id: number): Promise<void> {
  await request<void>('DELETE', `/account/addresses/${id}`);
}

// Cart
export async function getCart(signal?: Signal): Promise<Cart> {
  return toCart(await request<WireCart>('GET', '/cart', { signal }));
}

export async function addToCart(productId: number, quantity: number): Promise<Cart> {
  return toCart(await request<WireCart>('POST', '/cart/items', { body: { product_id: productId, quantity } }));
}

export async function setCartQuantity(productId: number, quantity: number): Promise<Cart> {
  return toCart(await request<WireCart>('PATCH', `/cart/items/${productId}`, { body: { quantity } }));
}

export async function removeFromCart(productId: number): Promise<Cart> {
  return toCart(await request<WireCart>('DELETE', `/cart/items/${productId}`));
}

// Checkout and orders
export async function listShippingMethods(signal?: Signal): Promise<ShippingMethod[]> {
  const w = await request<WireList<WireShippingMethod>>('GET', '/shipping-methods', { signal });
  return (w.items ?? []).map(toShippingMethod);
}

/** POST /orders requires the total the customer was shown (issue 12), hence `expectedTotal` is not optional here. */
export async function placeOrder(input: PlaceOrderInput & { expectedTotal: number }, idempotencyKey: string): Promise<Order> {
  const w = await request<WireOrder>('POST', '/orders', {
    body: fromPlaceOrder(input),
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  return toOrder(w);
}

export async function listOrders(page = 1, signal?: Signal): Promise<Page<Order>> {
  const w = await request<WireList<WireOrder>>('GET', `/orders${buildQuery({ page: page > 1 ? page : undefined, per_page: ORDERS_PAGE_SIZE })}`, { signal });
  return toPage(w, toOrder, ORDERS_PAGE_SIZE);
}

export async function getOrder(id: number, signal?: Signal): Promise<Order> {
  return toOrder(await request<WireOrder>('GET', `/orders/${id}`, { signal }));
}

/** The order a signed order link names (no login): 404 invalid link, 403 expired. */
export async function getOrderByLink(token: string, signal?: Signal): Promise<Order> {
  return toOrder(await request<WireOrder>('GET', `/order-links/${encodeURIComponent(token)}`, { signal }));
}

export async function cancelOrder(id: number): Promise<Order> {
  return toOrder(await request<WireOrder>('POST', `/orders/${id}/cancel`));
}

// Admin
export async function adminListProducts(text: string, page: number, signal?: Signal): Promise<Page<Product>> {
  const w = await request<WireList<WireProduct>>('GET', `/admin/products${adminProductsQuery(text, page, ADMIN_PAGE_SIZE)}`, { signal });
  return toPage(w, toProduct, ADMIN_PAGE_SIZE);
}

/**
 * One product by id, inactive ones included. The contract has no
 * GET /admin/products/{id}, so this pages through the admin list.
 */
export async function adminFindProduct(id: number, signal?: Signal): Promise<Product> {
  for (let page = 1; page <= 50; page++) {
    const w = await request<WireList<WireProduct>>('GET', `/admin/products${adminProductsQuery('', page, MAX_PAGE_SIZE)}`, { signal });
    const hit = (w.items ?? []).find((p) => p.id === id);
    if (hit) return toProduct(hit);
    const items = w.items ?? [];
    if (items.length < MAX_PAGE_SIZE || (typeof w.total === 'number' && page * MAX_PAGE_SIZE >= w.total)) break;
  }
  throw new ApiError(404, 'not_found', 'No product with that id.');
}

export async function adminCreateProduct(input: ProductInput): Promise<Product> {
  return toProduct(await request<WireProduct>('POST', '/admin/products', { body: fromProductInput(input) }));
}

export async function adminUpdateProduct(id: number, input: Partial<ProductInput>): Promise<Product> {
  return toProduct(await request<WireProduct>('PATCH', `/admin/products/${id}`, { body: fromProductInput(input) }));
}

export async function adminDeactivateProduct(id: number): Promise<Product> {
  return toProduct(await request<WireProduct>('DELETE', `/admin/products/${id}`));
}

export async function adminSetStock(id: number, stock: number): Promise<Product> {
  return toProduct(await request<WireProduct>('POST', `/admin/products/${id}/stock`, { body: { stock } }));
}

export async function adminListOrders(status: OrderStatus | '', page: number, signal?: Signal): Promise<Page<Order>> {
  const w = await request<WireList<WireOrder>>('GET', `/admin/orders${adminOrdersQuery(status, page, ADMIN_PAGE_SIZE)}`, { signal });
  return toPage(w, toOrder, ADMIN_PAGE_SIZE);
}

export async function adminSetOrderStatus(id: number, status: OrderStatus): Promise<Order> {
  return toOrder(await request<WireOrder>('PATCH', `/admin/orders/${id}`, { body: { status } }));
}
