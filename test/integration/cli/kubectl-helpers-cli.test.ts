// The developers' kubectl helpers on the real `nestor` program over the kube simulator, after a
// real release of mary in dev3: `env use` (checked with the real kubectl), `logs` (all replicas,
// prefixed, --since, -f until Ctrl-C), `port-forward` (to a real TCP server through the
// portforward subresource) and `exec` (exit code passed through; refused where not allowed).
import { EventEmitter } from 'node:events';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { main } from '../../../src/main/cli.js';
import { startKubeSimulator, typeOf, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { runCli, spawnCli } from '../../support/cli-run.js';
import { exampleConfigRepo } from '../../support/config-fixtures.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, makeAppRepo, makeBareRepo, tempDir } from '../../support/git-fixtures.js';
import { CLUSTERS, HISTORY_KEY } from '../../support/release-fixture.js';
import { startTcpEcho, type TcpEcho } from '../../support/tcp-echo.js';

let sim: KubeSimulator;
let echo: TcpEcho;
let root: string;
let env: Record<string, string>;

/** `nestor` in-process, with a Ctrl-C the test can press. */
function start(argv: string[]) {
  let out = '';
  let err = '';
  const interrupts = Object.assign(new EventEmitter(), { exit: () => undefined });
  const io: CliIo = {
    out: (s) => void (out += s), err: (s) => void (err += s), env, cwd: root, user: 'alice', interrupts,
    releaseDeps: () => {
      throw new Error('a kubectl helper asked for the release runtime');
    },
  };
  const exited = main(argv, io);
  return { exited, out: () => out, err: () => err, interrupt: () => interrupts.emit('SIGINT') };
}

async function nestor(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const run = start(argv);
  const code = await run.exited;
  return { code, out: run.out(), err: run.err() };
}

function webPods(): string[] {
  return sim.store.list(typeOf('Pod'), 'dev3', (p) => (p.metadata.labels as Record<string, string>).process === 'web')
    .map((p) => String(p.metadata.name)).sort();
}

beforeAll(async () => {
  sim = await startKubeSimulator({ controllers: { readyDelayMs: 0 } });
  echo = await startTcpEcho();
  root = tempDir('nestor-kubectl-helpers-');
  const app = makeAppRepo(root);
  env = {
    NESTOR_CONFIG: exampleConfigRepo(root, app.dir), NESTOR_HISTORY: makeBareRepo(root), NESTOR_HISTORY_KEY: HISTORY_KEY,
    NESTOR_STATE: join(root, 'state'), NESTOR_IMAGES: 'off', KUBECONFIG: await sim.writeKubeconfig(root, CLUSTERS), NESTOR_USER: 'alice',
  };
  expect(await runCli(['deploy', 'mary', 'v1.0.0', 'dev3'], { cwd: root, env })).toMatchObject({ code: 0 });
  expect(await runCli(['scale', 'mary', 'dev3', 'web=2'], { cwd: root, env })).toMatchObject({ code: 0 });
  await eventually('two running web pods', () => webPods().length === 2
    && sim.store.list(typeOf('Pod'), 'dev3').every((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running'));
}, 120_000);

afterAll(async () => {
  await sim.close();
  await echo.close();
  cleanupFixtures();
});

describe('nestor env use', () => {
  const kubectl = (args: string[]) => new Promise<string>((resolve, reject) => {
    execFile('/usr/bin/kubectl', ['--kubeconfig', env.KUBECONFIG!, ...args], (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });

  it('sets the current context and its namespace, and keeps the rest of the file', async () => {
    await writeFile(env.KUBECONFIG!, `# kept: a comment of the user\n${await readFile(env.KUBECONFIG!, 'utf8')}`);
    const result = await nestor('env', 'use', 'dev3');
    expect(result).toMatchObject({ code: 0, out: expect.stringContaining('kubectl now uses context kapten_dev_eu-w1, namespace dev3') });
    const text = await readFile(env.KUBECONFIG!, 'utf8');
    expect(text).toContain('# kept: a comment of the user');
    expect(text).toContain('current-context: kapten_dev_eu-w1');
    if (existsSync('/usr/bin/kubectl')) {
      expect((await kubectl(['config', 'current-context'])).trim()).toBe('kapten_dev_eu-w1');
      expect(await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={..namespace}'])).toBe('dev3');
    }
  });

  it('names an unknown environment with its closest', async () => {
    const before = await readFile(env.KUBECONFIG!, 'utf8');
    expect(await nestor('env', 'use', 'dev4')).toMatchObject({ code: 2, err: expect.stringContaining('unknown environment "dev4"; did you mean') });
    expect(await readFile(env.KUBECONFIG!, 'utf8')).toBe(before);
  });
});

describe('nestor logs', () => {
  it('prints every replica, each line prefixed with its pod', async () => {
    const [a, b] = webPods();
    sim.pods.appendLog('dev3', a!, 'listening on 8080\n');
    sim.pods.appendLog('dev3', b!, 'listening on 8080\nGET / 200\n');
    const result = await nestor('logs', 'mary', 'dev3', 'web', '--since', '1h');
    expect(result.code).toBe(0);
    expect(result.out.split('\n').filter(Boolean).sort()).toEqual([`[${a}] listening on 8080`, `[${b}] GET / 200`, `[${b}] listening on 8080`].sort());
  });

  it('follows until Ctrl-C', async () => {
    const [a] = webPods();
    const run = start(['logs', 'mary', 'dev3', 'web', '-f']);
    await eventually('what was there', () => run.out().includes(`[${a}] listening on 8080`));
    sim.pods.appendLog('dev3', a!, 'GET /health 200\n');
    await eventually('the new line', () => run.out().includes(`[${a}] GET /health 200`));
    run.interrupt();
    expect(await run.exited).toBe(0);
  });

  it('says what is wrong with --since and with an unknown app', async () => {
    expect(await nestor('logs', 'mary', 'dev3', '--since', 'soon')).toMatchObject({ code: 2, err: expect.stringContaining('--since "soon"') });
    expect(await nestor('logs', 'marry', 'dev3')).toMatchObject({ code: 2, err: expect.stringContaining('did you mean "mary"') });
  });
});

/** A line sent to the local port comes back from the pod's echo server. */
async function expectEchoThrough(port: number): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (data: Buffer) => (received += data.toString('utf8')));
  socket.write('ping\n');
  await eventually('the echo through the pod', () => received === 'echo: ping\n');
  socket.destroy();
}

describe('nestor port-forward', () => {
  it('carries connections to a ready web pod until Ctrl-C', async () => {
    for (const pod of webPods()) sim.pods.forwardPort('dev3', pod, 8080, echo.port);
    const run = start(['port-forward', 'mary', 'dev3', ':8080']);
    const port = Number(await eventually('the local port', () => /127\.0\.0\.1:(\d+) -> 8080/.exec(run.out())?.[1]));
    await expectEchoThrough(port);
    run.interrupt();
    expect(await run.exited).toBe(0);
  });
});

describe('nestor exec', () => {
  it('runs the command in a web pod and passes its exit code through', async () => {
    sim.pods.onExec(({ pod, command, stdout }) => {
      stdout.write(`${pod}$ ${command.join(' ')}\n`);
      return command[0] === 'false' ? 3 : 0;
    });
    const ok = await nestor('exec', 'mary', 'dev3', '--', 'ls', '-la');
    expect(ok).toMatchObject({ code: 0 });
    expect(webPods().map((p) => `${p}$ ls -la\n`)).toContain(ok.out);
    expect((await nestor('exec', 'mary', 'dev3', 'web', '--', 'false')).code).toBe(3);
  });

  it('is refused where the environment needs approval, and without a command', async () => {
    expect(await nestor('exec', 'mary', 'production', '--', 'ls')).toMatchObject({ code: 3, err: expect.stringContaining('nestor exec is not allowed in production') });
    expect(await nestor('exec', 'mary', 'dev3', 'web')).toMatchObject({ code: 2, err: expect.stringContaining('needs the command after --') });
  });
});

describe('as a process of its own', () => {
  it('logs -f and port-forward end at SIGINT (Ctrl-C) with exit 0; exec passes its exit code', async () => {
    const [a] = webPods();
    sim.pods.appendLog('dev3', a!, 'before the process\n');
    const logs = spawnCli(['logs', 'mary', 'dev3', 'web', '-f'], env);
    await eventually('the followed log', () => logs.stdout().includes(`[${a}] before the process`), 90_000);
    logs.child.kill('SIGINT');
    expect(await logs.exited).toBe(0);
    for (const pod of webPods()) sim.pods.forwardPort('dev3', pod, 8080, echo.port);
    const forward = spawnCli(['port-forward', 'mary', 'dev3', ':8080'], env);
    const port = Number(await eventually('the local port', () => /127\.0\.0\.1:(\d+) -> 8080/.exec(forward.stdout())?.[1], 90_000));
    await expectEchoThrough(port);
    forward.child.kill('SIGINT');
    expect(await forward.exited).toBe(0);
    sim.pods.onExec(({ command }) => Number(command[1]));
    const exec = spawnCli(['exec', 'mary', 'dev3', '--', 'exit', '7'], env);
    expect(await exec.exited).toBe(7);
  }, 240_000);
});
