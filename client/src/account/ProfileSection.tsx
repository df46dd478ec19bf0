import { useState, type FormEvent } from 'react';
import * as api from '../api';
import type { User } from '../api/types';
import { TextField } from '../ui/Field';
import { Notice } from '../ui/Status';
import { describePasswordError } from './recoveryCopy';
import { useSession } from './SessionProvider';

/** Edits the profile (the name; the e-mail is the login and stays). */
export function ProfileSection({ user }: { user: User }) {
  const { setUser } = useSession();
  const [name, setName] = useState(user.name);
  const [fieldError, setFieldError] = useState('');
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const trimmed = name.trim();
    const problem = trimmed === '' ? 'Enter your name.' : trimmed.length > 100 ? 'Use at most 100 characters.' : '';
    setFieldError(problem);
    if (problem) return;
    setError('');
    setBusy(true);
    try {
      setUser(await api.updateAccount(trimmed));
      setSaved(true);
    } catch (err) {
      if (err instanceof api.ApiError && err.fields.name) setFieldError('Enter a name of at most 100 characters.');
      else setError(describePasswordError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="profile-title" className="section card">
      <h2 id="profile-title">Profile</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {saved && <Notice kind="success">Your profile has been saved.</Notice>}
        {error && <Notice kind="error">{error}</Notice>}
        <TextField label="E-mail" name="email" type="email" value={user.email} readOnly hint="Your e-mail is your login and cannot be changed here." />
        <TextField label="Name" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} error={fieldError} required />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </form>
    </section>
  );
}
