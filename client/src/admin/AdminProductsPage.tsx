import { useEffect, useEffectEvent, useState } from 'react';
import * as api from '../api';
import type { Product } from '../api/types';
import { ROUTES } from '../routes';
import { Link, useSearchParams } from '../lib/router';
import { useDebouncedValue, useResource } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { Pagination } from '../ui/Pagination';
import { Price } from '../ui/Price';
import { StockBadge } from '../ui/StockBadge';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { SEARCH_DEBOUNCE_MS } from '../constants';
import { AdminShell } from './AdminShell';

export function AdminProductsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const [text, setText] = useState(q);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  // Typing (once it settles) writes the URL; a change of the URL itself
  // (Back, a link) must not start this, or it would write the old text back.
  const searchFor = useEffectEvent((text: string) => {
    if (text.trim() === q.trim()) return;
    const next = new URLSearchParams();
    if (text.trim()) next.set('q', text.trim());
    setParams(next, { replace: true, keepScroll: true });
  });
  useEffect(() => searchFor(debounced), [debounced]);
  const products = useResource((s) => api.adminListProducts(q, page, s), `${q}|${page}`);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  const deactivate = async (p: Product) => {
    setMessage(null);
    try {
      await api.adminDeactivateProduct(p.id);
      setMessage({ kind: 'success', text: `${p.name} is deactivated: customers no longer see it.` });
      products.reload();
    } catch (err) {
      setMessage({ kind: 'error', text: api.describeError(err) });
    }
  };

  const href = (n: number) => {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (n > 1) p.set('page', String(n));
    const s = p.toString();
    return s ? `${ROUTES.adminProducts}?${s}` : ROUTES.adminProducts;
  };

  return (
    <AdminShell
      title="Products"
      actions={
        <Link to={ROUTES.adminNewProduct} className="button button--primary">
          New product
        </Link>
      }
    >
      <form role="search" aria-label="Filter products" onSubmit={(e) => e.preventDefault()} className="toolbar">
        <TextField label="Search products" type="search" value={text} onChange={(e) => setText(e.target.value)} className="field--grow" />
      </form>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {products.status === 'loading' && <Loading label="Loading products…" />}
      {products.status === 'error' && <ErrorState error={products.error} onRetry={products.reload} />}
      {products.status === 'ok' && products.data.items.length === 0 && <EmptyState title="No products found" />}
      {products.status === 'ok' && products.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">SKU</th>
                  <th scope="col" className="num">
                    Price
                  </th>
                  <th scope="col">Stock</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {products.data.items.map((p) => (
                  <tr key={p.id} className={p.active ? undefined : 'is-inactive'}>
                    <td>
                      <Link to={ROUTES.adminProduct({ id: p.id })}>{p.name}</Link>
                      {!p.active && <span className="badge badge--out">Inactive</span>}
                    </td>
                    <td>
                      <code>{p.sku}</code>
                    </td>
                    <td className="num">
                      <Price money={p.price} />
                    </td>
                    <td>
                      {p.stock} <StockBadge product={p} />
                    </td>
                    <td className="table__actions">
                      {p.active && (
                        <button type="button" className="button button--link" onClick={() => void deactivate(p)}>
                          Deactivate<span className="visually-hidden"> {p.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageCount={products.data.pageCount} href={href} />
        </>
      )}
    </AdminShell>
  );
}
