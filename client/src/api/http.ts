// The only place in the app that calls fetch.
import { API_BASE } from '../constants';
import { ApiError, fallbackMessage, toApiError } from './errors';

export type Fetch = typeof fetch;

let fetchImpl: Fetch = (...args) => fetch(...args);

/** Tests swap in a fake fetch. */
export function setFetch(f: Fetch): void {
  fetchImpl = f;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

/**
 * Sends one request to the API and returns the parsed JSON body (undefined
 * for 204). Throws ApiError for every failure, including network errors.
 */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  // Catalog reads are publicly cacheable for a CDN (Cache-Control max-age);
  // the app itself always revalidates them (If-None-Match, a cheap 304), so
  // a shopper's own order or an admin's edit shows on the next page at once.
  if (method === 'GET') init.cache = 'no-cache';
  if (method !== 'GET' && method !== 'HEAD') {
    // Writes must be JSON (the server's CSRF guard), even with no body.
    headers['Content-Type'] = 'application/json';
    if (opts.body !== undefined) init.body = JSON.stringify(opts.body);
  }
  if (opts.signal) init.signal = opts.signal;

  let res: Response;
  try {
    res = await fetchImpl(`${API_BASE}${path}`, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', fallbackMessage('network'));
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text().catch(() => '');
  let body: unknown;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) throw toApiError(res.status, body, retryAfterSeconds(res.headers.get('Retry-After')));
  if (body === undefined && text !== '') {
    throw new ApiError(res.status, 'internal', 'The shop answered with something that is not JSON.');
  }
  return body as T;
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined if absent or unreadable. */
export function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const n = Number(header.trim());
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - Date.now()) / 1000));
}
