// Tells the other tabs of this shop that the cart changed, so that they
// reload it (a checkout open in another tab must not show a stale total;
// issue 12, bug 1). BroadcastChannel where there is one, else a write to
// localStorage, which fires a storage event in every other tab.

const CHANNEL = 'shopstack-cart';
const STORAGE_KEY = 'shopstack-cart-changed';

interface StorageEnv {
  localStorage: { setItem(key: string, value: string): void };
  addEventListener(type: 'storage', fn: (e: { key: string | null }) => void): void;
  removeEventListener(type: 'storage', fn: (e: { key: string | null }) => void): void;
}

export interface CartSync {
  /** Call after this tab changed the cart. */
  notify: () => void;
  close: () => void;
}

/**
 * Calls onRemoteChange when another tab changed the cart (never for this
 * tab's own notify). env is the storage fallback's window, for tests.
 */
export function openCartSync(onRemoteChange: () => void, env?: StorageEnv): CartSync {
  if (!env && typeof BroadcastChannel === 'function') {
    const ch = new BroadcastChannel(CHANNEL);
    ch.onmessage = () => onRemoteChange();
    return { notify: () => ch.postMessage('changed'), close: () => ch.close() };
  }
  const w: StorageEnv | undefined = env ?? (typeof window !== 'undefined' ? window : undefined);
  if (!w) return { notify: () => {}, close: () => {} };
  const onStorage = (e: { key: string | null }) => {
    if (e.key === STORAGE_KEY) onRemoteChange();
  };
  w.addEventListener('storage', onStorage);
  return {
    notify: () => {
      try {
        // A new value each time, or the browser fires no event.
        w.localStorage.setItem(STORAGE_KEY, `${Date.now()}-${Math.random()}`);
      } catch {
        // Storage disabled: the other tabs still reload on focus.
      }
    },
    close: () => w.removeEventListener('storage', onStorage),
  };
}
