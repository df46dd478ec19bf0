import { useState } from 'react';
import * as api from '../api';
import { ROUTES } from '../constants';
import { Link, Redirect, useParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { ErrorState, Loading, Notice } from '../ui/Status';
import { OrderSummary } from './OrderSummary';
import { useSession } from './SessionProvider';

export function OrderPage() {
  const { id = '' } = useParams();
  useDocumentTitle(`Order #${id}`);
  const { user } = useSession();
  const order = useResource((s) => (user ? api.getOrder(Number(id), s) : Promise.resolve(null)), `${user?.id ?? ''}|${id}`);
  const [cancelError, setCancelError] = useState('');
  const [busy, setBusy] = useState(false);

  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={`${ROUTES.login}?next=${encodeURIComponent(ROUTES.order(Number(id)))}`} />;

  const cancel = async () => {
    setBusy(true);
    setCancelError('');
    try {
      await api.cancelOrder(Number(id));
      order.reload();
    } catch (err) {
      setCancelError(api.describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <p className="breadcrumb">
        <Link to={ROUTES.account}>← Your orders</Link>
      </p>
      <div className="page-header page-header--split">
        <h1>Order #{id}</h1>
        {order.status === 'ok' && order.data && (order.data.status === 'pending' || order.data.status === 'paid') && (
          <button type="button" className="button button--secondary" onClick={() => void cancel()} disabled={busy}>
            Cancel order
          </button>
        )}
      </div>
      {cancelError && <Notice kind="error">{cancelError}</Notice>}
      {order.status === 'loading' && <Loading label="Loading order…" />}
      {order.status === 'error' && <ErrorState error={order.error} onRetry={order.reload} />}
      {order.status === 'ok' && order.data && <OrderSummary order={order.data} />}
    </div>
  );
}
