// Golden files: the expected output lives in test/fixtures/golden/; UPDATE_GOLDEN=1 rewrites them.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/golden');

/** `name` is relative to test/fixtures/golden/, e.g. `slack/approval.json`. */
export async function expectGolden(name: string, actual: string): Promise<void> {
  const file = join(GOLDEN, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, actual);
  }
  expect(actual).toBe(await readFile(file, 'utf8'));
}
