// The app's own types. The API module maps wire JSON (wire.ts) into these;
// components only ever see these.
import type { OrderStatus } from '../constants';

/** An amount of money in minor units (cents for USD). */
export interface Money {
  minor: number;
  currency: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  perPage: number;
  total: number;
  pageCount: number;
}

export interface Category {
  id: number;
  slug: string;
  name: string;
  description: string;
  productCount: number;
}

export interface Product {
  id: number;
  sku: string;
  slug: string;
  name: string;
  description: string;
  price: Money;
  images: string[];
  category: { slug: string; name: string };
  attributes: Record<string, string>;
  stock: number;
  inStock: boolean;
  active: boolean;
  featured: boolean;
  createdAt: string;
  updatedAt: string;
}

export type Role = 'customer' | 'admin';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  orderCount?: number;
}

export interface Address {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  phone: string;
}

export interface SavedAddress extends Address {
  id: number;
}

export interface CartLine {
  productId: number;
  sku: string;
  slug: string;
  name: string;
  image: string | null;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
  stock: number;
  /** False when the product was deactivated or is sold out. */
  available: boolean;
  /** How many units can be bought now (0 when unavailable); a line above it must be reduced. */
  availableQuantity: number;
}

export interface Cart {
  lines: CartLine[];
  itemCount: number;
  subtotal: Money;
}

export interface ShippingMethod {
  code: string;
  name: string;
  price: Money;
  estimatedDays: number;
}

export interface OrderLine {
  productId: number;
  sku: string;
  name: string;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
}

export interface Order {
  id: number;
  status: OrderStatus;
  lines: OrderLine[];
  subtotal: Money;
  shipping: Money;
  total: Money;
  shippingAddress: Address;
  shippingMethod: string;
  payment: { brand: string; last4: string; status: string };
  createdAt: string;
  updatedAt: string;
  customer?: { id: number; email: string; name: string };
  /** Where the order's mail goes (the account's or the guest's e-mail). */
  email: string;
  /** Only in a guest's checkout answer: the signed order link token. */
  accessToken?: string;
  /** Set once the order has shipped. */
  shipment?: Shipment;
}

export interface Shipment {
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
}

export interface PaymentCard {
  cardNumber: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface PlaceOrderInput {
  shippingAddress: Address;
  shippingMethod: string;
  payment: PaymentCard;
  /** A guest's contact e-mail (required without a session). */
  email?: string;
  /** The total (minor units) the customer was shown; POST /orders requires it and answers cart_changed when the cart now costs something else. */
  expectedTotal?: number;
}

/** What the admin product form sends. Price is in minor units. */
export interface ProductInput {
  sku: string;
  name: string;
  slug?: string;
  description: string;
  priceMinor: number;
  categorySlug: string;
  images?: string[];
  attributes?: Record<string, string>;
  stock: number;
  active?: boolean;
  featured?: boolean;
}
