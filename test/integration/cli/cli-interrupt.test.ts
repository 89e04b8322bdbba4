// Ctrl-C (SIGINT) during a change run from the command line, on a real `nestor` process over the
// kube simulator (on real time), real git and the file locks of its state folder: before the
// apply nothing changes (exit 130); while the rollout is awaited it is rolled back as a failed
// rollout is (exit 4); either way the lock is free afterwards. A second Ctrl-C quits at once.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { FileLocks } from '../../../src/adapters/fs/file-locks.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { main } from '../../../src/main/cli.js';
import { startKubeSimulator, type KubeSimulator } from '../../../src/testkit/kube-sim/index.js';
import { runCli, spawnCli, type CliProcess } from '../../support/cli-run.js';
import { exampleConfigRepo } from '../../support/config-fixtures.js';
import { eventually } from '../../support/eventually.js';
import { cleanupFixtures, git, makeAppRepo, makeBareRepo, tempDir } from '../../support/git-fixtures.js';
import { CLUSTERS, HISTORY_KEY, releaseFixture } from '../../support/release-fixture.js';

afterAll(() => cleanupFixtures());

/** A process starts in a second from the bundle, but in far more on a loaded machine. */
const SLOW = 90_000;

interface World {
  sim: KubeSimulator;
  env: Record<string, string>;
  locks: FileLocks;
  root: string;
}

async function world(ctx: TestContext): Promise<World> {
  const sim = await startKubeSimulator({ port: 0, controllers: { readyDelayMs: 0 } });
  ctx.onTestFinished(async () => {
    sim.faults.releaseHung();
    await sim.close();
  });
  const root = tempDir('nestor-cli-interrupt-');
  const app = makeAppRepo(root);
  const configDir = exampleConfigRepo(root, app.dir);
  const state = join(root, 'state');
  const env = {
    NESTOR_CONFIG: configDir, NESTOR_HISTORY: makeBareRepo(root), NESTOR_HISTORY_KEY: HISTORY_KEY, NESTOR_STATE: state, NESTOR_IMAGES: 'off',
    KUBECONFIG: await sim.writeKubeconfig(root, CLUSTERS), NESTOR_USER: 'alice',
  };
  return { sim, env, locks: new FileLocks({ dir: join(state, 'locks') }), root };
}

async function lockIsFree(w: World): Promise<boolean> {
  const probe = await w.locks.acquire(appLockKey('mary', 'dev3'), { id: 'probe', user: 'probe', operation: 'probe' }, 1000);
  if (probe.held) await probe.release();
  return probe.held;
}

/** A first release (in-process), then a deploy as a process whose rollout never ends by itself. */
async function deployWaitingForRollout(w: World): Promise<CliProcess> {
  expect(await runCli(['deploy', 'mary', 'v1.0.0', 'dev3'], { cwd: w.root, env: w.env })).toMatchObject({ code: 0 });
  w.sim.controllers.options.readyDelayMs = 3_600_000;
  const cli = spawnCli(['deploy', 'mary', 'feature-x', 'dev3'], w.env);
  await eventually('the rollout wait', () => cli.stdout().includes('[rollout] started'), SLOW);
  return cli;
}

describe('Ctrl-C during nestor deploy', { timeout: 2 * SLOW }, () => {
  it('before the apply (waiting behind another holder): nothing changed, exit 130', async (ctx) => {
    const w = await world(ctx);
    const holder = await w.locks.acquire(appLockKey('mary', 'dev3'), { id: 'other', user: 'carol', operation: 'deploy mary@main' }, 600_000);
    if (!holder.held) throw new Error('not taken');
    const cli = spawnCli(['deploy', 'mary', 'feature-x', 'dev3'], w.env);
    ctx.onTestFinished(() => void cli.child.kill('SIGKILL'));
    await eventually('the wait behind carol', () => /\[lock\] .*waiting behind deploy mary@main by carol/.test(cli.stdout()), SLOW);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.stderr()).toContain('^C: stopping. Before the apply nothing changes');
    expect(cli.stderr()).toContain('nestor: cancelled before anything was applied: nothing changed');
    expect(w.sim.faults.count({ method: 'PATCH' })).toBe(0);
    expect(await w.locks.current(appLockKey('mary', 'dev3'))).toMatchObject({ id: 'other', user: 'carol' });
  });

  it('while waiting for the rollout: rolled back as a failed rollout is, said so, the lock free, exit 4', async (ctx) => {
    const w = await world(ctx);
    const cli = await deployWaitingForRollout(w);
    ctx.onTestFinished(() => void cli.child.kill('SIGKILL'));
    w.sim.controllers.options.readyDelayMs = 0; // the rollback's own rollout becomes available
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(4);
    expect(cli.stdout()).toContain('[rollout] failed: cancelled by alice while waiting for the rollout');
    expect(cli.stdout()).toMatch(/rollout of mary@[0-9a-f]{7} in dev3 failed: cancelled by alice while waiting for the rollout; rolled back to [0-9a-f]{7}/);
    expect(cli.stderr()).toContain('stopped: the release was rolled back, as a failed rollout is');
    expect(await lockIsFree(w)).toBe(true);
  });

  it('a second Ctrl-C quits at once, even while the rollback is under way', async (ctx) => {
    const w = await world(ctx);
    const cli = await deployWaitingForRollout(w);
    ctx.onTestFinished(() => void cli.child.kill('SIGKILL'));
    // The rollback's first apply never gets an answer: only a second Ctrl-C ends the process.
    w.sim.faults.hangNext(100, { method: 'PATCH' });
    const patches = w.sim.faults.count({ method: 'PATCH' });
    cli.child.kill('SIGINT');
    await eventually('the rollback to start applying', () => w.sim.faults.count({ method: 'PATCH' }) > patches, SLOW);
    expect(cli.stderr()).toContain('^C: stopping');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    expect(cli.stderr()).toContain('^C again: quitting now');
  });
});

describe('Ctrl-C during nestor scale and config set (in-process, SIGINT from an emitter)', () => {
  it.for([['scale', 'mary', 'dev3', 'web=2:4'], ['config', 'set', 'mary', 'dev3', 'LOG_LEVEL=debug']])('%s: before the commit, nothing committed, exit 130', async (argv, ctx) => {
    const f = await releaseFixture();
    ctx.onTestFinished(() => f.close());
    const holder = await f.deps.locks.acquire(appLockKey('mary', 'dev3'), { id: 'other', user: 'carol', operation: 'deploy mary@main' }, 600_000);
    if (!holder.held) throw new Error('not taken');
    const before = git(f.configDir, 'rev-parse', 'HEAD');
    let out = '';
    let err = '';
    const interrupts = Object.assign(new EventEmitter(), { exit: () => undefined });
    const io: CliIo = {
      out: (s) => void (out += s), err: (s) => void (err += s), env: {}, cwd: f.configDir, user: 'alice', releaseDeps: () => f.deps, interrupts,
    };
    const run = main(argv, io);
    await eventually('the wait behind carol', () => out.includes('waiting behind deploy mary@main by carol'));
    interrupts.emit('SIGINT');
    expect(await run).toBe(130);
    expect(err).toContain('nestor: cancelled before anything was applied: nothing changed');
    expect(git(f.configDir, 'rev-parse', 'HEAD')).toBe(before);
    expect(interrupts.listenerCount('SIGINT')).toBe(0);
  });
});
