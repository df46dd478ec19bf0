import * as api from '../api';
import type { Order } from '../api/types';
import { useSession } from '../account/SessionProvider';
import { loginThen, ROUTES } from '../routes';
import { Link, Redirect, useParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { OrderSummary } from '../account/OrderSummary';
import { ErrorState, Loading } from '../ui/Status';
import { guestOrderToken } from './checkoutDraft';
import { CreateAccountOffer } from './CreateAccountOffer';

export default function ConfirmationPage() {
  useDocumentTitle('Order confirmed');
  const { id = '' } = useParams();
  const { user } = useSession();
  const orderId = Number(id);
  // A guest who just paid has the order's signed token in this tab.
  const token = user === null ? guestOrderToken(orderId) : null;
  const order = useResource<Order | null>(
    (s) => (user ? api.getOrder(orderId, s) : token ? api.getOrderByLink(token, s) : Promise.resolve(null)),
    `${user === undefined ? 'pending' : (user?.id ?? 'guest')}|${id}|${token ?? ''}`,
  );
  if (user === undefined) return <Loading label="Loading your order…" />;
  // Logged out without this order's token: log in, then come back here.
  if (user === null && !token) return <Redirect to={loginThen(ROUTES.confirmation({ id: orderId }))} />;
  if (order.status === 'loading') return <Loading label="Loading your order…" />;
  if (order.status === 'error') return <ErrorState error={order.error} onRetry={order.reload} page />;
  if (!order.data) return <Loading label="Loading your order…" />;
  const link = token ? `${window.location.origin}${ROUTES.orderLink({ token })}` : '';
  return (
    <div className="confirmation">
      <div className="page-header">
        <h1>Thank you! Your order is confirmed.</h1>
        <p className="lede">
          Order <strong data-testid="order-number">#{order.data.id}</strong> is {order.data.status}.
        </p>
      </div>
      {token && (
        <section className="card" aria-labelledby="order-link-title">
          <h2 id="order-link-title">Your order link</h2>
          <p>
            Keep this link to check your order later without an account (it works for 30 days; we also send it to <strong>{order.data.email}</strong>):
          </p>
          <p>
            <a href={link} data-testid="order-link" className="break-all">
              {link}
            </a>
          </p>
        </section>
      )}
      <OrderSummary order={order.data} />
      {token && <CreateAccountOffer order={order.data} token={token} />}
      <p className="actions">
        {user && (
          <Link to={ROUTES.order({ id: order.data.id })} className="button button--secondary">
            View in your account
          </Link>
        )}
        <Link to={ROUTES.catalog} className="button button--primary">
          Continue shopping
        </Link>
      </p>
    </div>
  );
}
