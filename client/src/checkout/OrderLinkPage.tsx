import * as api from '../api';
import { loginThen, ROUTES } from '../routes';
import { Link, useParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { OrderStatusBadge, OrderSummary } from '../account/OrderSummary';
import { ErrorState, Loading } from '../ui/Status';

/** A signed order link (/orders/link/:token): the order, no login needed. */
export default function OrderLinkPage() {
  const { token = '' } = useParams();
  const order = useResource((s) => api.getOrderByLink(token, s), token);
  useDocumentTitle(order.status === 'ok' ? `Order #${order.data.id}` : 'Your order');

  if (order.status === 'loading') return <Loading label="Loading your order…" />;
  if (order.status === 'error') {
    const code = order.error instanceof api.ApiError ? order.error.code : '';
    if (code === 'not_found' || code === 'forbidden') {
      return (
        <div className="status status--error" role="alert" data-testid="order-link-error">
          <h1 className="status__title">{code === 'forbidden' ? 'This order link has expired' : 'This order link is not valid'}</h1>
          <p>
            {code === 'forbidden'
              ? 'Order links work for 30 days. Log in to see your orders, or contact us with your order number.'
              : 'Check that you copied the whole link from your e-mail. Log in to see the orders of your account.'}
          </p>
          <p className="actions">
            <Link to={loginThen(ROUTES.account)} className="button button--secondary">
              Log in
            </Link>
            <Link to={ROUTES.catalog} className="button button--primary">
              Continue shopping
            </Link>
          </p>
        </div>
      );
    }
    return <ErrorState error={order.error} onRetry={order.reload} />;
  }
  return (
    <div>
      <div className="page-header page-header--split">
        <h1>Order #{order.data.id}</h1>
        <OrderStatusBadge status={order.data.status} />
      </div>
      <OrderSummary order={order.data} />
      <p className="actions">
        <Link to={ROUTES.catalog} className="button button--primary">
          Continue shopping
        </Link>
      </p>
    </div>
  );
}
