// Fulfilment: the admin's order detail, status changes with shipment and
// refund, and the customer list (docs/api.md, Admin).
import { ADMIN_PAGE_SIZE, CARRIERS, type OrderStatus } from '../constants';
import { request } from './http';
import { toMoney } from './money';
import { toOrder, toPage, toUser } from './mappers';
import { buildQuery } from './query';
import type { Money, Order, Page, User } from './types';
import type { WireList, WireMoney, WireOrder, WireUser } from './wire';

export type EventKind = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';

export interface OrderEvent {
  kind: EventKind;
  actor: { id: number | null; role: 'customer' | 'admin' | 'system'; email: string };
  at: string;
}

export interface PaymentRecord {
  reference: string;
  amount: Money;
  brand: string;
  last4: string;
  at: string;
}

export interface OrderDetail extends Order {
  charge: PaymentRecord | null;
  refund: PaymentRecord | null;
  history: OrderEvent[];
}

interface WirePaymentRecord {
  reference: string;
  amount: WireMoney;
  brand?: string;
  last4?: string;
  at: string;
}

interface WireOrderDetail extends WireOrder {
  charge?: WirePaymentRecord | null;
  refund?: WirePaymentRecord | null;
  history?: { kind: string; actor?: { id?: number | null; role?: string; email?: string } | null; at: string }[] | null;
}

function toPaymentRecord(w: WirePaymentRecord | null | undefined): PaymentRecord | null {
  if (!w) return null;
  return { reference: w.reference, amount: toMoney(w.amount), brand: w.brand ?? '', last4: w.last4 ?? '', at: w.at };
}

export function toOrderDetail(w: WireOrderDetail): OrderDetail {
  return {
    ...toOrder(w),
    charge: toPaymentRecord(w.charge),
    refund: toPaymentRecord(w.refund),
    history: (w.history ?? []).map((e) => ({
      kind: e.kind as EventKind,
      actor: {
        id: e.actor?.id ?? null,
        role: e.actor?.role === 'admin' || e.actor?.role === 'system' ? e.actor.role : 'customer',
        email: e.actor?.email ?? '',
      },
      at: e.at,
    })),
  };
}

type Signal = AbortSignal | undefined;

export async function adminGetOrder(id: number, signal?: Signal): Promise<OrderDetail> {
  return toOrderDetail(await request<WireOrderDetail>('GET', `/admin/orders/${id}`, { signal }));
}

/** Moves an order along; shipped needs a carrier and tracking number. */
export async function adminUpdateOrder(
  id: number,
  status: OrderStatus,
  shipment?: { carrier: (typeof CARRIERS)[number]['code']; trackingNumber: string },
): Promise<Order> {
  const body: Record<string, string> = { status };
  if (shipment) {
    body.carrier = shipment.carrier;
    body.tracking_number = shipment.trackingNumber;
  }
  return toOrder(await request<WireOrder>('PATCH', `/admin/orders/${id}`, { body }));
}

export async function adminListCustomers(text: string, page: number, signal?: Signal): Promise<Page<User>> {
  const q = buildQuery({ q: text.trim() || undefined, page: page > 1 ? page : undefined, per_page: ADMIN_PAGE_SIZE });
  const w = await request<WireList<WireUser>>('GET', `/admin/customers${q}`, { signal });
  return toPage(w, toUser, ADMIN_PAGE_SIZE);
}
