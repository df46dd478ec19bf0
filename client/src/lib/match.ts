// Path patterns like "/products/:slug"; kept apart from the router so that
// unit tests need no DOM.
export type Params = Record<string, string>;

export function matchPath(pattern: string, pathname: string): Params | null {
  const strip = (s: string) => s.replace(/\/+$/, '') || '/';
  const want = strip(pattern).split('/');
  const got = strip(pathname).split('/');
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}
