import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import * as api from '../api';
import type { Cart } from '../api/types';
import { cartReducer, initialCartState, type CartState } from './cartState';
import { openCartSync, type CartSync } from './cartSync';

interface CartApi {
  state: CartState;
  reload: () => Promise<void>;
  add: (productId: number, quantity: number) => Promise<boolean>;
  setQuantity: (productId: number, quantity: number) => Promise<boolean>;
  remove: (productId: number) => Promise<boolean>;
  /** Shows a cart the server sent (after an order, or with a refused checkout) without a request; other tabs reload. */
  replace: (cart: Cart) => void;
  dismissError: () => void;
}

const CartContext = createContext<CartApi | null>(null);

export function CartProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(cartReducer, initialCartState);
  // For `change`, which must not be re-created with every state (an effect,
  // as a ref is not written while rendering).
  const hasCart = useRef(false);
  useEffect(() => {
    hasCart.current = state.cart !== null;
  }, [state.cart]);

  // Counts this tab's writes: a reload that a write overtook would show the
  // cart from before the write, so its answer is dropped.
  const writes = useRef(0);
  const reload = useCallback(async () => {
    const before = writes.current;
    dispatch({ type: 'load' });
    try {
      const cart = await api.getCart();
      if (writes.current === before) dispatch({ type: 'loaded', cart });
    } catch (e) {
      dispatch({ type: 'loadFailed', message: api.describeError(e), cause: e });
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  // The cart can change elsewhere (another tab, another device): reload it
  // when this tab comes back into view and when another tab changed it, so
  // that no page shows a stale total (issue 12, bug 1).
  const sync = useRef<CartSync | null>(null);
  useEffect(() => {
    const s = openCartSync(() => void reload());
    sync.current = s;
    const onFocus = () => void reload();
    const onVisibility = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      s.close();
      sync.current = null;
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [reload]);
  const notifyOthers = useCallback(() => sync.current?.notify(), []);

  const change = useCallback(async (productId: number, run: () => Promise<Cart>) => {
    writes.current++;
    dispatch({ type: 'change', productId });
    try {
      dispatch({ type: 'changed', productId, cart: await run() });
      notifyOthers();
      return true;
    } catch (e) {
      dispatch({ type: 'changeFailed', productId, message: api.describeError(e) });
      // The first read may have been dropped for this write: without a
      // cart to show, read again now that the write is over.
      if (!hasCart.current) void reload();
      return false;
    }
  }, [notifyOthers, reload]);

  const value = useMemo<CartApi>(
    () => ({
      state,
      reload,
      add: (id, qty) => change(id, () => api.addToCart(id, qty)),
      setQuantity: (id, qty) => change(id, () => api.setCartQuantity(id, qty)),
      remove: (id) => change(id, () => api.removeFromCart(id)),
      replace: (cart) => {
        writes.current++;
        dispatch({ type: 'loaded', cart });
        notifyOthers();
      },
      dismissError: () => dispatch({ type: 'dismissError' }),
    }),
    [state, reload, change, notifyOthers],
  );

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const ctx = useContext(CartContext);
  if (!ctx) throw new Error('useCart outside CartProvider');
  return ctx;
}
