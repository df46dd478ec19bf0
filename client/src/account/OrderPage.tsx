import { useState } from 'react';
import * as api from '../api';
import { loginThen, ROUTES } from '../routes';
import { Link, Redirect, useParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorState, Loading, Notice } from '../ui/Status';
import { cancelConfirmLabel, cancelErrorMessage, cancelQuestion } from './cancelCopy';
import { OrderSummary } from './OrderSummary';
import { useSession } from './SessionProvider';

export function OrderPage() {
  const { id = '' } = useParams();
  useDocumentTitle(`Order #${id}`);
  const { user } = useSession();
  const order = useResource((s) => (user ? api.getOrder(Number(id), s) : Promise.resolve(null)), `${user?.id ?? ''}|${id}`);
  const [cancelError, setCancelError] = useState('');
  const [cancelled, setCancelled] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={loginThen(ROUTES.order({ id: Number(id) }))} />;

  const current = order.status === 'ok' ? order.data : null;
  const cancel = async () => {
    if (!current) return;
    setBusy(true);
    setCancelError('');
    try {
      const done = await api.cancelOrder(current.id);
      setCancelled(
        done.payment.status === 'refunded'
          ? `Order #${done.id} is cancelled. ${api.formatMoney(done.total)} is on its way back to your card.`
          : `Order #${done.id} is cancelled.`,
      );
      order.reload();
    } catch (err) {
      setCancelError(cancelErrorMessage(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <div>
      <p className="breadcrumb">
        <Link to={ROUTES.account}>← Your orders</Link>
      </p>
      <div className="page-header page-header--split">
        <h1>Order #{id}</h1>
        {current && (current.status === 'pending' || current.status === 'paid') && (
          <button type="button" className="button button--secondary" onClick={() => setConfirming(true)} disabled={busy}>
            Cancel order
          </button>
        )}
      </div>
      {cancelError && <Notice kind="error">{cancelError}</Notice>}
      {cancelled && <Notice kind="success">{cancelled}</Notice>}
      {order.status === 'loading' && <Loading label="Loading order…" />}
      {order.status === 'error' && <ErrorState error={order.error} onRetry={order.reload} />}
      {current && <OrderSummary order={current} />}
      {current && (
        <ConfirmDialog
          open={confirming}
          title={cancelQuestion(current)}
          confirmLabel={cancelConfirmLabel(current)}
          cancelLabel="Keep order"
          busy={busy}
          onConfirm={() => void cancel()}
          onClose={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
