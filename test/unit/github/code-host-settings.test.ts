// GitHub settings of the worker: none leaves releases as they were; a GitHub App missing a
// setting is refused naming it; the host git origins name follows the API URL.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FolderConfigSource } from '../../../src/adapters/fs/folder-config-source.js';
import type { ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { withCodeHost } from '../../../src/main/code-host-runtime.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';

const deps = { config: new FolderConfigSource(EXAMPLE_CONFIG_DIR), source: {} } as unknown as ReleaseDeps;
const logger = pino({ level: 'silent' });

describe('GitHub settings', () => {
  it('sends nothing to GitHub without a token or an app id', () => {
    const runtime = withCodeHost(deps, {}, logger);
    expect(runtime.deployments).toBeUndefined();
    expect(runtime.deps).toBe(deps);
  });

  it('refuses a GitHub App missing its key or installation, naming the setting', () => {
    expect(() => withCodeHost(deps, { NESTOR_GITHUB_APP_ID: '42' }, logger)).toThrow(/^NESTOR_GITHUB_PRIVATE_KEY \(or NESTOR_GITHUB_PRIVATE_KEY_FILE\) is not set/);
    expect(() => withCodeHost(deps, { NESTOR_GITHUB_APP_ID: '42', NESTOR_GITHUB_PRIVATE_KEY: 'pem' }, logger)).toThrow(/^NESTOR_GITHUB_INSTALLATION_ID is not set/);
    expect(() => withCodeHost(deps, { NESTOR_GITHUB_APP_ID: '42', NESTOR_GITHUB_PRIVATE_KEY: 'pem', NESTOR_GITHUB_INSTALLATION_ID: 'x' }, logger))
      .toThrow('NESTOR_GITHUB_INSTALLATION_ID is "x": expected the installation\'s number');
  });

  it('wraps the changelog and tracks releases with a token', () => {
    const runtime = withCodeHost(deps, { NESTOR_GITHUB_TOKEN: 'ghp_x', NESTOR_GITHUB_API_URL: 'https://ghe.example.com/api/v3' }, logger);
    expect(runtime.deployments).toBeDefined();
    expect(runtime.deps.source).not.toBe(deps.source);
  });
});
