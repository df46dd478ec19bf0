import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCartSync } from './cartSync';

// Two "tabs" in one Node process: BroadcastChannel delivers between two
// channels of the same name, like between two tabs of one origin.
const closers: (() => void)[] = [];
afterEach(() => {
  while (closers.length) closers.pop()!();
});

async function until(cond: () => boolean, ms = 2000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('cart sync across tabs (issue 12, bug 1)', () => {
  it('a change in one tab makes the other reload, not itself', async () => {
    const a = vi.fn();
    const b = vi.fn();
    const tabA = openCartSync(a);
    const tabB = openCartSync(b);
    closers.push(tabA.close, tabB.close);
    tabA.notify();
    await until(() => b.mock.calls.length === 1);
    expect(a).not.toHaveBeenCalled();
  });

  it('falls back to the storage event without BroadcastChannel', () => {
    const listeners: ((e: { key: string | null }) => void)[] = [];
    const store = new Map<string, string>();
    const env = {
      localStorage: { setItem: (k: string, v: string) => store.set(k, v) },
      addEventListener: (_: 'storage', fn: (e: { key: string | null }) => void) => listeners.push(fn),
      removeEventListener: (_: 'storage', fn: (e: { key: string | null }) => void) => listeners.splice(listeners.indexOf(fn), 1),
    };
    const onChange = vi.fn();
    const sync = openCartSync(onChange, env);
    sync.notify();
    expect(store.size).toBe(1); // another tab gets a storage event for this write
    const key = [...store.keys()][0]!;
    listeners.forEach((l) => l({ key }));
    listeners.forEach((l) => l({ key: 'something-else' }));
    expect(onChange).toHaveBeenCalledTimes(1);
    sync.close();
    expect(listeners).toHaveLength(0);
  });
});
