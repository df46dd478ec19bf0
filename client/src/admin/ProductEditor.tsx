import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { parseMajor } from '../api/money';
import type { Product, ProductInput } from '../api/types';
import { ROUTES } from '../routes';
import { Link, navigate } from '../lib/router';
import { useResource } from '../lib/useResource';
import { SelectField, TextArea, TextField } from '../ui/Field';
import { LIMITS } from '../api/limits';
import { Notice } from '../ui/Status';
import { type ProductFormState, type FormErrors, SERVER_PRODUCT_FIELDS } from './productForm';

export function ProductEditor({ initial, product }: { initial: ProductFormState; product?: Product }) {
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
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate aria-label={product ? 'Product details' : 'New product'}>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div className="form-grid">
        <TextField label="Name" name="name" value={form.name} onChange={set('name')} error={errors.name} maxLength={LIMITS.ProductCreate.name.maxLength} required />
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
          <TextArea label="Description" name="description" rows={4} value={form.description} onChange={set('description')} error={errors.description} maxLength={LIMITS.ProductCreate.description.maxLength} />
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

export function StockEditor({ product, onSaved }: { product: Product; onSaved: (p: Product) => void }) {
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
    <form className="card stock-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Stock">
      <TextField label="Stock on hand" inputMode="numeric" value={stock} onChange={(e) => setStock(e.target.value)} className="field--inline" />
      <button type="submit" className="button button--secondary" disabled={busy}>
        Set stock
      </button>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
    </form>
  );
}
