import { useEffect, useState, type FormEvent } from 'react';
import * as api from '../api';
import { ROUTES } from '../routes';
import { Link } from '../lib/router';
import { useDocumentTitle } from '../lib/useResource';
import { TextField } from '../ui/Field';
import { Notice } from '../ui/Status';
import { describePasswordError, newPasswordProblem, PASSWORD_HINT } from './recoveryCopy';
import { useSession } from './SessionProvider';

/** The token of the e-mailed link travels in the fragment (#token=...), which never reaches a server. */
function tokenFromHash(): string {
  return new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token') ?? '';
}

/** "Choose a new password", opened from the e-mailed link. */
export function ResetPasswordPage() {
  useDocumentTitle('Choose a new password');
  const { setUser } = useSession();
  const [token] = useState(tokenFromHash);
  const [password, setPassword] = useState('');
  const [fieldError, setFieldError] = useState('');
  const [error, setError] = useState('');
  const [linkBroken, setLinkBroken] = useState(token === '');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  // Drop the token from the address bar (and this history entry) once read.
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problem = newPasswordProblem(password);
    setFieldError(problem);
    if (problem) return;
    setError('');
    setBusy(true);
    try {
      await api.confirmPasswordReset(token, password);
      // Every session of the account has ended, this browser's included.
      setUser(null);
      setDone(true);
    } catch (err) {
      if (err instanceof api.ApiError && err.fields.token) setLinkBroken(true);
      else if (err instanceof api.ApiError && err.fields.password) setFieldError('Use 8 to 128 characters.');
      else setError(describePasswordError(err));
    } finally {
      setBusy(false);
    }
  };

  let body;
  if (done) {
    body = (
      <Notice kind="success">
        Your password has been changed and you have been logged out everywhere. <Link to={ROUTES.login}>Log in with your new password</Link>.
      </Notice>
    );
  } else if (linkBroken) {
    body = (
      <Notice kind="error">
        This link has expired or has already been used. <Link to={ROUTES.forgotPassword}>Ask for a new link</Link>.
      </Notice>
    );
  } else {
    body = (
      <form onSubmit={(e) => void submit(e)} noValidate>
        {error && <Notice kind="error">{error}</Notice>}
        <TextField
          label="New password"
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError}
          hint={PASSWORD_HINT}
          required
        />
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    );
  }
  return (
    <div className="auth">
      <div className="card auth__card">
        <h1>Choose a new password</h1>
        {body}
      </div>
    </div>
  );
}
