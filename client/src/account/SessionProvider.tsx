import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import * as api from '../api';
import type { User } from '../api/types';
import { useCart } from '../cart/CartProvider';

interface Session {
  /** undefined while the first /auth/me is in flight; null for a guest. */
  user: User | null | undefined;
  login: (email: string, password: string) => Promise<User>;
  /** orderToken attaches a guest order (signed order link token) to the new account. */
  register: (email: string, password: string, name: string, orderToken?: string) => Promise<User>;
  logout: () => Promise<void>;
  /** Replaces the user after their profile changed, or forgets them (null) after a password reset ended their sessions. */
  setUser: (user: User | null) => void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const cart = useCart();
  const reloadCart = cart.reload;

  useEffect(() => {
    const ctrl = new AbortController();
    api.currentUser(ctrl.signal).then(
      (u) => setUser(u),
      () => {
        if (!ctrl.signal.aborted) setUser(null);
      },
    );
    return () => ctrl.abort();
  }, []);

  // Logging in merges the guest cart on the server: fetch the merged cart.
  const login = useCallback(
    async (email: string, password: string) => {
      const u = await api.login(email, password);
      setUser(u);
      await reloadCart();
      return u;
    },
    [reloadCart],
  );

  const register = useCallback(
    async (email: string, password: string, name: string, orderToken?: string) => {
      const u = await api.register(email, password, name, orderToken);
      setUser(u);
      await reloadCart();
      return u;
    },
    [reloadCart],
  );

  const logout = useCallback(async () => {
    await api.logout();
    setUser(null);
    await reloadCart();
  }, [reloadCart]);

  const value = useMemo(() => ({ user, login, register, logout, setUser }), [user, login, register, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
