import { useId } from 'react';
import * as api from '../api';
import type { Address, SavedAddress } from '../api/types';
import { useResource } from '../lib/useResource';
import { addressOneLine } from '../ui/address';

/**
 * One line for an address in a list, in its country's order like every
 * printed address (ui/address.ts): "Erika Mustermann, Unter den Linden 5,
 * 10117 Berlin, Germany", not "…, Berlin 10117, DE".
 */
export function addressLine(a: Address): string {
  return addressOneLine(a);
}

/**
 * A logged-in customer's address book at checkout: picking one fills the
 * shipping address. Renders nothing while loading, on error or when the
 * book is empty (the typed address is all there is then).
 */
export function SavedAddressPicker({ onPick }: { onPick: (a: SavedAddress) => void }) {
  const id = useId();
  const list = useResource((s) => api.listAddresses(s), 'checkout-addresses');
  if (list.status !== 'ok' || list.data.length === 0) return null;
  const pick = (value: string) => {
    const a = list.data.find((x) => String(x.id) === value);
    if (a) onPick(a);
  };
  return (
    <div className="field span-2" data-testid="saved-addresses">
      <label htmlFor={id}>Use a saved address</label>
      <select id={id} name="savedAddress" defaultValue="" onChange={(e) => pick(e.target.value)}>
        <option value="">Choose an address…</option>
        {list.data.map((a) => (
          <option key={a.id} value={a.id}>
            {addressLine(a)}
          </option>
        ))}
      </select>
    </div>
  );
}
