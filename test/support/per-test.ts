// A value opened before each test of the file or `describe` block that calls it and closed after
// it, reached through a stand-in object: `const f = perTest(open, close);`, then `f.x` in a test.
import { afterEach, beforeEach } from 'vitest';

export function perTest<T extends object>(what: string, open: () => Promise<T>, close: (value: T) => Promise<unknown>): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    if (current) await close(current);
    current = undefined;
  });
  return new Proxy({} as T, {
    get: (_, key) => {
      if (!current) throw new Error(`${what} exists only while a test runs`);
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
