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

  const reload = useCallback(async () => {
    dispatch({ type: 'load' });
    try {
      dispatch({ type: 'loaded', cart: await api.getCart() });
    } catch (e) {
      dispatch({ type: 'loadFailed', message: api.describeError(e) });
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
    dispatch({ type: 'change', productId });
    try {
      dispatch({ type: 'changed', productId, cart: await run() });
      notifyOthers();
      return true;
    } catch (e) {
      dispatch({ type: 'changeFailed', productId, message: api.describeError(e) });
      return false;
    }
  }, [notifyOthers]);

  const value = useMemo<CartApi>(
    () => ({
      state,
      reload,
      add: (id, qty) => change(id, () => api.addToCart(id, qty)),
      setQuantity: (id, qty) => change(id, () => api.setCartQuantity(id, qty)),
      remove: (id) => change(id, () => api.removeFromCart(id)),
      replace: (cart) => {
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
