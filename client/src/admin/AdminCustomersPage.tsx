import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { formatDate } from '../account/format';
import { ROUTES } from '../routes';
import { useSearchParams } from '../lib/router';
import { useResource } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { Pagination } from '../ui/Pagination';
import { EmptyState, ErrorState, Loading } from '../ui/Status';
import { AdminShell } from './AdminShell';

/** Longest search the server accepts (GET /admin/customers?q=). */
const MAX_QUERY = 100;

export function AdminCustomersPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const customers = useResource((s) => api.adminListCustomers(q, page, s), `${q}|${page}`);
  const [text, setText] = useState(q);

  const href = (n: number) => {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (n > 1) p.set('page', String(n));
    const s = p.toString();
    return s ? `${ROUTES.adminCustomers}?${s}` : ROUTES.adminCustomers;
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (text.trim()) p.set('q', text.trim());
    setParams(p, { keepScroll: true });
  };

  return (
    <AdminShell title="Customers">
      <form className="toolbar" role="search" onSubmit={search}>
        <TextField label="Search by e-mail or name" className="field--inline" type="search" value={text} maxLength={MAX_QUERY} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="button button--secondary">
          Search<span className="visually-hidden"> customers</span>
        </button>
      </form>
      {customers.status === 'loading' && <Loading label="Loading customers…" />}
      {customers.status === 'error' && <ErrorState error={customers.error} onRetry={customers.reload} />}
      {customers.status === 'ok' && customers.data.items.length === 0 && <EmptyState title={q ? `No customers match “${q}”` : 'No customers yet'} />}
      {customers.status === 'ok' && customers.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="customers">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Joined</th>
                  <th scope="col" className="num">
                    Orders
                  </th>
                </tr>
              </thead>
              <tbody>
                {customers.data.items.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{c.email}</td>
                    <td>{formatDate(c.createdAt)}</td>
                    <td className="num">{c.orderCount ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageCount={customers.data.pageCount} href={href} />
        </>
      )}
    </AdminShell>
  );
}
