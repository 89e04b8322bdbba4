import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { folderFingerprint } from '../../../src/adapters/fs/config-folder.js';
import { FolderConfigSource } from '../../../src/adapters/fs/folder-config-source.js';
import { appConfig } from '../../../src/core/config/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';
import { cleanupFixtures, tempDir } from '../../support/git-fixtures.js';

afterAll(() => cleanupFixtures());

describe('a folder config source', () => {
  it('parses again only when a file changed', async () => {
    const dir = join(tempDir(), 'nestor-config');
    cpSync(EXAMPLE_CONFIG_DIR, dir, { recursive: true });
    const source = new FolderConfigSource(dir);
    const first = await source.load();
    expect(await source.load()).toBe(first);
    const file = join(dir, 'dev3/apps/mary.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('LOG_LEVEL: debug', 'LOG_LEVEL: trace'));
    const second = await source.load();
    expect(second).not.toBe(first);
    expect(appConfig(second.tree, 'mary', 'dev3').config.variables?.app?.LOG_LEVEL).toBe('trace');
    writeFileSync(file, 'scales: [');
    await expect(source.load()).rejects.toBeInstanceOf(ConfigError);
    writeFileSync(file, 'variables: { app: { LOG_LEVEL: info } }\n');
    expect(appConfig((await source.load()).tree, 'mary', 'dev3').config.variables?.app?.LOG_LEVEL).toBe('info');
  });
});

describe('a folder config source under a burst of loads', () => {
  it('walks the folder about twice for many loads at once, and a load still sees a change made before it came', async () => {
    const dir = join(tempDir(), 'nestor-config');
    cpSync(EXAMPLE_CONFIG_DIR, dir, { recursive: true });
    let walks = 0;
    const source = new FolderConfigSource(dir, (d) => ((walks += 1), folderFingerprint(d)));
    const burst = await Promise.all(Array.from({ length: 50 }, () => source.load()));
    expect(walks).toBeLessThanOrEqual(2);
    expect(new Set(burst).size).toBe(1);
    const file = join(dir, 'dev3/apps/mary.yaml');
    const during = source.load();
    writeFileSync(file, 'variables: { app: { LOG_LEVEL: warn } }\n');
    const after = source.load();
    await during;
    expect(appConfig((await after).tree, 'mary', 'dev3').config.variables?.app?.LOG_LEVEL).toBe('warn');
  });
});
