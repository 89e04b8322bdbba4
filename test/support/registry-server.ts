// A real OCI registry for tests: Debian's `docker-registry` (the CNCF distribution registry) on a
// free port of 127.0.0.1, storing in its own temp folder, optionally behind htpasswd basic auth.
// Ready means `GET /v2/` answers (200, or 401 when it asks for credentials).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { SecretText } from '../../src/core/ports/datastores.js';
import type { RegistryCredentials } from '../../src/core/ports/image-registry.js';
import { eventually } from './eventually.js';
import { freePort } from './redis-server.js';

export const MISSING_REGISTRY = 'docker-registry not found on PATH: install it with `apt-get install docker-registry`';

/** The user the `htpasswd` option lets in; the bcrypt hash below is of this password (cost 4). */
export const REGISTRY_USER: RegistryCredentials = { username: 'ci-robot', password: SecretText.of('registry-test-password') };
const HTPASSWD = `${REGISTRY_USER.username}:$2b$04$uegYS.h7nfP03xbhu8yfv.BR6kMWG/T57WHkA8ysheKzPVi.yFIEK\n`;

export interface RegistryServer {
  /** `127.0.0.1:<port>`: the registry as project.yaml names it (a key of docker.registries). */
  readonly host: string;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops it and removes its folder. Idempotent. */
  stop(): Promise<void>;
}

export async function startRegistry(options: { htpasswd?: boolean } = {}): Promise<RegistryServer> {
  if (spawnSync('docker-registry', ['--version'], { stdio: 'ignore' }).error) throw new Error(MISSING_REGISTRY);
  const dir = mkdtempSync(join(tmpdir(), 'nestor-registry-'));
  const port = await freePort();
  const auth = options.htpasswd ? `auth:\n  htpasswd:\n    realm: nestor-test\n    path: ${join(dir, 'htpasswd')}\n` : '';
  if (options.htpasswd) writeFileSync(join(dir, 'htpasswd'), HTPASSWD);
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1',
    'log: { level: error, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
    `http: { addr: "127.0.0.1:${port}" }`,
    auth,
  ].join('\n'));
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually('docker-registry to answer GET /v2/', async () => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
      const response = await fetch(`${url}/v2/`).catch(() => undefined);
      return response !== undefined && (response.status === 200 || response.status === 401);
    }, 15_000, 20);
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: `127.0.0.1:${port}`, url, stop };
}

/** A registry for the tests of a file (or `describe` block): started before them, stopped after. */
export function useRegistry(options: { htpasswd?: boolean } = {}): RegistryServer {
  let server: RegistryServer | undefined;
  beforeAll(async () => {
    server = await startRegistry(options);
  });
  afterAll(() => server?.stop());
  const started = (): RegistryServer => {
    if (!server) throw new Error('the test registry is used outside a test (it starts in beforeAll)');
    return server;
  };
  return {
    get host() { return started().host; },
    get url() { return started().url; },
    stop: () => started().stop(),
  };
}
