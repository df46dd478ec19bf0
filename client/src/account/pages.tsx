// The account area, loaded on demand (one chunk).
import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { ROUTES } from '../constants';
import { Link, navigate, Redirect, useParams, useSearchParams } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { Pagination } from '../ui/Pagination';
import { Price } from '../ui/Price';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { formatDate } from './format';
import { OrderStatusBadge, OrderSummary } from './OrderSummary';
import { useSession } from './SessionProvider';

/** Only same-site paths are followed after login (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : ROUTES.account;
}

function withNext(path: string, next: string | null): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path;
}

export function LoginPage() {
  useDocumentTitle('Log in');
  const { login, user } = useSession();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  if (user) return <Redirect to={safeNext(next)} />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your e-mail and password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await login(email, password);
      navigate(safeNext(next), { replace: true });
    } catch (err) {
      setBusy(false);
      setError(err instanceof api.ApiError && err.code === 'unauthorized' ? 'That e-mail and password do not match an account.' : api.describeError(err));
    }
  };

  return (
    <div className="auth">
      <div className="card auth__card">
        <h1>Log in</h1>
        <form onSubmit={submit} noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <TextField label="E-mail" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
        <p className="auth__switch">
          New here? <Link to={withNext(ROUTES.register, next)}>Create an account</Link>
        </p>
      </div>
    </div>
  );
}

export function RegisterPage() {
  useDocumentTitle('Create an account');
  const { register, user } = useSession();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [form, setForm] = useState({ name: '', email: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<'name' | 'email' | 'password', string>>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  if (user) return <Redirect to={safeNext(next)} />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!form.name.trim()) errs.name = 'Enter your name.';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) errs.email = 'Enter a valid e-mail address.';
    if (form.password.length < 8 || form.password.length > 128) errs.password = 'Use 8 to 128 characters.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setError('');
    try {
      await register(form.email, form.password, form.name);
      navigate(safeNext(next), { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof api.ApiError && err.code === 'conflict') {
        setErrors({ email: 'An account with this e-mail exists. Log in instead.' });
      } else if (err instanceof api.ApiError && Object.keys(err.fields).length) {
        setErrors({ name: err.fields.name, email: err.fields.email, password: err.fields.password });
        setError(err.message);
      } else {
        setError(api.describeError(err));
      }
    }
  };

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <div className="auth">
      <div className="card auth__card">
        <h1>Create an account</h1>
        <form onSubmit={submit} noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <TextField label="Name" name="name" autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} required />
          <TextField label="E-mail" name="email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={errors.email} required />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            error={errors.password}
            hint="At least 8 characters."
            required
          />
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Creating account…' : 'Create account'}
          </button>
        </form>
        <p className="auth__switch">
          Have an account? <Link to={withNext(ROUTES.login, next)}>Log in</Link>
        </p>
      </div>
    </div>
  );
}

export function AccountPage() {
  useDocumentTitle('Your account');
  const { user, logout } = useSession();
  const [params] = useSearchParams();
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const orders = useResource((s) => (user ? api.listOrders(page, s) : Promise.resolve(null)), `${user?.id ?? ''}|${page}`);
  const [error, setError] = useState('');

  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={`${ROUTES.login}?next=${encodeURIComponent(ROUTES.account)}`} />;

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
                      <Link to={ROUTES.order(o.id)}>#{o.id}</Link>
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
