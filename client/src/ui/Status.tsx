import type { ReactNode } from 'react';
import { ApiError, describeError } from '../api';
import { loginThen } from '../routes';
import { Link, useLocation } from '../lib/router';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="status status--loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/**
 * A failed load. The words are the app's own (describeError); what the
 * person can do depends on the failure: log in for a 401 (retrying cannot
 * help), wait for a rate limit, retry for everything else.
 */
export function ErrorState({ error, onRetry, title, page = false }: { error: unknown; onRetry?: () => void; title?: string; page?: boolean }) {
  const { href } = useLocation();
  // When the failure is all the page shows, its title is the page's h1.
  const Title = page ? 'h1' : 'p';
  const code = error instanceof ApiError ? error.code : 'internal';
  if (code === 'unauthorized') {
    return (
      <div className="status status--error" role="alert" data-error-code={code}>
        <Title className="status__title">Please log in</Title>
        <p>You need to be logged in to see this page.</p>
        <Link to={loginThen(href)} className="button button--primary">
          Log in
        </Link>
      </div>
    );
  }
  const heading = title ?? ERROR_TITLES[code] ?? 'Something went wrong';
  return (
    <div className="status status--error" role="alert" data-error-code={code}>
      <Title className="status__title">{heading}</Title>
      <p>{describeError(error)}</p>
      {onRetry && code !== 'forbidden' && code !== 'not_found' && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

const ERROR_TITLES: Partial<Record<string, string>> = {
  unavailable: 'The shop is temporarily unavailable',
  network: 'The shop is temporarily unavailable',
  rate_limited: 'Too many attempts',
  not_found: 'Not found',
  forbidden: 'No access',
};

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="status status--empty">
      <p className="status__title">{title}</p>
      {children}
    </div>
  );
}

/** A message that appears after an action; role=alert for errors so it is announced. */
export function Notice({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ReactNode }) {
  return (
    <div className={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
