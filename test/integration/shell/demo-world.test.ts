// The demo world marks exactly the images of each app's `broken` branch as crashing: a release of
// any other commit rolls out, whatever its sha happens to contain.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoWorld, type DemoWorld } from '../../../src/testkit/demo-world.js';
import { EXAMPLE_CONFIG_DIR } from '../../support/config-fixtures.js';

let world: DemoWorld;
beforeAll(async () => {
  world = await startDemoWorld(EXAMPLE_CONFIG_DIR);
});
afterAll(() => world.close());

const sha = (app: string, ref: string) => execFileSync('git', ['rev-parse', ref], { cwd: join(world.root, 'apps', app), encoding: 'utf8' }).trim();

describe('demo world', () => {
  it('marks the commit of each app\'s broken branch as a crashing image, and nothing else', () => {
    const apps = world.apps.map((a) => a.name);
    expect(apps.length).toBeGreaterThan(0);
    expect([...world.sim.controllers.options.crashingImages].sort()).toEqual(apps.map((app) => sha(app, 'broken')).sort());
    expect(world.sim.controllers.options.missingImages).toEqual([]);
    for (const app of apps) expect(world.sim.controllers.options.crashingImages).not.toContain(sha(app, 'main'));
  });
});
