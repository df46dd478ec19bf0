import { afterEach, describe, expect, it } from 'vitest';
import * as api from './index';
import { setFetch } from './http';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(...answers: Response[]): Call[] {
  const calls: Call[] = [];
  setFetch(async (input, init) => {
    calls.push({ url: String(input), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return next;
  });
  return calls;
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

afterEach(() => setFetch((...a) => fetch(...a)));

describe('password recovery API', () => {
  it('requests a reset with the trimmed address and accepts the 202', async () => {
    const calls = fakeFetch(json(202, { status: 'accepted' }));
    await api.requestPasswordReset('  ada@example.com ');
    expect(calls[0]?.url).toBe('/api/v1/auth/password-reset');
    expect(calls[0]?.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ email: 'ada@example.com' });
  });

  it('confirms with token and password, and reports a used token as a token field error', async () => {
    const calls = fakeFetch(
      new Response(null, { status: 204 }),
      json(422, { error: { code: 'invalid', message: 'validation failed', fields: { token: 'is invalid or has expired' } } }),
    );
    await api.confirmPasswordReset('tok', 'new-password');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ token: 'tok', password: 'new-password' });
    const err = await api.confirmPasswordReset('tok', 'new-password').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(api.ApiError);
    expect((err as api.ApiError).fields.token).toBeTruthy();
  });

  it('changes the password with the wire field names', async () => {
    const calls = fakeFetch(new Response(null, { status: 204 }));
    await api.changePassword('old-password', 'new-password');
    expect(calls[0]?.url).toBe('/api/v1/account/password');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ current_password: 'old-password', new_password: 'new-password' });
  });
});
