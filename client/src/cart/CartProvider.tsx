import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, type ReactNode } from 'react';
import * as api from '../api';
import type { Cart } from '../api/types';
import { cartReducer, initialCartState, type CartState } from './cartState';

interface CartApi {
  state: CartState;
  reload: () => Promise<void>;
  add: (productId: number, quantity: number) => Promise<boolean>;
  setQuantity: (productId: number, quantity: number) => Promise<boolean>;
  remove: (productId: number) => Promise<boolean>;
  /** After an order the server empties the cart; this mirrors it without a request. */
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
      dispatch({ type: 'loadFailed', message: api.describeError(e), cause: e });
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const change = useCallback(async (productId: number, run: () => Promise<Cart>) => {
    dispatch({ type: 'change', productId });
    try {
      dispatch({ type: 'changed', productId, cart: await run() });
      return true;
    } catch (e) {
      dispatch({ type: 'changeFailed', productId, message: api.describeError(e) });
      return false;
    }
  }, []);

  const value = useMemo<CartApi>(
    () => ({
      state,
      reload,
      add: (id, qty) => change(id, () => api.addToCart(id, qty)),
      setQuantity: (id, qty) => change(id, () => api.setCartQuantity(id, qty)),
      remove: (id) => change(id, () => api.removeFromCart(id)),
      replace: (cart) => dispatch({ type: 'loaded', cart }),
      dismissError: () => dispatch({ type: 'dismissError' }),
    }),
    [state, reload, change],
  );

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartApi {
  const ctx = useContext(CartContext);
  if (!ctx) throw new Error('useCart outside CartProvider');
  return ctx;
}
