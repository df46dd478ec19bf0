// Per-page <head> tags: the meta description of every page and the Open
// Graph tags of product pages. They are set from JavaScript, so only
// crawlers and link previews that run scripts see them (docs/client.md).
import { useEffect, useLayoutEffect } from 'react';

type Attr = 'name' | 'property';

/** Sets (or, with null, removes) <meta attr=key content=...> in the head. */
export function setMeta(attr: Attr, key: string, content: string | null): void {
  let el = document.head.querySelector<HTMLMetaElement>(`meta[${attr}="${key}"]`);
  if (content === null) {
    el?.remove();
    return;
  }
  if (!el) {
    el = document.createElement('meta');
    el.setAttribute(attr, key);
    document.head.appendChild(el);
  }
  el.setAttribute('content', content);
}

/**
 * The page's meta description. Layout effects run before the passive
 * effects of the same commit, so the route-level default set this way
 * never overwrites a page's own, more specific description.
 */
export function useRouteDescription(description: string): void {
  useLayoutEffect(() => setMeta('name', 'description', description), [description]);
}

/** A page's own description once its data has loaded (null: keep the route's). */
export function useDescription(description: string | null): void {
  useEffect(() => {
    if (description !== null) setMeta('name', 'description', description);
  }, [description]);
}

/** Shortens text for a meta description (about 160 characters, on a word). */
export function summary(text: string, max = 160): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

/**
 * Open Graph tags (og:title, og:type, ...) while the component is shown;
 * they are removed when it goes, so other pages never carry a product's.
 */
export function useOpenGraph(tags: Record<string, string> | null): void {
  // The effect depends on the content of `tags`, not on the object (a new
  // one every render), so it works from this text of it.
  const key = tags ? JSON.stringify(tags) : '';
  useEffect(() => {
    if (!key) return;
    const shown = JSON.parse(key) as Record<string, string>;
    for (const [k, v] of Object.entries(shown)) setMeta('property', k, v);
    return () => {
      for (const k of Object.keys(shown)) setMeta('property', k, null);
    };
  }, [key]);
}

/**
 * <meta name="robots" content="noindex"> while the component is shown: a
 * "not found" page rendered for a client route (an unknown product) is
 * answered with 200 by the server, and this keeps it out of search indexes.
 */
export function useNoIndex(): void {
  useEffect(() => {
    setMeta('name', 'robots', 'noindex');
    return () => setMeta('name', 'robots', null);
  }, []);
}
