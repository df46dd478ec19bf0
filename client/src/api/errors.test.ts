// The copy map is complete and no server words reach the screen: every
// error code the server defines (server/domain/errors.go, plus the edge
// codes of server/httpapi/errors.go) has written copy, and every field
// message the server's Go code can produce is replaced by ours.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_COPY, fieldCopy, retryCopy, toApiError } from './errors';
import { LIMITS } from './limits';

const serverDir = join(__dirname, '..', '..', '..', 'server');
const read = (...p: string[]) => readFileSync(join(serverDir, ...p), 'utf8');
const goFiles = (dir: string) =>
  readdirSync(join(serverDir, dir))
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .map((f) => read(dir, f));

function serverErrorCodes(): string[] {
  const domain = [...read('domain', 'errors.go').matchAll(/^\s*E[A-Z]+\s*=\s*"([a-z_]+)"/gm)].map((m) => m[1] ?? '');
  const edge = [...read('httpapi', 'errors.go').matchAll(/^\s*code[A-Za-z]+\s*=\s*"([a-z_]+)"/gm)].map((m) => m[1] ?? '');
  return [...domain, ...edge];
}

/** [field, message] pairs of every field error in the server's Go code. */
function serverFieldMessages(): [string, string][] {
  const out: [string, string][] = [];
  for (const src of [...goFiles('domain'), ...goFiles('store')]) {
    for (const m of src.matchAll(/\badd\(\s*(?:prefix\s*\+\s*)?"([a-z_.]+)",\s*"([^"]+)"\)/g)) out.push([m[1] ?? '', m[2] ?? '']);
    for (const m of src.matchAll(/map\[string\]string\{"([a-z_.]+)":\s*"([^"]+)"\}/g)) out.push([m[1] ?? '', m[2] ?? '']);
  }
  return out;
}

describe('error copy', () => {
  it('has written copy for every error code the server defines', () => {
    const codes = serverErrorCodes();
    expect(codes.length).toBeGreaterThanOrEqual(12);
    for (const code of codes) {
      expect(ERROR_CODES as readonly string[]).toContain(code);
      expect(ERROR_COPY[code as keyof typeof ERROR_COPY]).toMatch(/\.$/);
    }
  });

  it('never shows the server message, whatever the code', () => {
    for (const code of serverErrorCodes()) {
      const serverText = `server says ${code}: database unavailable`;
      const e = toApiError(400, { error: { code, message: serverText } });
      expect(e.message).not.toContain('server says');
      expect(e.serverMessage).toBe(serverText);
    }
    // The examples of issue 12.
    expect(toApiError(422, { error: { code: 'invalid', message: 'validation failed', fields: { cart: 'is empty' } } }).message).toBe(
      'Your cart is empty. Add something to it before checking out.',
    );
    expect(toApiError(429, { error: { code: 'rate_limited', message: 'too many attempts, retry in 53 seconds' } }, 53).message).toBe(
      'Too many attempts. Try again in about a minute.',
    );
    expect(toApiError(503, { error: { code: 'unavailable', message: 'database unavailable' } }).message).toBe(
      'The shop is temporarily unavailable. Please try again in a moment.',
    );
    expect(toApiError(401, { error: { code: 'unauthorized', message: 'log in first' } }).message).toBe('Please log in to continue.');
  });

  it('replaces every field message the server can send', () => {
    const pairs = serverFieldMessages();
    expect(pairs.length).toBeGreaterThan(30);
    for (const [field, message] of pairs) {
      const copy = fieldCopy(field, message);
      expect(copy, `${field}: ${message}`).not.toBe(message);
      if (message.length > 12) expect(copy, `${field}: ${message}`).not.toContain(message);
      expect(copy).not.toContain('_');
      expect(copy).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('names the limit in "too long" copy, from the generated limits', () => {
    expect(fieldCopy('shipping_address.name', 'must be at most 100 characters')).toBe(`The name can be at most ${LIMITS.Address.name.maxLength} characters.`);
    expect(fieldCopy('line1', 'must be at most 200 characters')).toBe(`The street address can be at most ${LIMITS.Address.line1.maxLength} characters.`);
    expect(fieldCopy('postal_code', 'is too long')).toBe(`The postal code can be at most ${LIMITS.Address.postal_code.maxLength} characters.`);
    expect(fieldCopy('q', 'must be at most 200 characters')).toBe(`The search can be at most ${LIMITS.getSearch.q.maxLength} characters.`);
  });

  it('says when to retry in words', () => {
    expect(retryCopy(undefined)).toBe('Try again in about a minute.');
    expect(retryCopy(5)).toBe('Try again in a few seconds.');
    expect(retryCopy(53)).toBe('Try again in about a minute.');
    expect(retryCopy(600)).toBe('Try again in about 10 minutes.');
    expect(retryCopy(7200)).toBe('Try again in about an hour.');
  });
});

describe('no component reads the server words', () => {
  it('uses serverMessage/serverFields nowhere outside the API module', () => {
    const srcDir = join(__dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'api') walk(path);
        } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          if (/\bserver(Message|Fields)\b/.test(readFileSync(path, 'utf8'))) offenders.push(path);
        }
      }
    };
    walk(srcDir);
    expect(offenders).toEqual([]);
  });
});
