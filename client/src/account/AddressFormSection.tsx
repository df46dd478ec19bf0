import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import * as api from '../api';
import { LIMITS } from '../api/limits';
import type { Address, SavedAddress } from '../api/types';
import { CountrySelect } from '../ui/CountrySelect';
import { TextField } from '../ui/Field';
import { ADDRESS_FIELDS, addressFailure, mapAddressErrors, validateAddress, type AddressErrors, type AddressField } from './addressBook';

/**
 * The address book's form, for a new address or a saved one. Its heading
 * takes the focus when it opens, so a screen reader says which it is; a
 * refused save moves the focus to the first field in error.
 */
export function AddressFormSection({
  title,
  initial,
  submitLabel,
  save,
  onSaved,
  onCancel,
}: {
  title: string;
  initial: Address;
  submitLabel: string;
  save: (a: Address) => Promise<SavedAddress>;
  onSaved: (a: SavedAddress) => void;
  onCancel: () => void;
}) {
  const headingId = useId();
  const [form, setForm] = useState<Address>(initial);
  const [errors, setErrors] = useState<AddressErrors>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => headingRef.current?.focus(), []);

  const focusFirstError = (errs: AddressErrors) => {
    const first = ADDRESS_FIELDS.find((f) => errs[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  };

  const set = (field: AddressField) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [field]: e.target.value }));
    if (errors[field]) setErrors((er) => ({ ...er, [field]: undefined }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setFailure('');
    const errs = validateAddress(form);
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      focusFirstError(errs);
      return;
    }
    setBusy(true);
    try {
      const saved = await save(form);
      onSaved(saved);
    } catch (err) {
      setBusy(false);
      if (err instanceof api.ApiError && err.code === 'invalid') {
        const mapped = mapAddressErrors(err);
        setErrors(mapped.fields);
        setFailure([err.message, ...mapped.other].join(' '));
        focusFirstError(mapped.fields);
        return;
      }
      setFailure(addressFailure(err, 'save'));
    }
  };

  const L = LIMITS.Address;
  return (
    <section className="card address-form" aria-labelledby={headingId} data-testid="address-form">
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate aria-describedby={failure ? `${headingId}-failure` : undefined}>
        {failure && (
          <div id={`${headingId}-failure`} className="notice notice--error" role="alert">
            {failure}
          </div>
        )}
        <div className="form-grid">
          <TextField label="Full name" name="name" autoComplete="name" value={form.name} onChange={set('name')} error={errors.name} maxLength={L.name.maxLength} required className="span-2" />
          <TextField label="Address" name="line1" autoComplete="address-line1" value={form.line1} onChange={set('line1')} error={errors.line1} maxLength={L.line1.maxLength} required className="span-2" />
          <TextField label="Apartment, suite (optional)" name="line2" autoComplete="address-line2" value={form.line2} onChange={set('line2')} error={errors.line2} maxLength={L.line2.maxLength} className="span-2" />
          <TextField label="City" name="city" autoComplete="address-level2" value={form.city} onChange={set('city')} error={errors.city} maxLength={L.city.maxLength} required />
          <TextField label="State or region (optional)" name="region" autoComplete="address-level1" value={form.region} onChange={set('region')} error={errors.region} maxLength={L.region.maxLength} />
          <TextField label="Postal code" name="postalCode" autoComplete="postal-code" value={form.postalCode} onChange={set('postalCode')} error={errors.postalCode} maxLength={L.postal_code.maxLength} required />
          <CountrySelect name="country" value={form.country} onChange={set('country')} error={errors.country} required />
          <TextField label="Phone (optional)" name="phone" type="tel" autoComplete="tel" value={form.phone} onChange={set('phone')} error={errors.phone} maxLength={L.phone.maxLength} className="span-2" />
        </div>
        <div className="actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : submitLabel}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
