import { useCallback, useEffect, useState } from 'react';

export type Resource<T> =
  | { status: 'loading'; data: undefined; error: undefined; reload: () => void }
  | { status: 'ok'; data: T; error: undefined; reload: () => void }
  | { status: 'error'; data: undefined; error: unknown; reload: () => void };

/**
 * Loads data for a component and re-loads when `key` changes. Stale answers
 * are dropped (the request is aborted), so fast filter changes cannot show
 * an older result over a newer one.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Resource<T> {
  const [state, setState] = useState<{ key: string; status: 'loading' | 'ok' | 'error'; data?: T; error?: unknown }>({
    key,
    status: 'loading',
  });
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);

  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => (s.key === key && s.status === 'loading' ? s : { key, status: 'loading' }));
    load(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ key, status: 'ok', data });
      },
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState({ key, status: 'error', error });
      },
    );
    return () => ctrl.abort();
    // `load` is a fresh closure every render; `key` says when it changed meaningfully.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, nonce]);

  if (state.key !== key || state.status === 'loading') return { status: 'loading', data: undefined, error: undefined, reload };
  if (state.status === 'error') return { status: 'error', data: undefined, error: state.error, reload };
  return { status: 'ok', data: state.data as T, error: undefined, reload };
}

/** Calls `fn` once `value` has stopped changing for `ms`. */
export function useDebouncedValue<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · shopstack` : 'shopstack';
  }, [title]);
}
