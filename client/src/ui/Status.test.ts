// Component-level guard: whatever the server says, ErrorState shows the
// app's own words and the action that can help (log in, retry).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../api/errors';
import { ErrorState } from './Status';

beforeAll(() => {
  // The router reads the location; a server render has no window.
  const g = globalThis as unknown as { window?: unknown };
  g.window ??= { location: { pathname: '/checkout/confirmation/7', search: '' }, addEventListener() {}, removeEventListener() {} };
});

const render = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  renderToStaticMarkup(createElement(ErrorState, { error: toApiError(status, { error: { code, message, fields } }), onRetry: () => {} }));

describe('ErrorState', () => {
  it('asks a logged-out person to log in, with a link back, instead of "Try again"', () => {
    const html = render(401, 'unauthorized', 'log in first');
    expect(html).toContain('Please log in');
    expect(html).toContain(`href="/account/login?next=${encodeURIComponent('/checkout/confirmation/7')}"`);
    expect(html).toContain('>Log in</a>');
    expect(html).not.toContain('Try again');
    expect(html).not.toContain('log in first');
  });

  it('says the shop is temporarily unavailable, with a retry, for a 503', () => {
    const html = render(503, 'unavailable', 'database unavailable');
    expect(html).toContain('The shop is temporarily unavailable');
    expect(html).toContain('Try again');
    expect(html).not.toContain('database unavailable');
  });

  it('never renders server text for any code', () => {
    for (const code of ['invalid', 'not_found', 'conflict', 'forbidden', 'internal', 'rate_limited', 'too_large', 'payment_failed', 'payment_declined', 'insufficient_stock']) {
      const html = render(400, code, 'SERVER-TEXT validation failed', { cart: 'is empty', name: 'is too long' });
      expect(html, code).not.toContain('SERVER-TEXT');
      expect(html, code).not.toContain('validation failed');
      expect(html, code).not.toContain('is too long');
    }
    expect(render(429, 'rate_limited', 'too many attempts, retry in 53 seconds')).toContain('Too many attempts. Try again in about a minute.');
  });

  it('shows the generic sentence for a thrown non-API error, not its text', () => {
    const html = renderToStaticMarkup(createElement(ErrorState, { error: new Error('TypeError: x is undefined') }));
    expect(html).not.toContain('TypeError');
  });
});
