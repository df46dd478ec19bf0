// The admin area, loaded on demand (one chunk). The server enforces the
// role; these checks only keep customers from a page that cannot work.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import * as api from '../api';
import { parseMajor, toMajorString } from '../api/money';
import type { Order, Product, ProductInput } from '../api/types';
import { useSession } from '../account/SessionProvider';
import { formatDate } from '../account/format';
import { OrderStatusBadge } from '../account/OrderSummary';
import { ORDER_STATUSES, ORDER_TRANSITIONS, ROUTES, type OrderStatus } from '../constants';
import { Link, navigate, Redirect, useLocation, useParams, useSearchParams } from '../lib/router';
import { useDebouncedValue, useDocumentTitle, useResource } from '../lib/useResource';
import { SelectField, TextArea, TextField } from '../ui/Field';
import { Pagination } from '../ui/Pagination';
import { Price } from '../ui/Price';
import { StockBadge } from '../ui/StockBadge';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { SEARCH_DEBOUNCE_MS } from '../constants';

function AdminShell({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  useDocumentTitle(`Admin: ${title}`);
  const { user } = useSession();
  const { pathname } = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={`${ROUTES.login}?next=${encodeURIComponent(pathname)}`} />;
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

export function AdminProductsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const [text, setText] = useState(q);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  useEffect(() => {
    if (debounced.trim() === q.trim()) return;
    const next = new URLSearchParams();
    if (debounced.trim()) next.set('q', debounced.trim());
    setParams(next, { replace: true, keepScroll: true });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps
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
                      <Link to={ROUTES.adminProduct(p.id)}>{p.name}</Link>
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

interface ProductFormState {
  sku: string;
  name: string;
  slug: string;
  description: string;
  price: string;
  categorySlug: string;
  stock: string;
  images: string;
  active: boolean;
  featured: boolean;
}

const emptyProduct: ProductFormState = {
  sku: '',
  name: '',
  slug: '',
  description: '',
  price: '',
  categorySlug: '',
  stock: '0',
  images: '',
  active: true,
  featured: false,
};

function fromProduct(p: Product): ProductFormState {
  return {
    sku: p.sku,
    name: p.name,
    slug: p.slug,
    description: p.description,
    price: toMajorString(p.price.minor, p.price.currency),
    categorySlug: p.category.slug,
    stock: String(p.stock),
    images: p.images.join('\n'),
    active: p.active,
    featured: p.featured,
  };
}

type FormErrors = Partial<Record<keyof ProductFormState, string>>;

const SERVER_PRODUCT_FIELDS: Record<string, keyof ProductFormState> = {
  sku: 'sku',
  name: 'name',
  slug: 'slug',
  description: 'description',
  price: 'price',
  category_slug: 'categorySlug',
  stock: 'stock',
  images: 'images',
};

export function AdminProductNewPage() {
  return (
    <AdminShell title="New product">
      <ProductEditor initial={emptyProduct} />
    </AdminShell>
  );
}

export function AdminProductEditPage() {
  const { id = '' } = useParams();
  const loaded = useResource((s) => api.adminFindProduct(Number(id), s), id);
  // The stock form updates this copy, so its success message is not lost to a reload.
  const [updated, setUpdated] = useState<Product | null>(null);
  const product = updated ?? loaded.data;
  return (
    <AdminShell title={product ? `Edit ${product.name}` : 'Edit product'}>
      {loaded.status === 'loading' && <Loading label="Loading product…" />}
      {loaded.status === 'error' && <ErrorState error={loaded.error} onRetry={loaded.reload} />}
      {loaded.status === 'ok' && product && (
        <>
          <StockEditor product={product} onSaved={setUpdated} />
          <ProductEditor key={product.id} initial={fromProduct(product)} product={product} />
        </>
      )}
    </AdminShell>
  );
}

function ProductEditor({ initial, product }: { initial: ProductFormState; product?: Product }) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const categories = useResource((s) => api.listCategories(s), 'categories');

  const set = (k: keyof ProductFormState) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: FormErrors = {};
    if (!form.sku.trim()) errs.sku = 'Enter a SKU.';
    if (!form.name.trim()) errs.name = 'Enter a name.';
    const priceMinor = parseMajor(form.price);
    if (priceMinor === null) errs.price = 'Enter a price, like 19.99.';
    if (!form.categorySlug) errs.categorySlug = 'Choose a category.';
    const stock = Number(form.stock);
    if (!Number.isInteger(stock) || stock < 0) errs.stock = 'Enter a whole number, 0 or more.';
    setErrors(errs);
    if (Object.keys(errs).length) return;

    const input: ProductInput = {
      sku: form.sku,
      name: form.name,
      slug: form.slug,
      description: form.description,
      priceMinor: priceMinor ?? 0,
      categorySlug: form.categorySlug,
      stock,
      images: form.images
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      active: form.active,
      featured: form.featured,
    };
    setBusy(true);
    setMessage(null);
    try {
      if (product) {
        // Stock has its own endpoint (and its own form above).
        const { stock: _omit, ...rest } = input;
        void _omit;
        await api.adminUpdateProduct(product.id, rest);
        setMessage({ kind: 'success', text: 'Saved.' });
      } else {
        const created = await api.adminCreateProduct(input);
        navigate(`${ROUTES.adminProducts}?q=${encodeURIComponent(created.sku)}`);
        return;
      }
    } catch (err) {
      if (err instanceof api.ApiError) {
        const fieldErrs: FormErrors = {};
        for (const [k, v] of Object.entries(err.fields)) {
          const f = SERVER_PRODUCT_FIELDS[k];
          if (f) fieldErrs[f] = v;
        }
        setErrors(fieldErrs);
      }
      setMessage({ kind: 'error', text: api.describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-label={product ? 'Product details' : 'New product'}>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div className="form-grid">
        <TextField label="Name" name="name" value={form.name} onChange={set('name')} error={errors.name} required />
        <TextField label="SKU" name="sku" value={form.sku} onChange={set('sku')} error={errors.sku} required />
        <TextField label="Price" name="price" inputMode="decimal" value={form.price} onChange={set('price')} error={errors.price} hint="In dollars, like 19.99." required />
        <SelectField label="Category" name="categorySlug" value={form.categorySlug} onChange={set('categorySlug')} error={errors.categorySlug} required>
          <option value="">Choose…</option>
          {categories.status === 'ok' &&
            categories.data.map((c) => (
              <option key={c.slug} value={c.slug}>
                {c.name}
              </option>
            ))}
        </SelectField>
        {!product && <TextField label="Stock" name="stock" inputMode="numeric" value={form.stock} onChange={set('stock')} error={errors.stock} required />}
        <TextField label="Slug (optional)" name="slug" value={form.slug} onChange={set('slug')} error={errors.slug} hint="Made from the name when empty." />
        <div className="span-2">
          <TextArea label="Description" name="description" rows={4} value={form.description} onChange={set('description')} error={errors.description} />
        </div>
        <div className="span-2">
          <TextArea label="Image URLs (one per line, optional)" name="images" rows={2} value={form.images} onChange={set('images')} error={errors.images} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={form.active} onChange={(e) => setForm((f) => ({ ...f, active: e.target.checked }))} /> Active (visible in the shop)
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={form.featured} onChange={(e) => setForm((f) => ({ ...f, featured: e.target.checked }))} /> Featured on the home page
        </label>
      </div>
      <div className="actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : product ? 'Save changes' : 'Create product'}
        </button>
        <Link to={ROUTES.adminProducts}>Cancel</Link>
      </div>
    </form>
  );
}

function StockEditor({ product, onSaved }: { product: Product; onSaved: (p: Product) => void }) {
  const [stock, setStock] = useState(String(product.stock));
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(stock);
    if (!Number.isInteger(n) || n < 0) {
      setMessage({ kind: 'error', text: 'Enter a whole number, 0 or more.' });
      return;
    }
    setBusy(true);
    try {
      const saved = await api.adminSetStock(product.id, n);
      setMessage({ kind: 'success', text: `Stock set to ${saved.stock}.` });
      onSaved(saved);
    } catch (err) {
      setMessage({ kind: 'error', text: api.describeError(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card stock-form" onSubmit={submit} noValidate aria-label="Stock">
      <TextField label="Stock on hand" inputMode="numeric" value={stock} onChange={(e) => setStock(e.target.value)} className="field--inline" />
      <button type="submit" className="button button--secondary" disabled={busy}>
        Set stock
      </button>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
    </form>
  );
}

export function AdminOrdersPage() {
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status') ?? '';
  const status = (ORDER_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as OrderStatus) : '';
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  const orders = useResource((s) => api.adminListOrders(status, page, s), `${status}|${page}`);

  const href = (n: number) => {
    const p = new URLSearchParams();
    if (status) p.set('status', status);
    if (n > 1) p.set('page', String(n));
    const s = p.toString();
    return s ? `${ROUTES.adminOrders}?${s}` : ROUTES.adminOrders;
  };

  return (
    <AdminShell title="Orders">
      <div className="toolbar">
        <SelectField
          label="Status"
          className="field--inline"
          value={status}
          onChange={(e) => {
            const p = new URLSearchParams();
            if (e.target.value) p.set('status', e.target.value);
            setParams(p, { keepScroll: true });
          }}
        >
          <option value="">All</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
      </div>
      {orders.status === 'loading' && <Loading label="Loading orders…" />}
      {orders.status === 'error' && <ErrorState error={orders.error} onRetry={orders.reload} />}
      {orders.status === 'ok' && orders.data.items.length === 0 && <EmptyState title="No orders" />}
      {orders.status === 'ok' && orders.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Placed</th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {orders.data.items.map((o) => (
                  <AdminOrderRow key={o.id} order={o} onChanged={orders.reload} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageCount={orders.data.pageCount} href={href} />
        </>
      )}
    </AdminShell>
  );
}

function AdminOrderRow({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const moves = ORDER_TRANSITIONS[order.status];
  const [next, setNext] = useState<OrderStatus | ''>(moves[0] ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (!next) return;
    setBusy(true);
    setError('');
    try {
      await api.adminSetOrderStatus(order.id, next);
      onChanged();
    } catch (err) {
      setError(api.describeError(err));
      setBusy(false);
    }
  };
  return (
    <tr>
      <td>#{order.id}</td>
      <td>{order.customer ? `${order.customer.name} (${order.customer.email})` : '—'}</td>
      <td>{formatDate(order.createdAt)}</td>
      <td className="num">
        <Price money={order.total} />
      </td>
      <td>
        <OrderStatusBadge status={order.status} />
        {moves.length > 0 && (
          <form className="inline-form" onSubmit={apply}>
            <label htmlFor={`order-${order.id}-status`} className="visually-hidden">
              New status of order {order.id}
            </label>
            <select id={`order-${order.id}-status`} value={next} onChange={(e) => setNext(e.target.value as OrderStatus)}>
              {moves.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--secondary button--small" disabled={busy}>
              Update<span className="visually-hidden"> order {order.id}</span>
            </button>
          </form>
        )}
        {error && (
          <span className="field__error" role="alert">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}
