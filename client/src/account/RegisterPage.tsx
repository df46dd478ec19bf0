import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { ROUTES } from '../routes';
import { Link, navigate, Redirect, useSearchParams } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { LIMITS } from '../api/limits';
import { Notice } from '../ui/Status';
import { useSession } from './SessionProvider';
import { safeNext, withNext } from './next';

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
    if (form.password.length < LIMITS.RegisterInput.password.minLength || form.password.length > LIMITS.RegisterInput.password.maxLength)
      errs.password = `Use ${LIMITS.RegisterInput.password.minLength} to ${LIMITS.RegisterInput.password.maxLength} characters.`;
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
        <form onSubmit={(e) => void submit(e)} noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <TextField label="Name" name="name" autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} maxLength={LIMITS.RegisterInput.name.maxLength} required />
          <TextField label="E-mail" name="email" type="email" autoComplete="email" value={form.email} onChange={set('email')} error={errors.email} maxLength={LIMITS.RegisterInput.email.maxLength} required />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set('password')}
            error={errors.password}
            hint={`${LIMITS.RegisterInput.password.minLength} to ${LIMITS.RegisterInput.password.maxLength} characters.`}
            minLength={LIMITS.RegisterInput.password.minLength}
            maxLength={LIMITS.RegisterInput.password.maxLength}
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
