// The JSON shapes of docs/api.md, exactly as the server sends them.
// Only the API module imports this file.

export interface WireMoney {
  amount: number;
  currency: string;
}

export interface WireList<T> {
  items: T[];
  page?: number;
  per_page?: number;
  total?: number;
}

export interface WireCategory {
  id: number;
  slug: string;
  name: string;
  description?: string | null;
  product_count?: number;
}

export interface WireProduct {
  id: number;
  sku: string;
  slug: string;
  name: string;
  description?: string | null;
  price: WireMoney;
  images?: string[] | null;
  category?: { slug: string; name: string } | null;
  attributes?: Record<string, unknown> | null;
  stock?: number;
  in_stock?: boolean;
  active?: boolean;
  featured?: boolean;
  created_at?: string;
  updated_at?: string;
}

export interface WireUser {
  id: number;
  email: string;
  name?: string | null;
  role?: string;
  created_at?: string;
  order_count?: number;
}

export interface WireAddress {
  id?: number;
  name?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postal_code?: string | null;
  country?: string | null;
  phone?: string | null;
}

export interface WireCartItem {
  product_id: number;
  sku: string;
  slug: string;
  name: string;
  image?: string | null;
  unit_price: WireMoney;
  quantity: number;
  line_total: WireMoney;
  stock?: number;
  available?: boolean;
  available_quantity?: number;
}

export interface WireCart {
  items?: WireCartItem[] | null;
  item_count?: number;
  subtotal?: WireMoney | null;
}

export interface WireShippingMethod {
  code: string;
  name: string;
  price: WireMoney;
  estimated_days?: number;
}

export interface WireOrderItem {
  product_id: number;
  sku: string;
  name: string;
  unit_price: WireMoney;
  quantity: number;
  line_total: WireMoney;
}

export interface WireShipment {
  carrier: string;
  tracking_number: string;
  shipped_at: string;
}

export interface WireOrder {
  id: number;
  status: string;
  items?: WireOrderItem[] | null;
  subtotal: WireMoney;
  shipping: WireMoney;
  total: WireMoney;
  shipping_address?: WireAddress | null;
  shipping_method?: string;
  payment?: { brand?: string; last4?: string; status?: string } | null;
  shipment?: WireShipment | null;
  created_at?: string;
  updated_at?: string;
  customer?: { id: number; email: string; name?: string | null } | null;
  email?: string;
  access_token?: string;
}

export interface WireError {
  error?: {
    code?: string;
    message?: string;
    fields?: Record<string, string> | null;
    /** The cart as it now is, on POST /orders' cart_changed and insufficient_stock. */
    cart?: WireCart | null;
  };
}
