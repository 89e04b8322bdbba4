// Secret stringData and the 1 MiB data limit of Secrets and ConfigMaps, over HTTP as the API
// server does them (pkg/apis/core/v1 conversion, pkg/apis/core/validation).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSimulator, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';

let sim: KubeSimulator;
beforeAll(async () => {
  sim = await startKubeSimulator({ port: 0 });
  await send('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'data' } });
});
afterAll(() => sim.close());

const SECRETS = '/api/v1/namespaces/data/secrets';
const CONFIG_MAPS = '/api/v1/namespaces/data/configmaps';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

async function send(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${path}`, {
    method, headers: { 'content-type': contentType }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const secret = (name: string, fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, ...fields });

describe('Secret stringData', () => {
  it('is folded into data (base64) on create, wins over data for the same key, and is never returned', async () => {
    const created = await send('POST', SECRETS, secret('created', { data: { A: b64('from data'), B: b64('kept') }, stringData: { A: 'from stringData', C: 'é' } }));
    expect(created.status).toBe(201);
    expect(created.body['data']).toEqual({ A: b64('from stringData'), B: b64('kept'), C: b64('é') });
    expect(created.body).not.toHaveProperty('stringData');
    const read = await send('GET', `${SECRETS}/created`);
    expect(read.body['data']).toEqual({ A: b64('from stringData'), B: b64('kept'), C: b64('é') });
    expect(read.body).not.toHaveProperty('stringData');
  });

  it('is folded on server-side apply and on a merge patch, over the live data', async () => {
    const applied = await send('PATCH', `${SECRETS}/applied?fieldManager=nestor`, secret('applied', { stringData: { TOKEN: 'one' } }), 'application/apply-patch+yaml');
    expect(applied.status).toBe(201);
    expect(applied.body['data']).toEqual({ TOKEN: b64('one') });
    const patched = await send('PATCH', `${SECRETS}/applied`, { stringData: { TOKEN: 'two', OTHER: 'x' } }, 'application/merge-patch+json');
    expect(patched.status).toBe(200);
    expect(patched.body['data']).toEqual({ TOKEN: b64('two'), OTHER: b64('x') });
    expect((await send('GET', `${SECRETS}/applied`)).body).not.toHaveProperty('stringData');
  });

  it('keys are checked as config keys once folded', async () => {
    const refused = await send('POST', SECRETS, secret('bad-key', { stringData: { 'a b': 'x' } }));
    expect(refused.status).toBe(422);
    expect(refused.body['message']).toContain('data[a b]: Invalid value: "a b"');
  });
});

describe('the 1 MiB data limit', () => {
  const MIB = 1024 * 1024;

  it('refuses a Secret whose decoded data totals more than 1 MiB, and takes exactly 1 MiB', async () => {
    const half = 'x'.repeat(MIB / 2);
    expect((await send('POST', SECRETS, secret('max', { stringData: { A: half, B: half } }))).status).toBe(201);
    const refused = await send('POST', SECRETS, secret('over', { data: { A: b64(half) }, stringData: { B: `${half}y` } }));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ reason: 'Invalid', message: `Secret "over" is invalid: data: Too long: may not be more than ${MIB} bytes` });
  });

  it('refuses a ConfigMap whose data and binaryData total more than 1 MiB (UTF-8 bytes)', async () => {
    const configMap = (name: string, data: Record<string, string>, binaryData: Record<string, string> = {}) =>
      ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data, binaryData });
    expect((await send('POST', CONFIG_MAPS, configMap('max', { A: 'x'.repeat(MIB - 2), B: 'é' }))).status).toBe(201);
    const accented = await send('POST', CONFIG_MAPS, configMap('accented', { A: 'x'.repeat(MIB - 1), B: 'é' }));
    expect(accented.status).toBe(422);
    expect(accented.body['message']).toBe(`ConfigMap "accented" is invalid: []: Too long: may not be more than ${MIB} bytes`);
    const binary = await send('POST', CONFIG_MAPS, configMap('binary', { A: 'x'.repeat(MIB) }, { B: b64('y') }));
    expect(binary.status).toBe(422);
  });
});
