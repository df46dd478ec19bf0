// A small history router: the app needs path params, query strings as
// state, links, and focus management on navigation, and nothing more.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { matchPath, type Params } from './match';

const NAV_EVENT = 'shop:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAV_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAV_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface NavigateOptions {
  replace?: boolean;
  /** Keep the scroll position (filters and pagination that replace the URL). */
  keepScroll?: boolean;
}

export function navigate(to: string, opts: NavigateOptions = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAV_EVENT));
  if (!opts.keepScroll) window.scrollTo(0, 0);
}

export function useLocation(): { pathname: string; search: string; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot, snapshot);
  return useMemo(() => {
    const q = href.indexOf('?');
    return q < 0 ? { pathname: href, search: '', href } : { pathname: href.slice(0, q), search: href.slice(q), href };
  }, [href]);
}

export function useSearchParams(): [URLSearchParams, (next: URLSearchParams, opts?: NavigateOptions) => void] {
  const { pathname, search } = useLocation();
  const params = useMemo(() => new URLSearchParams(search), [search]);
  const set = useCallback(
    (next: URLSearchParams, opts?: NavigateOptions) => {
      const s = next.toString();
      navigate(s ? `${pathname}?${s}` : pathname, opts);
    },
    [pathname],
  );
  return [params, set];
}

const ParamsContext = createContext<Params>({});
export const useParams = () => useContext(ParamsContext);

export interface Route {
  path: string;
  render: () => ReactNode;
}

/** Renders the first route whose path matches; `fallback` when none does. */
export function Routes({ routes, fallback }: { routes: Route[]; fallback: () => ReactNode }) {
  const { pathname } = useLocation();
  for (const r of routes) {
    const params = matchPath(r.path, pathname);
    if (params) {
      return (
        <ParamsContext.Provider key={r.path} value={params}>
          {r.render()}
        </ParamsContext.Provider>
      );
    }
  }
  return <>{fallback()}</>;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (rest.target && rest.target !== '_self') return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}

/** Redirects on render (e.g. to the login page). */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/**
 * After a client-side navigation, moves focus to the new page's h1 so that
 * keyboard and screen-reader users start at the top of the new content.
 * The first load keeps the browser's default focus.
 */
export function useFocusOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Wait a frame: lazy pages render their heading after this effect.
    let tries = 0;
    let handle = 0;
    const focus = () => {
      const h1 = document.querySelector<HTMLElement>('main h1');
      if (h1) {
        h1.setAttribute('tabindex', '-1');
        h1.focus({ preventScroll: true });
      } else if (tries++ < 20) {
        handle = window.setTimeout(focus, 50);
      }
    };
    handle = window.setTimeout(focus, 0);
    return () => window.clearTimeout(handle);
  }, [pathname]);
}
