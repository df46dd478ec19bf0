// Wire JSON -> the app's types, and back for request bodies.
import { ORDER_STATUSES, type OrderStatus } from '../constants';
import { toMoney } from './money';
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

// Text from a wire field: numbers and booleans print as themselves; anything
// else that is not text (null, an object) is empty, never "[object Object]".
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

export function toPage<W, T>(wire: WireList<W>, map: (w: W) => T, fallbackPerPage: number): Page<T> {
  const items = (wire.items ?? []).map(map);
  const perPage = wire.per_page && wire.per_page > 0 ? wire.per_page : fallbackPerPage;
  const total = typeof wire.total === 'number' ? wire.total : items.length;
  return {
    items,
    page: wire.page && wire.page > 0 ? wire.page : 1,
    perPage,
    total,
    pageCount: Math.max(1, Math.ceil(total / perPage)),
  };
}

export function toCategory(w: WireCategory): Category {
  return {
    id: w.id,
    slug: w.slug,
    name: w.name,
    description: str(w.description),
    productCount: w.product_count ?? 0,
  };
}

export function toProduct(w: WireProduct): Product {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(w.attributes ?? {})) attributes[k] = str(v);
  const stock = w.stock ?? 0;
  return {
    id: w.id,
    sku: w.sku,
    slug: w.slug,
    name: w.name,
    description: str(w.description),
    price: toMoney(w.price),
    images: (w.images ?? []).filter((s) => typeof s === 'string' && s !== ''),
    category: w.category ?? { slug: '', name: '' },
    attributes,
    stock,
    inStock: w.in_stock ?? stock > 0,
    active: w.active ?? true,
    featured: w.featured ?? false,
    createdAt: str(w.created_at),
    updatedAt: str(w.updated_at),
  };
}

export function toUser(w: WireUser): User {
  const user: User = {
    id: w.id,
    email: w.email,
    name: str(w.name),
    role: w.role === 'admin' ? 'admin' : 'customer',
    createdAt: str(w.created_at),
  };
  if (typeof w.order_count === 'number') user.orderCount = w.order_count;
  return user;
}

export function toAddress(w: WireAddress | null | undefined): Address {
  return {
    name: str(w?.name),
    line1: str(w?.line1),
    line2: str(w?.line2),
    city: str(w?.city),
    region: str(w?.region),
    postalCode: str(w?.postal_code),
    country: str(w?.country),
    phone: str(w?.phone),
  };
}

export function toSavedAddress(w: WireAddress): SavedAddress {
  return { id: w.id ?? 0, ...toAddress(w) };
}

export function fromAddress(a: Address): Omit<WireAddress, 'id'> {
  return {
    name: a.name.trim(),
    line1: a.line1.trim(),
    line2: a.line2.trim(),
    city: a.city.trim(),
    region: a.region.trim(),
    postal_code: a.postalCode.trim(),
    country: a.country.trim().toUpperCase(),
    phone: a.phone.trim(),
  };
}

export function toCart(w: WireCart): Cart {
  const lines = (w.items ?? []).map((i) => ({
    productId: i.product_id,
    sku: i.sku,
    slug: i.slug,
    name: i.name,
    image: i.image ? i.image : null,
    unitPrice: toMoney(i.unit_price),
    quantity: i.quantity,
    lineTotal: toMoney(i.line_total),
    stock: i.stock ?? 0,
    available: i.available ?? true,
    availableQuantity: i.available_quantity ?? ((i.available ?? true) ? Math.min(i.stock ?? 0, 99) : 0),
  }));
  const currency = lines[0]?.unitPrice.currency;
  const subtotal = w.subtotal ? toMoney(w.subtotal) : { ...toMoney(null), ...(currency ? { currency } : {}) };
  return {
    lines,
    itemCount: w.item_count ?? lines.reduce((n, l) => n + l.quantity, 0),
    subtotal,
  };
}

export function toShippingMethod(w: WireShippingMethod): ShippingMethod {
  return { code: w.code, name: w.name, price: toMoney(w.price), estimatedDays: w.estimated_days ?? 0 };
}

function toOrderStatus(s: string): OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(s) ? (s as OrderStatus) : 'pending';
}

export function toOrder(w: WireOrder): Order {
  const order: Order = {
    id: w.id,
    status: toOrderStatus(w.status),
    lines: (w.items ?? []).map((i) => ({
      productId: i.product_id,
      sku: i.sku,
      name: i.name,
      unitPrice: toMoney(i.unit_price),
      quantity: i.quantity,
      lineTotal: toMoney(i.line_total),
    })),
    subtotal: toMoney(w.subtotal),
    shipping: toMoney(w.shipping),
    total: toMoney(w.total),
    shippingAddress: toAddress(w.shipping_address),
    shippingMethod: str(w.shipping_method),
    payment: { brand: str(w.payment?.brand), last4: str(w.payment?.last4), status: str(w.payment?.status) },
    createdAt: str(w.created_at),
    updatedAt: str(w.updated_at),
    email: str(w.email),
  };
  if (w.access_token) order.accessToken = w.access_token;
  if (w.customer) order.customer = { id: w.customer.id, email: w.customer.email, name: str(w.customer.name) };
  if (w.shipment) {
    order.shipment = { carrier: w.shipment.carrier, trackingNumber: w.shipment.tracking_number, shippedAt: w.shipment.shipped_at };
  }
  return order;
}

export function fromPlaceOrder(input: PlaceOrderInput) {
  return {
    shipping_address: fromAddress(input.shippingAddress),
    shipping_method: input.shippingMethod,
    payment: {
      card_number: input.payment.cardNumber.replace(/[\s-]/g, ''),
      exp_month: input.payment.expMonth,
      exp_year: input.payment.expYear,
      cvc: input.payment.cvc.trim(),
    },
    ...(input.email !== undefined ? { email: input.email.trim() } : {}),
    ...(input.expectedTotal !== undefined ? { expected_total: input.expectedTotal } : {}),
  };
}

/** Body of POST/PATCH /admin/products. Only the keys present in `input` are sent. */
export function fromProductInput(input: Partial<ProductInput>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.sku !== undefined) body.sku = input.sku.trim();
  if (input.name !== undefined) body.name = input.name.trim();
  if (input.slug !== undefined && input.slug.trim() !== '') body.slug = input.slug.trim();
  if (input.description !== undefined) body.description = input.description;
  if (input.priceMinor !== undefined) body.price = input.priceMinor;
  if (input.categorySlug !== undefined) body.category_slug = input.categorySlug;
  if (input.images !== undefined) body.images = input.images;
  if (input.attributes !== undefined) body.attributes = input.attributes;
  if (input.stock !== undefined) body.stock = input.stock;
  if (input.active !== undefined) body.active = input.active;
  if (input.featured !== undefined) body.featured = input.featured;
  return body;
}
