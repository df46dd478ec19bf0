import { useState, type FormEvent } from 'react';
import * as api from '../api';
import { TextField } from '../ui/Field';
import { Notice } from '../ui/Status';
import { describePasswordError, newPasswordProblem, PASSWORD_HINT } from './recoveryCopy';

type Field = 'current' | 'next';

/** Changes the password; the server ends every other session of the account. */
export function PasswordSection() {
  const [form, setForm] = useState({ current: '', next: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState('');
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChanged(false);
    const errs: Partial<Record<Field, string>> = {};
    if (!form.current) errs.current = 'Enter your current password.';
    const problem = newPasswordProblem(form.next);
    if (problem) errs.next = problem;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setError('');
    setBusy(true);
    try {
      await api.changePassword(form.current, form.next);
      setForm({ current: '', next: '' });
      setChanged(true);
    } catch (err) {
      if (err instanceof api.ApiError && err.fields.current_password) setErrors({ current: 'That is not your current password.' });
      else if (err instanceof api.ApiError && err.fields.new_password) setErrors({ next: 'Use 8 to 128 characters.' });
      else setError(describePasswordError(err));
    } finally {
      setBusy(false);
    }
  };

  const set = (k: Field) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <section aria-labelledby="password-title" className="section card">
      <h2 id="password-title">Password</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {changed && <Notice kind="success">Your password has been changed. You have been logged out on your other devices.</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        <TextField
          label="Current password"
          name="current-password"
          type="password"
          autoComplete="current-password"
          value={form.current}
          onChange={set('current')}
          error={errors.current}
          required
        />
        <TextField
          label="New password"
          name="new-password"
          type="password"
          autoComplete="new-password"
          value={form.next}
          onChange={set('next')}
          error={errors.next}
          hint={PASSWORD_HINT}
          required
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
