import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { ROUTES } from '../routes';
import { Link, navigate, Redirect, useSearchParams } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { Notice } from '../ui/Status';
import { useSession } from './SessionProvider';
import { safeNext, withNext } from './next';

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
        <form onSubmit={(e) => void submit(e)} noValidate>
          {error && <Notice kind="error">{error}</Notice>}
          <TextField label="E-mail" name="email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          <button type="submit" className="button button--primary button--block" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
        <p className="auth__switch">
          <Link to={ROUTES.forgotPassword}>Forgot password?</Link>
        </p>
        <p className="auth__switch">
          New here? <Link to={withNext(ROUTES.register, next)}>Create an account</Link>
        </p>
      </div>
    </div>
  );
}
