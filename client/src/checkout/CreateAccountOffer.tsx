import { useState, type FormEvent } from 'react';
import * as api from '../api';
import type { Order } from '../api/types';
import { useSession } from '../account/SessionProvider';
import { ROUTES } from '../routes';
import { navigate } from '../lib/router';
import { TextField } from '../ui/Field';
import { Notice } from '../ui/Status';

type Field = 'name' | 'email' | 'password';

/**
 * After a guest order: create an account that adopts THIS order (the
 * signed token proves it; the server attaches nothing else).
 */
export function CreateAccountOffer({ order, token }: { order: Order; token: string }) {
  const { register } = useSession();
  const [form, setForm] = useState({ name: order.shippingAddress.name, email: order.email, password: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

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
      await register(form.email, form.password, form.name, token);
      navigate(ROUTES.order({ id: order.id }), { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof api.ApiError && err.code === 'conflict' && !err.fields.order_token) {
        setError('An account with this e-mail already exists, or this order already belongs to an account. Log in to see your orders.');
      } else if (err instanceof api.ApiError && err.fields.order_token) {
        setError('This order link is no longer valid, so the order cannot be added to a new account.');
      } else if (err instanceof api.ApiError && Object.keys(err.fields).length) {
        setErrors({ name: err.fields.name ? 'Enter your name.' : undefined, email: err.fields.email ? 'Enter a valid e-mail address.' : undefined, password: err.fields.password ? 'Use 8 to 128 characters.' : undefined });
      } else {
        setError(api.describeError(err));
      }
    }
  };

  const set = (k: Field) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <section className="card" aria-labelledby="create-account-title" data-testid="create-account-offer">
      <h2 id="create-account-title">Save your details for next time</h2>
      <p className="muted small">Create an account to track this order and check out faster. This order will be added to it.</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {error && <Notice kind="error">{error}</Notice>}
        <TextField label="Name" name="name" autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} required />
        <TextField label="E-mail" name="email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={errors.email} required />
        <TextField label="Password" name="password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} error={errors.password} hint="At least 8 characters." required />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
    </section>
  );
}
