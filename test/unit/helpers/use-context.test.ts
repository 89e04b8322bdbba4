// `nestor env use` on real kubeconfig files: only the current context and that context's
// namespace change; comments and unknown fields stay; a bad file or context is named.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useContext } from '../../../src/adapters/kube/helpers/use-context.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function kubeconfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'use-context-'));
  dirs.push(dir);
  const path = join(dir, 'config');
  await writeFile(path, text, { mode: 0o600 });
  return path;
}

const CONFIG = `# my clusters
apiVersion: v1
kind: Config
preferences: { colors: true }
clusters:
  - name: prod
    cluster: { server: 'https://prod.example:6443' }
    extensions: [ { name: x, extension: { keep: me } } ]
users:
  - name: me
    user: { token: abc }
contexts:
  - name: kapten_production_eu-w1
    context: { cluster: prod, user: me }
  - name: kapten_dev_eu-w1
    context: { cluster: prod, user: me, namespace: dev1 } # was dev1
current-context: kapten_production_eu-w1
`;

describe('useContext', () => {
  it('changes only current-context and the namespace of that context', async () => {
    const path = await kubeconfig(CONFIG);
    const change = await useContext(path, { context: 'kapten_dev_eu-w1', namespace: 'dev3' });
    expect(change.before).toEqual({ context: 'kapten_production_eu-w1' });
    const text = await readFile(path, 'utf8');
    expect(text).toBe(CONFIG.replace('namespace: dev1 }', 'namespace: dev3 }').replace('current-context: kapten_production_eu-w1', 'current-context: kapten_dev_eu-w1'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('names a missing context with the closest, and leaves the file as it was', async () => {
    const path = await kubeconfig(CONFIG);
    await expect(useContext(path, { context: 'kapten_dev_eu-w2', namespace: 'dev3' })).rejects.toThrow('no context named "kapten_dev_eu-w2"; did you mean "kapten_dev_eu-w1"?');
    expect(await readFile(path, 'utf8')).toBe(CONFIG);
  });

  it('names a file it cannot read or parse', async () => {
    await expect(useContext('/nonexistent/kubeconfig', { context: 'a', namespace: 'b' })).rejects.toThrow('cannot read kubeconfig /nonexistent/kubeconfig: ENOENT');
    const path = await kubeconfig('contexts: [ unclosed\n');
    await expect(useContext(path, { context: 'a', namespace: 'b' })).rejects.toThrow(`kubeconfig ${path}: not valid YAML`);
  });
});
