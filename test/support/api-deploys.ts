// Deploys asked of `nestor api` (a real process) over HTTP, as CI asks them, for the process tests.
import { expect } from 'vitest';
import { eventually } from './eventually.js';

/** Three processes loading their sources at once on a loaded machine: more than one's startup time. */
export const STARTUP_MS = 240_000;

/** The api's environment: one CI token that may deploy to and read dev3. */
export const ciApiEnv = (token: string): Record<string, string> => ({
  NESTOR_API_TOKENS: JSON.stringify([{ name: 'ci', token, environments: ['dev3'], actions: ['deploy', 'read'] }]),
});

/** Asks a deploy of mary to dev3 at `ref`; resolves with the job once it has ended (completed or failed). */
export function apiDeploys(apiPort: number, token: string): (ref: string) => Promise<Record<string, unknown>> {
  const base = `http://127.0.0.1:${String(apiPort)}/api/v1`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return async (ref) => {
    const asked = await fetch(`${base}/deploys`, { method: 'POST', headers, body: JSON.stringify({ app: 'mary', ref, env: 'dev3' }) });
    expect(asked.status).toBe(202);
    const { jobId } = (await asked.json()) as { jobId: string };
    return eventually(`the deploy of ${ref} to end`, async () => {
      const job = (await (await fetch(`${base}/jobs/${jobId}`, { headers })).json()) as Record<string, unknown>;
      return job['state'] === 'completed' || job['state'] === 'failed' ? job : undefined;
    }, 180_000, 200);
  };
}
