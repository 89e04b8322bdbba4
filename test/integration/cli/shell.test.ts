import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { startDemoWorld, type DemoWorld } from '../../../src/testkit/demo-world.js';
import { FileLocks } from '../../../src/adapters/fs/file-locks.js';
import { typeOf } from '../../../src/testkit/kube-sim/index.js';
import { appLockKey } from '../../../src/core/ports/locks.js';
import { main } from '../../../src/main/cli.js';
import { EXAMPLE_CONFIG, runShell, shellGrammar } from '../../../src/main/shell.js';
import { eventually } from '../../support/eventually.js';

let world: DemoWorld;
beforeAll(async () => {
  world = await startDemoWorld(EXAMPLE_CONFIG);
});
afterAll(async () => {
  await world.close();
});

function capture(): { io: CliIo; text: () => string } {
  let text = '';
  const io: CliIo = {
    out: (s) => void (text += s), err: (s) => void (text += s), env: { NESTOR_USER: 'newcomer' }, cwd: world.root, user: 'newcomer',
    releaseDeps: () => {
      throw new Error('the shell must use its world');
    },
  };
  return { io, text: () => text };
}

describe('nestor shell', () => {
  it('runs the same commands against the demo world, with no Slack and no cluster', async () => {
    const { io, text } = capture();
    const lines = [
      '/nestor deploy mary feature-x dev3', 'render pricing staging', 'render mary production', 'envs', 'deploy mary "main;curl x|sh" dev3',
      'status mary', 'history mary dev3', 'help', 'deplyo mary', 'scale mary dev3 web=2', 'exit', 'envs',
    ];
    await runShell(Readable.from(lines.map((l) => `${l}\n`)), io, main, world);
    const out = text();
    expect(out).toContain('Nestor shell: a demo world');
    expect(out).toContain('keys: Tab completes');
    expect(out).toMatch(/deployed mary@[0-9a-f]{7} \(feature-x\) to dev3\n/);
    expect(out).toContain('kind: Deployment\nmetadata:\n  name: pricing-web');
    // production renders mary's alert rules and routes them to her team's channel
    expect(out).toContain('kind: PrometheusRule\nmetadata:\n  name: mary');
    expect(out).toMatch(/kind: AlertmanagerConfig\n[^]*channel: '#alerts-security'\n[^]*receiver: team-security\n/);
    expect(out).toContain('  production (approval)\n      shadow\n      staging\n        dev1\n');
    expect(out).toContain('nestor: invalid ref "main;curl x|sh"');
    expect(out.match(/Environments\n/g)).toHaveLength(1);
    // status, history and help are Slack's answers, as text
    expect(out).toMatch(/· mary: status\n {2}mary runs in 1 of its 6 environments\n[^]* {2}dev3: feature-x [0-9a-f]{7}, 1\/1 ready, released \d{4}-\d\d-\d\d \d\d:\d\d UTC by newcomer\n/);
    expect(out).toMatch(/ {4}[0-9a-f]{7} \d{4}-\d\d-\d\d \d\d:\d\d dev3 deploy mary@[0-9a-f]{7} \(feature-x\) to dev3 by newcomer\n/);
    expect(out).toContain('/nestor status <app> [<env>]');
    expect(out).toContain('Also in the shell, as in the CLI: render, validate');
    expect(out).toContain('nestor: unknown command "deplyo"; did you mean "deploy"?');
    // a change runs as a Slack job: the job's message and the release announcement, as text
    expect(out).toMatch(/✓ deploy mary@feature-x to dev3\n {2}deployed mary@[0-9a-f]{7} \(feature-x\) to dev3\n {2}✓ resolve — feature-x is branch at [0-9a-f]{7}\n {2}– image — docker\.com\/kapten\/mary:[0-9a-f]{40} \(not checked against the registry\)\n/);
    expect(out).toMatch(/ {2}✓ history — [0-9a-f]{7}\n[^]* {2}-- job shell-[0-9a-f]{8} · requested by newcomer\n→ #tech-release-dev\n✓ mary released to dev3\n/);
    // the demo's nestor-config is a git work tree: a scale is a commit there
    expect(out).toMatch(/scale mary in dev3: web=2: committed \(nestor-config [0-9a-f]{7}\); released mary@/);
    const deployment = world.sim.store.list(typeOf('Deployment'), 'dev3');
    expect(deployment.map((d) => d.metadata.name)).toContain('mary-web');
  });

  it('asks for a production approval at the prompt, with the same rules as Slack', async () => {
    const { io, text } = capture();
    const lines = [
      'deploy pricing main production', 'newcomer',
      'deploy pricing main production', 'mallory',
      'deploy pricing main production', '',
      'deploy pricing main production', 'carol',
      'scale pricing production web=2:4', 'alice',
      'history pricing production',
    ];
    await runShell(Readable.from(lines.map((l) => `${l}\n`)), io, main, world);
    const out = text();
    expect(out).toMatch(/approval needed: deploy pricing@main to production \([0-9a-f]{7}\) · approvers: alice, carol/);
    // What is approved, as the Slack request shows it.
    expect(out).toMatch(/· expires [^\n]+\n {2}Running now: nothing yet\n {2}Config keys that change \(4\):\n {4}CACHE_TTL_SECONDS: added, 30\n/);
    expect(out).toContain('  Objects (against the recorded release):\n    kapten_production_eu-w1: 7 to create, 0 to update, 0 to delete, 0 unchanged\n    + Namespace production\n');
    expect(out).toMatch(/approval needed: scale pricing in production: web=2:4 \([0-9a-f]{7}\)[^\n]+\n {2}Running now: main \([0-9a-f]{7}\)\n {2}Objects \(against the recorded release\):\n {4}kapten_production_eu-w1: 0 to create, 1 to update, 0 to delete, 6 unchanged\n {4}~ HorizontalPodAutoscaler production\/pricing-web\n/);
    expect(out).toContain('refused: newcomer requested this and cannot approve it: another approver must; nothing was changed');
    expect(out).toContain('refused: mallory is not an approver for production (approvers: alice, carol); nothing was changed');
    expect(out).toContain('cancelled: nothing was changed');
    expect(out).toContain('approved by carol');
    expect(out).toMatch(/deployed pricing@[0-9a-f]{7} \(main\) to production\n/);
    // release.moves_branch: pricing's production branch follows what production runs (the demo's repository has none yet).
    expect(out).toMatch(/\[branches\] finished: production created at [0-9a-f]{7}\n/);
    expect(out).toMatch(/approval needed: scale pricing in production/);
    expect(out.match(/approved by (carol|alice)\n/g)).toEqual(['approved by carol\n', 'approved by alice\n']);
    expect(out).not.toContain('nestor:');
    expect(out.match(/\[apply\] started/g)).toHaveLength(2);
    const hpa = world.sim.store.list(typeOf('HorizontalPodAutoscaler'), 'production').find((h) => h.metadata.name === 'pricing-web');
    expect(hpa?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });

  it('runs the kubectl helpers on the demo pods: logs -f and port-forward until Ctrl-C, exec', async () => {
    const { io, text } = capture();
    const input = new PassThrough();
    const interrupts = new EventEmitter();
    const shell = runShell(input, io, main, world, { interrupts });
    input.write('deploy mary main dev2\n');
    await eventually('the release', () => /deployed mary@[0-9a-f]{7} \(main\) to dev2\n/.test(text()), 60_000);
    const [pod] = world.sim.store.list(typeOf('Pod'), 'dev2', (p) => (p.metadata.labels as Record<string, string>).app === 'mary');
    const podName = String(pod?.metadata.name);
    input.write('logs mary dev2 web -f\n');
    await eventually('the demo pod\'s line', () => text().includes(`[${podName}] web of mary started (a demo pod: it prints only this)`));
    interrupts.emit('SIGINT');
    const port = (pod?.spec as { containers: { ports: { containerPort: number }[] }[] }).containers[0]!.ports[0]!.containerPort;
    input.write(`port-forward mary dev2 :${port}\n`);
    const local = await eventually('the forwarding', () => new RegExp(`127\\.0\\.0\\.1:(\\d+) -> ${port}`).exec(text())?.[1]);
    expect(await (await fetch(`http://127.0.0.1:${local}/health`)).text()).toBe('a demo pod answers GET /health\n');
    interrupts.emit('SIGINT');
    input.write('exec mary dev2 -- ls -la\n');
    input.write('exit\n');
    await shell;
    expect(text()).toContain(`(demo pod ${podName}: no process runs here; it would run: ls -la)`);
    expect(text()).not.toContain('cannot be stopped midway');
  });

  it('stops the running command on Ctrl-C (SIGINT): a deploy waiting for its rollout is rolled back, the lock freed, and the shell goes on', async () => {
    const { io, text } = capture();
    const input = new PassThrough();
    const interrupts = new EventEmitter();
    const shell = runShell(input, io, main, world, { interrupts });
    // At the prompt, Ctrl-C never ends the shell.
    await eventually('the prompt', () => text().includes('nestor> '));
    interrupts.emit('SIGINT');
    input.write('deploy mary main dev1\n');
    await eventually('the first release', () => /deployed mary@[0-9a-f]{7} \(main\) to dev1\n/.test(text()), 60_000);
    // The next release never becomes available by itself: only Ctrl-C ends its wait.
    const controllers = world.sim.controllers.options;
    const readyDelayMs = controllers.readyDelayMs;
    controllers.readyDelayMs = 3_600_000;
    const before = text().length;
    input.write('deploy mary feature-x dev1\n');
    await eventually('the rollout wait', () => text().slice(before).includes('[rollout] started'), 60_000);
    controllers.readyDelayMs = readyDelayMs;
    interrupts.emit('SIGINT');
    await eventually('the end of the release', () => text().includes('stopped: the release was rolled back'), 60_000);
    input.write('status mary dev1\n');
    input.write('exit\n');
    await shell;
    const out = text().slice(before);
    expect(out).toContain('^C: stopping. Before the apply nothing changes; while waiting for the rollout it is rolled back; after that it finishes');
    expect(out).toContain('[rollout] failed: cancelled by newcomer while waiting for the rollout');
    expect(out).toMatch(/rollout of mary@[0-9a-f]{7} in dev1 failed: cancelled by newcomer while waiting for the rollout; rolled back to [0-9a-f]{7} and pinned/);
    expect(out).toMatch(/dev1: main [0-9a-f]{7}, \d\/\d ready, released .* \(pinned: rollout of mary@/);
    const locks = new FileLocks({ dir: join(world.stateDir, 'locks') });
    const probe = await locks.acquire(appLockKey('mary', 'dev1'), { id: 'probe', user: 'probe', operation: 'probe' }, 1000);
    expect(probe.held).toBe(true);
  });

  it('routes to the CLI exactly the commands its program has, and completes the chat verbs too', () => {
    const { io } = capture();
    const { tree, cliCommands } = shellGrammar(io);
    expect([...cliCommands]).toEqual(expect.arrayContaining(['render', 'validate', 'diff', 'unpin', 'config', 'help']));
    for (const process of ['shell', 'bot', 'worker', 'completion']) expect(cliCommands.has(process)).toBe(false);
    const names = tree.subcommands.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['deploy', 'datastore', 'render', 'help', 'exit']));
    expect(tree.subcommands.find((c) => c.name === 'config')?.subcommands.map((c) => c.name)).toEqual(expect.arrayContaining(['show', 'get', 'set', 'unset']));
  });

  it('takes a CI success told by hand through the branch workflow, once', async () => {
    const { io, text } = capture();
    const sha = world.apps.find((a) => a.name === 'mary')!.master;
    await runShell(Readable.from([`ci success mary master ${sha}`, `ci success mary master ${sha}`, 'exit'].map((l) => `${l}\n`)), io, main, world);
    const out = text();
    expect(out).toContain(`ci success mary master ${sha} (CI passed: tag it, move greenlight)`);
    expect(out).toMatch(new RegExp(`CI success of mary@master \\(${sha.slice(0, 7)}\\): tagged ci-\\d{8}-${sha.slice(0, 7)}, no image build configured, greenlight created at ${sha.slice(0, 7)}\n→ #tech-release-prod\n`));
    expect(out).toMatch(/was taken through the workflow already by job cli-/);
  });

  it('asks the yes/no question of a CLI command (unlock) at its own prompt', async () => {
    const { io, text } = capture();
    const locks = new FileLocks({ dir: join(world.stateDir, 'locks') });
    const held = await locks.acquire(appLockKey('gandalf', 'dev2'), { id: 'stuck-job', user: 'carol', operation: 'deploy gandalf@main' }, 600_000);
    expect(held.held).toBe(true);
    await runShell(Readable.from(['unlock gandalf dev2', 'n', 'unlock gandalf dev2', 'y', 'exit'].map((l) => `${l}\n`)), io, main, world);
    const out = text();
    expect(out).toContain("Break it? carol's operation would go on without the lock, beside the next one [y/N] ");
    expect(out).toContain('left locked\n');
    expect(out).toContain('unlocked gandalf in dev2: recorded as');
    expect(await locks.current(appLockKey('gandalf', 'dev2'))).toBeUndefined();
  });

  it('takes Ctrl-C during an approval question as no answer: nothing is changed', async () => {
    const { io, text } = capture();
    const input = new PassThrough();
    const interrupts = new EventEmitter();
    const shell = runShell(input, io, main, world, { interrupts });
    input.write('deploy gandalf main production\n');
    await eventually('the question', () => text().includes('who approves?'), 60_000);
    interrupts.emit('SIGINT');
    await eventually('the answer', () => text().includes('cancelled: nothing was changed'), 60_000);
    input.end('exit\n');
    await shell;
    expect(text()).not.toContain('[resolve] started');
    expect(world.sim.store.list(typeOf('Deployment'), 'production').map((d) => d.metadata.name)).not.toContain('gandalf-web');
  });
});
