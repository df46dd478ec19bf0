import { useCallback, useEffect, useEffectEvent, useState } from 'react';

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
  // The last answer and the request (key and reload count) it answers; any
  // other request is still loading, so no effect has to set "loading" itself.
  const [state, setState] = useState<{ key: string; nonce: number; status: 'ok' | 'error'; data?: T; error?: unknown } | null>(null);
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  // `load` is a fresh closure every render: the effect calls the latest one,
  // and `key` (with a reload) says when to call it again.
  const loadLatest = useEffectEvent(load);

  useEffect(() => {
    const ctrl = new AbortController();
    loadLatest(ctrl.signal).then(
      (data) => {
        if (!ctrl.signal.aborted) setState({ key, nonce, status: 'ok', data });
      },
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState({ key, nonce, status: 'error', error });
      },
    );
    return () => ctrl.abort();
  }, [key, nonce]);

  if (!state || state.key !== key || state.nonce !== nonce) return { status: 'loading', data: undefined, error: undefined, reload };
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
