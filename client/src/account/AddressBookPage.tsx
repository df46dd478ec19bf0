import { useEffect, useRef, useState } from 'react';
import * as api from '../api';
import type { SavedAddress } from '../api/types';
import { loginThen, ROUTES } from '../routes';
import { Link, Redirect } from '../lib/router';
import { useDocumentTitle, useResource } from '../lib/useResource';
import { addressOneLine } from '../ui/address';
import { AddressBlock } from '../ui/AddressBlock';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { EmptyState, ErrorState, Loading } from '../ui/Status';
import { AddressFormSection } from './AddressFormSection';
import { addressFailure, emptyAddress, toForm } from './addressBook';
import { useSession } from './SessionProvider';

/** What the form is open for: a new address (id null) or a saved one. */
type Editing = { id: number | null } | null;

const MESSAGE = '[data-testid="address-message"]';
const ADD = '[data-add-address]';

/** The account area's address book: list, add, edit, delete (after a question). */
export function AddressBookPage() {
  useDocumentTitle('Your addresses');
  const { user } = useSession();
  const list = useResource((s) => (user ? api.listAddresses(s) : Promise.resolve(null)), `addresses|${user?.id ?? ''}`);
  // The list as it is after this page's own changes (no reload, no lost focus).
  const [changed, setChanged] = useState<SavedAddress[] | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<SavedAddress | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  // Where the focus goes once the next render is on screen: the control that
  // was replaced (Edit becomes the form and back) or the message.
  // A ref, not state: setting it always comes with a state change that
  // renders (the message, the form opening or closing), and the effect
  // after that render moves the focus once and forgets the target.
  const focusTarget = useRef<string | null>(null);
  useEffect(() => {
    const target = focusTarget.current;
    if (!target) return;
    focusTarget.current = null;
    (document.querySelector<HTMLElement>(target) ?? document.querySelector<HTMLElement>('main h1'))?.focus();
  });

  if (user === undefined) return <Loading />;
  if (user === null) return <Redirect to={loginThen(ROUTES.accountAddresses)} />;

  const items = changed ?? (list.status === 'ok' ? list.data : null);

  /** Shows a message and moves the focus to it (the button that led here may be gone). */
  const tell = (kind: 'success' | 'error', text: string) => {
    setMessage({ kind, text });
    focusTarget.current = MESSAGE;
  };

  const open = (next: Editing) => {
    setMessage(null);
    setEditing(next);
  };

  const cancel = () => {
    focusTarget.current = editing?.id ? `[data-edit="${editing.id}"]` : ADD;
    setEditing(null);
  };

  const saved = (a: SavedAddress) => {
    const current = items ?? [];
    const isNew = !current.some((x) => x.id === a.id);
    setChanged(isNew ? [...current, a] : current.map((x) => (x.id === a.id ? a : x)));
    setEditing(null);
    tell('success', isNew ? 'The address was added.' : 'The address was saved.');
  };

  const remove = async () => {
    if (!deleting) return;
    const target = deleting;
    setBusy(true);
    try {
      await api.deleteAddress(target.id);
      setChanged((items ?? []).filter((x) => x.id !== target.id));
      tell('success', 'The address was deleted.');
    } catch (err) {
      if (err instanceof api.ApiError && err.code === 'not_found') setChanged((items ?? []).filter((x) => x.id !== target.id));
      tell('error', addressFailure(err, 'delete'));
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  };

  const form = (id: number | null) => {
    const current = id === null ? null : items?.find((x) => x.id === id);
    return (
      <AddressFormSection
        key={id ?? 'new'}
        title={current ? 'Edit address' : 'New address'}
        initial={current ? toForm(current) : emptyAddress(user.name)}
        submitLabel={current ? 'Save address' : 'Add address'}
        save={(a) => (current ? api.updateAddress(current.id, a) : api.saveAddress(a))}
        onSaved={saved}
        onCancel={cancel}
      />
    );
  };

  return (
    <div className="account">
      <div className="page-header">
        <p>
          <Link to={ROUTES.account}>← Your account</Link>
        </p>
        <h1>Your addresses</h1>
        <p className="muted">Addresses saved here are offered at checkout.</p>
      </div>
      {message && (
        <div tabIndex={-1} className={`notice notice--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="address-message">
          {message.text}
        </div>
      )}
      {list.status === 'loading' && !changed && <Loading label="Loading your addresses…" />}
      {list.status === 'error' && !changed && <ErrorState error={list.error} onRetry={list.reload} />}
      {items && (
        <>
          {editing?.id === null ? (
            form(null)
          ) : (
            <p>
              <button type="button" className="button button--primary" data-add-address onClick={() => open({ id: null })}>
                Add an address
              </button>
            </p>
          )}
          {items.length === 0 && editing?.id !== null && (
            <EmptyState title="No saved addresses yet">
              <p>Add one here, or tick “Save this address to my address book” at checkout.</p>
            </EmptyState>
          )}
          {items.length > 0 && (
            <ul className="address-list" aria-label="Saved addresses">
              {items.map((a) =>
                editing?.id === a.id ? (
                  <li key={a.id} className="address-list__item address-list__item--editing">
                    {form(a.id)}
                  </li>
                ) : (
                  <li key={a.id} className="address-list__item card" data-testid="saved-address">
                    <AddressBlock address={a} className="address-list__address" />
                    {a.phone && <p className="muted small">{a.phone}</p>}
                    <div className="actions">
                      <button type="button" className="button button--secondary button--small" data-edit={a.id} onClick={() => open({ id: a.id })} aria-label={`Edit address: ${addressOneLine(a)}`}>
                        Edit
                      </button>
                      <button type="button" className="button button--secondary button--small" onClick={() => setDeleting(a)} aria-label={`Delete address: ${addressOneLine(a)}`}>
                        Delete
                      </button>
                    </div>
                  </li>
                ),
              )}
            </ul>
          )}
        </>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this address?"
        confirmLabel="Delete address"
        cancelLabel="Keep address"
        busy={busy}
        onConfirm={() => void remove()}
        onClose={() => setDeleting(null)}
      >
        {deleting && <AddressBlock address={deleting} />}
      </ConfirmDialog>
    </div>
  );
}
