import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { cancelConfirmLabel, cancelErrorMessage, cancelQuestion, cardName } from '../account/cancelCopy';
import { formatDate } from '../account/format';
import { OrderStatusBadge, OrderSummary } from '../account/OrderSummary';
import { CARRIERS, MAX_TRACKING_NUMBER, type OrderStatus } from '../constants';
import { ROUTES } from '../routes';
import { Link, useParams } from '../lib/router';
import { useResource } from '../lib/useResource';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { SelectField, TextField } from '../ui/Field';
import { Price } from '../ui/Price';
import { ErrorState, Loading, Notice } from '../ui/Status';
import { AdminShell } from './AdminShell';

const EVENT_LABELS: Record<api.EventKind, string> = {
  placed: 'Placed',
  paid: 'Paid',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

function actorLabel(a: api.OrderEvent['actor']): string {
  if (a.role === 'system') return 'recorded before order history existed';
  const who = a.email || (a.id !== null ? `user #${a.id}` : 'a guest');
  return a.role === 'admin' ? `admin ${who}` : `customer ${who}`;
}

/** Our own words for a failed status change. */
function moveErrorMessage(err: unknown): string {
  if (err instanceof api.ApiError) {
    if (err.code === 'conflict') return 'The order has moved on since this page loaded. Reload to see its status.';
    if (err.code === 'invalid') return 'Choose a carrier and enter a tracking number of 4 to 40 letters and digits.';
  }
  return 'The order could not be updated. Please try again.';
}

export function AdminOrderPage() {
  const { id = '' } = useParams();
  const orderId = Number(id);
  const detail = useResource((s) => api.adminGetOrder(orderId, s), id);
  // While a change reloads the order, keep showing the last answer (and
  // the notice about the change) instead of a spinner.
  const [last, setLast] = useState<api.OrderDetail | null>(null);
  const shown = detail.status === 'ok' ? detail.data : detail.status === 'error' || last?.id !== orderId ? null : last;
  if (shown !== last) setLast(shown);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  return (
    <AdminShell title={`Order #${id}`}>
      <p className="breadcrumb">
        <Link to={ROUTES.adminOrders}>← All orders</Link>
      </p>
      {error && <Notice kind="error">{error}</Notice>}
      {done && <Notice kind="success">{done}</Notice>}
      {detail.status === 'loading' && !shown && <Loading label="Loading order…" />}
      {detail.status === 'error' && <ErrorState error={detail.error} onRetry={detail.reload} />}
      {shown && <AdminOrderDetail order={shown} onChanged={detail.reload} setError={setError} setDone={setDone} />}
    </AdminShell>
  );
}

function AdminOrderDetail({
  order,
  onChanged,
  setError,
  setDone,
}: {
  order: api.OrderDetail;
  onChanged: () => void;
  setError: (s: string) => void;
  setDone: (s: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const move = async (status: OrderStatus, shipment?: Parameters<typeof api.adminUpdateOrder>[2]) => {
    setBusy(true);
    setError('');
    setDone('');
    try {
      await api.adminUpdateOrder(order.id, status, shipment);
      setDone(
        status === 'cancelled' && order.payment.status === 'succeeded'
          ? `Order #${order.id} is cancelled and ${api.formatMoney(order.total)} was refunded to ${cardName(order.payment)}.`
          : `Order #${order.id} is now ${status}.`,
      );
      onChanged();
    } catch (err) {
      setError(status === 'cancelled' ? cancelErrorMessage(err) : moveErrorMessage(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const canCancel = order.status === 'pending' || order.status === 'paid';
  return (
    <>
      <section className="card admin-panel" aria-labelledby="order-actions">
        <h2 id="order-actions">Fulfilment</h2>
        <p>
          Status: <OrderStatusBadge status={order.status} />
        </p>
        {order.status === 'paid' && <ShipForm busy={busy} onShip={(s) => void move('shipped', s)} />}
        <div className="actions">
          {order.status === 'pending' && (
            <button type="button" className="button button--secondary" disabled={busy} onClick={() => void move('paid')}>
              Mark paid
            </button>
          )}
          {order.status === 'shipped' && (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void move('delivered')}>
              Mark delivered
            </button>
          )}
          {canCancel && (
            <button type="button" className="button button--danger" disabled={busy} onClick={() => setConfirming(true)}>
              Cancel order…
            </button>
          )}
        </div>
      </section>

      <OrderSummary order={order} />

      <div className="admin-detail">
        <section className="card" aria-labelledby="order-customer">
          <h2 id="order-customer">Customer</h2>
          <p>{order.customer ? `${order.customer.name} (${order.customer.email})` : '—'}</p>
        </section>
        <section className="card" aria-labelledby="order-payment">
          <h2 id="order-payment">Payment</h2>
          {order.charge ? (
            <dl className="details">
              <div>
                <dt>Card</dt>
                <dd>{cardName(order.payment)}</dd>
              </div>
              <div>
                <dt>Amount charged</dt>
                <dd>
                  <Price money={order.charge.amount} />
                </dd>
              </div>
              <div>
                <dt>Provider reference</dt>
                <dd className="mono">{order.charge.reference}</dd>
              </div>
              <div>
                <dt>Refund</dt>
                <dd data-testid="refund-state">
                  {order.refund ? (
                    <>
                      <Price money={order.refund.amount} /> refunded {formatDate(order.refund.at)}
                    </>
                  ) : (
                    'Not refunded'
                  )}
                </dd>
              </div>
            </dl>
          ) : (
            <p>Not paid.</p>
          )}
        </section>
      </div>

      <section className="card admin-panel" aria-labelledby="order-history">
        <h2 id="order-history">History</h2>
        <ol className="history" data-testid="order-history">
          {order.history.map((e, i) => (
            <li key={i}>
              <strong>{EVENT_LABELS[e.kind] ?? e.kind}</strong> <time dateTime={e.at}>{formatDate(e.at)}</time>
              <span className="history__actor"> by {actorLabel(e.actor)}</span>
            </li>
          ))}
        </ol>
      </section>

      <ConfirmDialog
        open={confirming}
        title={cancelQuestion(order)}
        confirmLabel={cancelConfirmLabel(order)}
        cancelLabel="Keep order"
        busy={busy}
        onConfirm={() => void move('cancelled')}
        onClose={() => setConfirming(false)}
      >
        <p>The items go back into stock.</p>
      </ConfirmDialog>
    </>
  );
}

function ShipForm({ busy, onShip }: { busy: boolean; onShip: (s: { carrier: (typeof CARRIERS)[number]['code']; trackingNumber: string }) => void }) {
  const [carrier, setCarrier] = useState<(typeof CARRIERS)[number]['code'] | ''>('');
  const [tracking, setTracking] = useState('');
  const [errors, setErrors] = useState<{ carrier?: string; tracking?: string }>({});
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const normalized = tracking.replace(/[\s-]/g, '').toUpperCase();
    const next: typeof errors = {};
    if (!carrier) next.carrier = 'Choose the carrier.';
    if (!/^[A-Z0-9]{4,40}$/.test(normalized)) next.tracking = 'Enter the tracking number: 4 to 40 letters and digits.';
    setErrors(next);
    if (carrier && !next.tracking) onShip({ carrier, trackingNumber: normalized });
  };
  return (
    <form className="ship-form" onSubmit={submit} noValidate>
      <SelectField label="Carrier" value={carrier} error={errors.carrier} onChange={(e) => setCarrier(e.target.value as typeof carrier)} required>
        <option value="">Choose…</option>
        {CARRIERS.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Tracking number"
        value={tracking}
        error={errors.tracking}
        onChange={(e) => setTracking(e.target.value)}
        maxLength={MAX_TRACKING_NUMBER + 10}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <button type="submit" className="button button--primary" disabled={busy}>
        Mark shipped
      </button>
    </form>
  );
}
