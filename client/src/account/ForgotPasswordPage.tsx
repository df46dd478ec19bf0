import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { Notice } from '../ui/Status';
import { describePasswordError } from './recoveryCopy';

/** "Forgot password?": asks the server to e-mail a reset link. */
export function ForgotPasswordPage() {
  useDocumentTitle('Forgot password');
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState('');
  const [error, setError] = useState('');
  const [sentTo, setSentTo] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const address = email.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
      setFieldError('Enter a valid e-mail address.');
      return;
    }
    setFieldError('');
    setError('');
    setBusy(true);
    try {
      await api.requestPasswordReset(address);
      setSentTo(address);
    } catch (err) {
      if (err instanceof api.ApiError && err.fields.email) setFieldError('Enter a valid e-mail address.');
      else setError(describePasswordError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <div className="card auth__card">
        <h1>Forgot your password?</h1>
        {sentTo ? (
          <Notice kind="success">
            If an account uses {sentTo}, we have sent it a link to choose a new password. The link works for one hour.
          </Notice>
        ) : (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <p className="muted">Enter the e-mail address of your account and we will send you a link to choose a new password.</p>
            {error && <Notice kind="error">{error}</Notice>}
            <TextField
              label="E-mail"
              name="email"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={fieldError}
              required
            />
            <button type="submit" className="button button--primary button--block" disabled={busy}>
              {busy ? 'Sending…' : 'Send reset link'}
            </button>
          </form>
        )}
        <p className="auth__switch">
          Remembered it? <Link to={ROUTES.login}>Log in</Link>
        </p>
      </div>
    </div>
  );
}
