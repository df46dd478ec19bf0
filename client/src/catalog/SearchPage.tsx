import { useEffect, useRef, useState, type FormEvent } from 'react';
import * as api from '../api';
import { LIMITS } from '../api/limits';
import { SEARCH_DEBOUNCE_MS } from '../constants';
import { ROUTES } from '../routes';
import { Link, navigate, useSearchParams } from '../lib/router';
import { useDebouncedValue, useDocumentTitle, useResource } from '../lib/useResource';
import { Pagination } from '../ui/Pagination';
import { ProductGrid } from '../ui/ProductCard';
import { EmptyState, ErrorState, Loading, Notice } from '../ui/Status';
import { searchHref } from './filters';

const MAX_QUERY = LIMITS.getSearch.q.maxLength;

/** Results update as you type (debounced) and on submit; the query lives in the URL. */
export function SearchPage() {
  const [params] = useSearchParams();
  // The server refuses a query over its limit; a longer link (pasted, or
  // 5,000 characters of it) searches for the first MAX characters and says so.
  const raw = (params.get('q') ?? '').trim();
  const chars = Array.from(raw);
  const capped = chars.length > MAX_QUERY;
  const q = capped ? chars.slice(0, MAX_QUERY).join('').trim() : raw;
  const pageParam = Number(params.get('page'));
  const page = Number.isInteger(pageParam) && pageParam > 0 ? pageParam : 1;
  useDocumentTitle(q ? `Search: ${q}` : 'Search');

  const [text, setText] = useState(q);
  const typed = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  const lastPushed = useRef(q);

  // Follow the URL when it changes from outside (header search, Back).
  useEffect(() => {
    if (q !== lastPushed.current) {
      lastPushed.current = q;
      setText(q);
    }
  }, [q]);

  // Typing replaces the URL (no history entry per keystroke).
  useEffect(() => {
    const t = typed.trim();
    if (t === lastPushed.current) return;
    lastPushed.current = t;
    navigate(searchHref(t), { replace: true, keepScroll: true });
  }, [typed]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    lastPushed.current = text.trim();
    navigate(searchHref(text), { keepScroll: true });
  };

  const results = useResource((s) => (q ? api.searchProducts(q, page, s) : Promise.resolve(null)), `${q}|${page}`);

  return (
    <div>
      <div className="page-header">
        <h1>{q ? `Results for “${q}”` : 'Search'}</h1>
      </div>
        <form className="search-form search-form--page" onSubmit={submit} role="search" aria-label="Search products">
          <label htmlFor="search-page-input" className="visually-hidden">
            Search products
          </label>
          <input
            id="search-page-input"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Search by name or description"
            maxLength={MAX_QUERY}
            autoComplete="off"
            enterKeyHint="search"
          />
          <button type="submit" className="button button--primary">
            Search
          </button>
        </form>

      <section aria-live="polite" aria-busy={results.status === 'loading'} className="section">
        {capped && (
          <Notice kind="info">
            Searches can be at most {MAX_QUERY} characters, so we searched for the first {MAX_QUERY}.
          </Notice>
        )}
        {!q && <EmptyState title="What are you looking for?">Type a word or two, like “mug” or “lamp”.</EmptyState>}
        {q && results.status === 'loading' && <Loading label="Searching…" />}
        {q && results.status === 'error' && <ErrorState error={results.error} onRetry={results.reload} />}
        {q && results.status === 'ok' && results.data && (
          results.data.items.length === 0 ? (
            <EmptyState title={`No results for “${q}”`}>
              Try a different word, or <Link to={ROUTES.catalog}>browse the catalog</Link>.
            </EmptyState>
          ) : (
            <>
              <h2 className="toolbar__count">
                {results.data.total} {results.data.total === 1 ? 'result' : 'results'}
              </h2>
              <ProductGrid products={results.data.items} eagerCount={3} label="Search results" />
              <Pagination page={page} pageCount={results.data.pageCount} href={(n) => searchHref(q, n)} />
            </>
          )
        )}
      </section>
    </div>
  );
}
