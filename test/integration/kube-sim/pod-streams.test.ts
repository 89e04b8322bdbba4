// The simulator's pod log follow, port-forward and exec, through the real client (client-node's
// Log, PortForward and Exec) and, where its protocol is the simulator's, the real kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { CoreV1Api, Exec, KubeConfig, KubernetesObjectApi, Log, PatchStrategy, PortForward, type V1Status } from '@kubernetes/client-node';
import { startKubeSimulator, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { eventually } from '../../support/eventually.js';
import { startTcpEcho, type TcpEcho } from '../../support/tcp-echo.js';
import { deployment, namespace } from './manifests.js';

const NS = 'dev3';
let sim: KubeSimulator;
let kc: KubeConfig;
let pods: string[];
let echo: TcpEcho;
let dir: string;
let kubeconfigPath: string;

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

beforeAll(async () => {
  sim = await startKubeSimulator({ controllers: { readyDelayMs: 0 } });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig(['kapten_dev_eu-w1']));
  const objects = KubernetesObjectApi.makeApiClient(kc);
  await objects.patch(namespace(NS), undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);
  await objects.patch(deployment({ namespace: NS, replicas: 2 }), undefined, undefined, 'test', true, PatchStrategy.ServerSideApply);
  const core = kc.makeApiClient(CoreV1Api);
  pods = await eventually('two running pods', async () => {
    const list = await core.listNamespacedPod({ namespace: NS });
    const running = list.items.filter((p) => p.status?.phase === 'Running').map((p) => p.metadata?.name ?? '');
    return running.length === 2 ? running.sort() : undefined;
  });
  echo = await startTcpEcho();
  dir = await mkdtemp(join(tmpdir(), 'pod-streams-'));
  kubeconfigPath = await sim.writeKubeconfig(dir, ['kapten_dev_eu-w1'], NS);
});

afterAll(async () => {
  await sim.close();
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pod logs', () => {
  it('follows a pod: what is there, then each later write', async () => {
    const pod = pods[0]!;
    sim.pods.appendLog(NS, pod, 'started\n');
    const out = new Collect();
    const request = await new Log(kc).log(NS, pod, 'web', out, { follow: true });
    await eventually('the first line', () => out.text === 'started\n');
    sim.pods.appendLog(NS, pod, 'GET /health 200\n');
    await eventually('the later line', () => out.text === 'started\nGET /health 200\n');
    request.abort();
  });

  it('honours sinceSeconds, sinceTime and tailLines', async () => {
    const pod = pods[1]!;
    sim.pods.appendLog(NS, pod, 'one\ntwo\nthree\n');
    const tail = new Collect();
    await new Log(kc).log(NS, pod, 'web', tail, { tailLines: 2 });
    await eventually('the tail', () => tail.text === 'two\nthree\n');
    const since = new Collect();
    await new Log(kc).log(NS, pod, 'web', since, { sinceSeconds: 3600 });
    await eventually('the last hour', () => since.text === 'one\ntwo\nthree\n');
    const later = new Collect();
    const ended = new Promise((resolve) => later.on('finish', resolve));
    await new Log(kc).log(NS, pod, 'web', later, { sinceTime: new Date(Date.now() + 3_600_000).toISOString() });
    await ended;
    expect(later.text).toBe('');
  });

  it('stamps each line with the time it was printed (timestamps), and cuts a follow when asked', async () => {
    const pod = pods[1]!;
    const stamped = new Collect();
    await new Log(kc).log(NS, pod, 'web', stamped, { timestamps: true, tailLines: 1 });
    await eventually('a stamped line', () => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z three\n$/.test(stamped.text));
    const followed = new Collect();
    const cut = new Promise<void>((resolve) => followed.once('pipe', (source: NodeJS.ReadableStream) => source.once('error', () => resolve())));
    await new Log(kc).log(NS, pod, 'web', followed, { follow: true, sinceTime: new Date(Date.now() + 3_600_000).toISOString() });
    sim.pods.appendLog(NS, pod, 'four\n');
    await eventually('the followed line', () => followed.text === 'four\n');
    sim.pods.dropLogFollows(NS, pod);
    await cut;
  });
});

describe('port-forward', () => {
  it('carries a TCP stream to the local port a test set for the pod', async () => {
    sim.pods.forwardPort(NS, pods[0]!, 8080, echo.port);
    const out = new Collect();
    const err = new Collect();
    const input = new PassThrough();
    const ws = await new PortForward(kc).portForward(NS, pods[0]!, [8080], out, err, input) as { close(): void };
    input.write('ping\n');
    await eventually('the echo', () => out.text === 'echo: ping\n');
    expect(err.text).toBe('');
    ws.close();
  });

  it('says on the error channel when nothing listens there', async () => {
    const out = new Collect();
    const err = new Collect();
    await new PortForward(kc).portForward(NS, pods[1]!, [9999], out, err, new PassThrough());
    await eventually('the error', () => err.text.includes('error forwarding port 9999 to pod'));
  });
});

describe('exec', () => {
  it('runs the handler a test set, streams both ways, and reports the exit code as a Status', async () => {
    sim.pods.onExec(async ({ command, stdin, stdout, stderr, pod }) => {
      stdout.write(`${pod}: ${command.join(' ')}\n`);
      let input = '';
      for await (const chunk of stdin) input += String(chunk);
      stderr.write(`read ${input.length} bytes\n`);
      return command[0] === 'false' ? 3 : 0;
    });
    const run = async (command: string[]) => {
      const [out, err, stdin] = [new Collect(), new Collect(), new PassThrough()];
      const status = new Promise<V1Status>((resolve) => {
        void new Exec(kc).exec(NS, pods[0]!, 'web', command, out, err, stdin, false, resolve);
      });
      stdin.end('hello');
      return { status: await status, out, err };
    };
    const ok = await run(['echo', 'hi']);
    expect(ok.status.status).toBe('Success');
    expect(ok.out.text).toBe(`${pods[0]}: echo hi\n`);
    expect(ok.err.text).toBe('read 5 bytes\n');
    const failed = await run(['false']);
    expect(failed.status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  });
});

const hasKubectl = existsSync('/usr/bin/kubectl');

function kubectl(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.runIf(hasKubectl)('with kubectl', () => {
  it('kubectl logs reads what a pod printed', async () => {
    sim.pods.appendLog(NS, pods[1]!, 'from kubectl\n');
    const result = await kubectl(['logs', pods[1]!, '--tail', '1']);
    expect(result).toMatchObject({ code: 0, stdout: 'from kubectl\n' });
  });

  it('kubectl exec (WebSocket, v5.channel.k8s.io) passes the exit code through', async () => {
    sim.pods.onExec(({ command, stdout }) => {
      stdout.write(`ran ${command.join(' ')}\n`);
      return command[0] === 'false' ? 3 : 0;
    });
    expect(await kubectl(['exec', pods[0]!, '--', 'echo', 'hi'])).toMatchObject({ code: 0, stdout: 'ran echo hi\n' });
    expect(await kubectl(['exec', pods[0]!, '--', 'false'])).toMatchObject({ code: 3 });
  });
});
