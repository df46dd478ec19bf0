import { afterEach, describe, expect, it } from 'vitest';
import * as api from './index';
import { setFetch } from './http';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(...answers: Response[]): Call[] {
  const calls: Call[] = [];
  setFetch((input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init: init ?? {} });
    const next = answers.shift();
    if (!next) return Promise.reject(new Error('unexpected request'));
    return Promise.resolve(next);
  });
  return calls;
}

/** The JSON body a request sent (the API module sends JSON text, nothing else). */
function sentJson(call: Call | undefined): unknown {
  const body = call?.init.body;
  if (typeof body !== 'string') throw new Error(`expected a JSON text body, got ${typeof body}`);
  return JSON.parse(body);
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => setFetch((...a) => fetch(...a)));

describe('password recovery API', () => {
  it('requests a reset with the trimmed address and accepts the 202', async () => {
    const calls = fakeFetch(json(202, { status: 'accepted' }));
    await api.requestPasswordReset('  ada@example.com ');
    expect(calls[0]?.url).toBe('/api/v1/auth/password-reset');
    expect(calls[0]?.init.method).toBe('POST');
    expect(sentJson(calls[0])).toEqual({ email: 'ada@example.com' });
  });

  it('confirms with token and password, and reports a used token as a token field error', async () => {
    const calls = fakeFetch(
      new Response(null, { status: 204 }),
      json(422, { error: { code: 'invalid', message: 'validation failed', fields: { token: 'is invalid or has expired' } } }),
    );
    await api.confirmPasswordReset('tok', 'new-password');
    expect(sentJson(calls[0])).toEqual({ token: 'tok', password: 'new-password' });
    const err = await api.confirmPasswordReset('tok', 'new-password').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(api.ApiError);
    expect((err as api.ApiError).fields.token).toBeTruthy();
  });

  it('changes the password with the wire field names', async () => {
    const calls = fakeFetch(new Response(null, { status: 204 }));
    await api.changePassword('old-password', 'new-password');
    expect(calls[0]?.url).toBe('/api/v1/account/password');
    expect(sentJson(calls[0])).toEqual({ current_password: 'old-password', new_password: 'new-password' });
  });
});
