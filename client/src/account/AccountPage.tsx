import { useState } from 'react';
import * as api from '../api';
import { loginThen, ROUTES } from '../routes';
import { Link, navigate, Redirect, useSearchParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { Pagination } from '../ui/Pagination';
import { Price } from '../ui/Price';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { formatDate } from './format';
import { OrderStatusBadge } from './OrderSummary';
import { useSession } from './SessionProvider';

export function AccountPage() {
  useDocumentTitle('Your account');
  const { user, logout } = useSession();
  const [params] = useSearchParams();
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const orders = useResource((s) => (user ? api.listOrders(page, s) : Promise.resolve(null)), `${user?.id ?? ''}|${page}`);
  const [error, setError] = useState('');

  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={loginThen(ROUTES.account)} />;

  const doLogout = async () => {
    try {
      await logout();
      navigate(ROUTES.home);
    } catch (err) {
      setError(api.describeError(err));
    }
  };

  return (
    <div className="account">
      <div className="page-header page-header--split">
        <div>
          <h1>Hello, {user.name || user.email}</h1>
          <p className="muted">{user.email}</p>
        </div>
        <div className="actions">
          <Link to={ROUTES.accountSettings} className="button button--secondary">
            Profile and password
          </Link>
          <Link to={ROUTES.accountAddresses} className="button button--secondary">
            Addresses
          </Link>
          {user.role === 'admin' && (
            <Link to={ROUTES.admin} className="button button--secondary">
              Admin
            </Link>
          )}
          <button type="button" className="button button--secondary" onClick={() => void doLogout()}>
            Log out
          </button>
        </div>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      <section aria-labelledby="orders-title" className="section">
        <h2 id="orders-title">Your orders</h2>
        {orders.status === 'loading' && <Loading label="Loading your orders…" />}
        {orders.status === 'error' && <ErrorState error={orders.error} onRetry={orders.reload} />}
        {orders.status === 'ok' && orders.data && orders.data.items.length === 0 && (
          <EmptyState title="No orders yet">
            <Link to={ROUTES.catalog}>Find something you like</Link>
          </EmptyState>
        )}
        {orders.status === 'ok' && orders.data && orders.data.items.length > 0 && (
          <>
            <table className="table table--orders" data-testid="order-history">
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Placed</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {orders.data.items.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <Link to={ROUTES.order({ id: o.id })}>#{o.id}</Link>
                    </td>
                    <td>{formatDate(o.createdAt)}</td>
                    <td>
                      <OrderStatusBadge status={o.status} />
                    </td>
                    <td className="num">
                      <Price money={o.total} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pagination page={page} pageCount={orders.data.pageCount} href={(n) => (n > 1 ? `${ROUTES.account}?page=${n}` : ROUTES.account)} />
          </>
        )}
      </section>
    </div>
  );
}
