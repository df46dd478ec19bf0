import { useState, type FormEvent } from 'react';
import * as api from '../api';
import type { Order } from '../api/types';
import { formatDate } from '../account/format';
import { OrderStatusBadge } from '../account/OrderSummary';
import { AddressBlock } from '../ui/AddressBlock';
import { ORDER_STATUSES, ORDER_TRANSITIONS, type OrderStatus } from '../constants';
import { ROUTES } from '../routes';
import { Link, useSearchParams } from '../lib/router';
import { useResource } from '../lib/useResource';
import { SelectField } from '../ui/Field';
import { Pagination } from '../ui/Pagination';
import { Price } from '../ui/Price';
import { EmptyState, ErrorState, Loading } from '../ui/Status';
import { AdminShell } from './AdminShell';

export function AdminOrdersPage() {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status') ?? '';
  const status = (ORDER_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as OrderStatus) : '';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const orders = useResource((s) => api.adminListOrders(status, page, s), `${status}|${page}`);

  const href = (n: number) => {
    const p = new URLSearchParams();
    if (status) p.set('status', status);
    if (n > 1) p.set('page', String(n));
    const s = p.toString();
    return s ? `${ROUTES.adminOrders}?${s}` : ROUTES.adminOrders;
  };

  return (
    <AdminShell title="Orders">
      <div className="toolbar">
        <SelectField
          label="Status"
          className="field--inline"
          value={status}
          onChange={(e) => {
            const p = new URLSearchParams();
            if (e.target.value) p.set('status', e.target.value);
            setParams(p, { keepScroll: true });
          }}
        >
          <option value="">All</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
      </div>
      {orders.status === 'loading' && <Loading label="Loading orders…" />}
      {orders.status === 'error' && <ErrorState error={orders.error} onRetry={orders.reload} />}
      {orders.status === 'ok' && orders.data.items.length === 0 && <EmptyState title="No orders" />}
      {orders.status === 'ok' && orders.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Ship to</th>
                  <th scope="col">Placed</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {orders.data.items.map((o) => (
                  <AdminOrderRow key={o.id} order={o} onChanged={orders.reload} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageCount={orders.data.pageCount} href={href} />
        </>
      )}
    </AdminShell>
  );
}

function AdminOrderRow({ order, onChanged }: { order: Order; onChanged: () => void }) {
  // Shipping (carrier, tracking number) and cancelling (a confirmed refund)
  // happen on the order's own page.
  const moves = ORDER_TRANSITIONS[order.status].filter((m) => m !== 'shipped' && m !== 'cancelled');
  const [next, setNext] = useState<OrderStatus | ''>(moves[0] ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (!next) return;
    setBusy(true);
    setError('');
    try {
      await api.adminSetOrderStatus(order.id, next);
      onChanged();
    } catch (err) {
      setError(api.describeError(err));
      setBusy(false);
    }
  };
  return (
    <tr>
      <td>
        <Link to={ROUTES.adminOrder({ id: order.id })}>#{order.id}</Link>
      </td>
      <td>{order.customer ? `${order.customer.name} (${order.customer.email})` : '—'}</td>
      <td>
        <AddressBlock address={order.shippingAddress} className="small" />
      </td>
      <td>{formatDate(order.createdAt)}</td>
      <td className="num">
        <Price money={order.total} />
      </td>
      <td>
        <OrderStatusBadge status={order.status} />
        {moves.length > 0 && (
          <form className="inline-form" onSubmit={(e) => void apply(e)}>
            <label htmlFor={`order-${order.id}-status`} className="visually-hidden">
              New status of order {order.id}
            </label>
            <select id={`order-${order.id}-status`} value={next} onChange={(e) => setNext(e.target.value as OrderStatus)}>
              {moves.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--secondary button--small" disabled={busy}>
              Update<span className="visually-hidden"> order {order.id}</span>
            </button>
          </form>
        )}
        {error && (
          <span className="field__error" role="alert">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}
