import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/adapters/cli/cli-context.js';
import { startDemoWorld, type DemoWorld } from '../../../src/adapters/shell/demo-world.js';
import { typeOf } from '../../../src/adapters/kube/simulator/index.js';
import { main } from '../../../src/main/cli.js';
import { EXAMPLE_CONFIG, runShell } from '../../../src/main/shell.js';

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
      '/nestor deploy mary feature-x dev3', 'render pricing staging', 'envs', 'deploy mary "main;curl x|sh" dev3',
      'status mary', 'history mary dev3', 'help', 'deplyo mary', 'scale mary dev3 web=2', 'exit', 'envs',
    ];
    await runShell(Readable.from(lines.map((l) => `${l}\n`)), io, main, world);
    const out = text();
    expect(out).toContain('Nestor shell: a demo world');
    expect(out).toMatch(/deployed mary@[0-9a-f]{7} \(feature-x\) to dev3\n/);
    expect(out).toContain('kind: Deployment\nmetadata:\n  name: pricing-web');
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
    expect(out).toContain('refused: newcomer requested this and cannot approve it: another approver must; nothing was changed');
    expect(out).toContain('refused: mallory is not an approver for production (approvers: alice, carol); nothing was changed');
    expect(out).toContain('cancelled: nothing was changed');
    expect(out).toContain('approved by carol');
    expect(out).toMatch(/deployed pricing@[0-9a-f]{7} \(main\) to production\n/);
    expect(out).toMatch(/approval needed: scale pricing in production/);
    expect(out.match(/approved by (carol|alice)\n/g)).toEqual(['approved by carol\n', 'approved by alice\n']);
    expect(out).not.toContain('nestor:');
    expect(out.match(/\[apply\] started/g)).toHaveLength(2);
    const hpa = world.sim.store.list(typeOf('HorizontalPodAutoscaler'), 'production').find((h) => h.metadata.name === 'pricing-web');
    expect(hpa?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });
});
