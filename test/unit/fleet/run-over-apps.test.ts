// runOverApps: with releaseAsFound (the staging release), an app found due is released while the
// others are still looked at; without it (the syncs, whose looks read each app's history), nothing
// is released before every app has been looked at.
import { describe, expect, it } from 'vitest';
import { runOverApps, type Due } from '../../../src/core/fleet/fleet-run.js';
import type { ReleaseContext, ReleaseDeps } from '../../../src/core/release/release-deps.js';
import { ReleaseOutcome, type ReleaseResult } from '../../../src/core/release/release-deps.js';
import { ManualClock, settle } from '../../../src/testkit/fakes/time/manual-clock.js';

const ctx: ReleaseContext = { user: 'scheduler', jobId: 'run-1', onEvent: () => undefined };

function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** `fast` is due at once; `slow`'s look waits for the gate. What happened, in order. */
async function run(releaseAsFound: boolean): Promise<string[]> {
  const clock = new ManualClock();
  const deps = { wallClock: clock, clock, tuning: {} } as unknown as ReleaseDeps;
  const events: string[] = [];
  const slowLook = gate();
  const due = (app: string): Due => ({
    app, clusters: ['main'], sha: 'a'.repeat(40),
    release: async () => (events.push(`released ${app}`), { outcome: ReleaseOutcome.Released, app, env: 'staging', message: `released ${app}` } as unknown as ReleaseResult),
  });
  const look = async (app: string): Promise<Due> => {
    if (app === 'slow') await slowLook.wait;
    events.push(`looked at ${app}`);
    return due(app);
  };
  const running = runOverApps(deps, ctx, ['fast', 'slow'], look, { parallelism: 2, ...(releaseAsFound ? { releaseAsFound } : {}) });
  await settle();
  events.push('slow look answers');
  slowLook.open();
  const apps = await running;
  expect(apps.map((a) => [a.app, a.outcome])).toEqual([['fast', 'released'], ['slow', 'released']]);
  return events;
}

describe('runOverApps', () => {
  it('releases an app found due while another is still looked at, when asked to', async () => {
    expect(await run(true)).toEqual(['looked at fast', 'released fast', 'slow look answers', 'looked at slow', 'released slow']);
  });

  it('otherwise looks at every app before releasing any', async () => {
    expect(await run(false)).toEqual(['looked at fast', 'slow look answers', 'looked at slow', 'released fast', 'released slow']);
  });
});
