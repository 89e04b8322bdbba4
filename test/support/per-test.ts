// A value opened before each test of the file or `describe` block that calls it and closed after
// it (perTest), or once before all of them and after all (perFile), reached through a stand-in
// object: `const f = perTest(open, close);`, then `f.x` in a test.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

export function perTest<T extends object>(what: string, open: () => Promise<T>, close: (value: T) => Promise<unknown>): T {
  return opened(what, open, close, beforeEach, afterEach, 'while a test runs');
}

export function perFile<T extends object>(what: string, open: () => Promise<T>, close: (value: T) => Promise<unknown>): T {
  return opened(what, open, close, beforeAll, afterAll, 'once the tests have begun');
}

function opened<T extends object>(what: string, open: () => Promise<T>, close: (value: T) => Promise<unknown>,
  before: (run: () => Promise<void>) => void, after: (run: () => Promise<void>) => void, when: string): T {
  let current: T | undefined;
  before(async () => {
    current = await open();
  });
  after(async () => {
    if (current) await close(current);
    current = undefined;
  });
  return new Proxy({} as T, {
    get: (_, key) => {
      if (!current) throw new Error(`${what} exists only ${when}`);
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
