import { type ReactNode } from 'react';
import { useSession } from '../account/SessionProvider';
import { loginThen, ROUTES } from '../routes';
import { Link, Redirect, useLocation } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { Loading } from '../ui/Status';

export function AdminShell({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  useDocumentTitle(`Admin: ${title}`);
  const { user } = useSession();
  const { pathname } = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={loginThen(pathname)} />;
  if (user.role !== 'admin') {
    return (
      <div className="status status--error" role="alert">
        <h1>Admins only</h1>
        <p>Your account does not have access to the admin area.</p>
      </div>
    );
  }
  const tab = (to: string, label: string) => (
    <Link to={to} aria-current={pathname.startsWith(to) ? 'page' : undefined} className="tabs__tab">
      {label}
    </Link>
  );
  return (
    <div className="admin">
      <nav className="tabs" aria-label="Admin sections">
        {tab(ROUTES.adminProducts, 'Products')}
        {tab(ROUTES.adminOrders, 'Orders')}
        {tab(ROUTES.adminCustomers, 'Customers')}
      </nav>
      <div className="page-header page-header--split">
        <h1>{title}</h1>
        {actions && <div className="actions">{actions}</div>}
      </div>
      {children}
    </div>
  );
}

export function AdminHome() {
  return <Redirect to={ROUTES.adminProducts} />;
}
