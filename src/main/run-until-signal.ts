// The life of a `nestor bot` or `nestor worker` process: settings checked first (one line naming
// every problem, exit 2 as for bad input), then the process runs until SIGTERM or SIGINT, then
// closes: it takes no new work and finishes what it has. Closing is bounded: past
// NESTOR_STOP_SECONDS, or at a second signal, the process says what it leaves and exits 1 at once
// (a job it was running is taken over by another worker once its hold on it lapses; see
// NESTOR_JOB_LOCK_SECONDS).
import type { Logger } from 'pino';
import { CliExit, type CliIo } from '../adapters/cli/cli-context.js';
import { ExitCode } from '../adapters/cli/exit-codes.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { readSettings, type ProcessSettings, type Role } from './bot-settings.js';
import { nestorLogger } from './logger.js';

export interface Running {
  close(): Promise<void>;
  /** Closing was cut short: say what is left (e.g. in Slack), within `ms`. Must not throw. */
  abandon?(ms: number): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** Of the stop deadline, what is kept to say what was left when it passes. */
const ABANDON_MS = 2_000;

export interface PendingSignal {
  readonly received: Promise<NodeJS.Signals>;
  /** Stops listening (the signal's default action applies again). */
  cancel(): void;
}

export function nextSignal(): PendingSignal {
  let on: (signal: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => {
    for (const s of SIGNALS) process.off(s, on);
  };
  const received = new Promise<NodeJS.Signals>((resolve) => {
    on = (signal) => {
      cancel();
      resolve(signal);
    };
    for (const s of SIGNALS) process.once(s, on);
  });
  return { received, cancel };
}

type Stop = { how: 'closed' } | { how: 'failed'; error: unknown } | { how: 'deadline' } | { how: 'signal'; signal: NodeJS.Signals };

/** Closes `running`, unless the deadline passes or another signal comes first. */
async function closeWithin(running: Running, ms: number): Promise<Stop> {
  const again = nextSignal();
  const stopped = new AbortController();
  try {
    return await Promise.race<Stop>([
      running.close().then((): Stop => ({ how: 'closed' }), (error: unknown): Stop => ({ how: 'failed', error })),
      systemClock.sleep(Math.max(0, ms - ABANDON_MS), stopped.signal).then((): Stop => ({ how: 'deadline' })),
      again.received.then((signal): Stop => ({ how: 'signal', signal })),
    ]);
  } finally {
    stopped.abort();
    again.cancel();
  }
}

export async function runUntilSignal(
  role: Role, io: CliIo, start: (settings: ProcessSettings, logger: Logger) => Promise<Running>, stopping: string,
): Promise<void> {
  const read = readSettings(role, io.env, io.cwd);
  if (!read.ok) {
    io.err(`${read.line}\n`);
    throw new CliExit(ExitCode.BadInput);
  }
  const logger = nestorLogger(`nestor-${role}`, { level: read.settings.logLevel });
  // Listening from before the start: a signal during it stops the process once it has started.
  const first = nextSignal();
  const running = await start(read.settings, logger).catch((error: unknown) => {
    first.cancel();
    throw error;
  });
  const signal = await first.received;
  const { stopTimeoutMs } = read.settings;
  logger.info({ signal, deadlineMs: stopTimeoutMs }, stopping);
  const stop = await closeWithin(running, stopTimeoutMs);
  if (stop.how === 'closed') return void logger.info({}, `${role} stopped`);
  if (stop.how === 'failed') logger.error({ err: stop.error }, `${role} could not close cleanly`);
  else if (stop.how === 'signal') logger.warn({ signal: stop.signal }, `second signal: ${role} exits now`);
  else logger.warn({ deadlineMs: stopTimeoutMs }, `${role} did not stop within its deadline: exits now`);
  if (stop.how === 'deadline') await running.abandon?.(ABANDON_MS);
  // Whatever still holds the event loop (a hung request, Redis reconnecting) must not keep it up.
  process.exit(ExitCode.Failed);
}
