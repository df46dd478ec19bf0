import * as api from '../api';
import { ROUTES } from '../constants';
import { Link, useParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { OrderSummary } from '../account/OrderSummary';
import { ErrorState, Loading } from '../ui/Status';

export default function ConfirmationPage() {
  useDocumentTitle('Order confirmed');
  const { id = '' } = useParams();
  const order = useResource((s) => api.getOrder(Number(id), s), id);
  if (order.status === 'loading') return <Loading label="Loading your order…" />;
  if (order.status === 'error') return <ErrorState error={order.error} onRetry={order.reload} page />;
  return (
    <div className="confirmation">
      <div className="page-header">
        <h1>Thank you! Your order is confirmed.</h1>
        <p className="lede">
          Order <strong data-testid="order-number">#{order.data.id}</strong> is {order.data.status}.
        </p>
      </div>
      <OrderSummary order={order.data} />
      <p className="actions">
        <Link to={ROUTES.order(order.data.id)} className="button button--secondary">
          View in your account
        </Link>
        <Link to={ROUTES.catalog} className="button button--primary">
          Continue shopping
        </Link>
      </p>
    </div>
  );
}
