// A job's stages, as its worker reports them, are kept as its BullMQ progress: whoever reads the
// job (the API's GET /api/v1/jobs/:id) sees the latest status of each stage, in the order they began.
import { describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { deployJob, done, handlersWith } from '../../support/job-fixtures.js';
import { queueWorld } from '../../support/queue-world.js';

describe('job steps', () => {
  it('keeps the latest status of each stage of a finished job, in the order they began', async (ctx) => {
    const world = queueWorld(ctx);
    world.startWorker(handlersWith({
      deploy: async (run) => {
        run.onEvent({ type: 'stage', stage: 'resolve', status: 'started' });
        run.onEvent({ type: 'stage', stage: 'resolve', status: 'finished', message: 'feature-x is 1a2b3c4' });
        run.onEvent({ type: 'warning', message: 'not a stage' });
        run.onEvent({ type: 'stage', stage: 'render', status: 'started' });
        run.onEvent({ type: 'stage', stage: 'render', status: 'finished' });
        return done();
      },
    }));
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'steps-1' });
    const status = await eventually('job steps-1 to complete', async () => {
      const s = await world.queue.get('steps-1');
      return s?.state === 'completed' && s.steps?.length === 2 ? s : undefined;
    });
    expect(status.steps).toEqual([
      { stage: 'resolve', status: 'finished', message: 'feature-x is 1a2b3c4' },
      { stage: 'render', status: 'finished' },
    ]);
  });

  it('has no steps while waiting', async (ctx) => {
    const world = queueWorld(ctx);
    await world.queue.enqueue(deployJob(), { idempotencyKey: 'steps-2' });
    expect(await world.queue.get('steps-2')).toMatchObject({ state: 'waiting', steps: [] });
  });
});
