import { useCallback, useState } from 'react';
import type { Money } from '../api/types';

/**
 * The subtotal the checkout first showed, while the cart's subtotal is now
 * different (another tab changed the cart and this one reloaded it), else
 * null. acknowledge makes the current subtotal the one the customer knows
 * about (after a refusal that already told them).
 */
export function useCartChangedSince(subtotal: Money | undefined): { changedFrom: Money | null; acknowledge: (m: Money | undefined) => void } {
  const [known, setKnown] = useState<Money | undefined>(subtotal);
  const acknowledge = useCallback((m: Money | undefined) => setKnown(m), []);
  const changedFrom = known && subtotal && known.minor !== subtotal.minor ? known : null;
  return { changedFrom, acknowledge };
}
