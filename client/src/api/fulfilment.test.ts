import { describe, expect, it } from 'vitest';
import { toOrderDetail } from './fulfilment';
import { toOrder } from './mappers';

const wireOrder = {
  id: 12,
  status: 'shipped',
  items: [{ product_id: 1, sku: 'A-1', name: 'Apple', unit_price: { amount: 2500, currency: 'USD' }, quantity: 2, line_total: { amount: 5000, currency: 'USD' } }],
  subtotal: { amount: 5000, currency: 'USD' },
  shipping: { amount: 499, currency: 'USD' },
  total: { amount: 5499, currency: 'USD' },
  payment: { brand: 'visa', last4: '4242', status: 'succeeded' },
  shipment: { carrier: 'ups', tracking_number: '1Z999AA10123456784', shipped_at: '2026-11-30T10:00:00Z' },
};

describe('fulfilment mapping', () => {
  it('maps the shipment and card brand of an order', () => {
    const o = toOrder(wireOrder);
    expect(o.payment).toEqual({ brand: 'visa', last4: '4242', status: 'succeeded' });
    expect(o.shipment).toEqual({ carrier: 'ups', trackingNumber: '1Z999AA10123456784', shippedAt: '2026-11-30T10:00:00Z' });
    expect(toOrder({ ...wireOrder, shipment: null }).shipment).toBeUndefined();
  });

  it('maps the admin detail: charge, refund and history', () => {
    const d = toOrderDetail({
      ...wireOrder,
      charge: { reference: 'ch_1', amount: { amount: 5499, currency: 'USD' }, brand: 'visa', last4: '4242', at: '2026-11-30T09:00:00Z' },
      history: [
        { kind: 'placed', actor: { id: 3, role: 'customer', email: 'c@example.com' }, at: '2026-11-30T09:00:00Z' },
        { kind: 'shipped', actor: { id: 1, role: 'admin', email: 'a@example.com' }, at: '2026-11-30T10:00:00Z' },
        { kind: 'cancelled', actor: { role: 'system' }, at: '2026-11-30T11:00:00Z' },
      ],
    });
    expect(d.charge).toEqual({ reference: 'ch_1', amount: { minor: 5499, currency: 'USD' }, brand: 'visa', last4: '4242', at: '2026-11-30T09:00:00Z' });
    expect(d.refund).toBeNull();
    expect(d.history.map((e) => [e.kind, e.actor.role, e.actor.id, e.actor.email])).toEqual([
      ['placed', 'customer', 3, 'c@example.com'],
      ['shipped', 'admin', 1, 'a@example.com'],
      ['cancelled', 'system', null, ''],
    ]);
  });
});
