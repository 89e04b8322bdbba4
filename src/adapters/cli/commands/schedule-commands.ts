// `nestor schedules [--json]` lists the config's schedules with their next firing and last run;
// `nestor schedule run <env>/<name>` fires one now on the workers' queue (the same job as a
// scheduled firing: same run record, same report). Both use the workers' Redis (REDIS_URL);
// the shell gives its in-process scheduler instead (CliIo.schedules).
import type { Command } from 'commander';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { lastRunText } from '../../../core/schedules/last-run-text.js';
import type { ScheduleListing, ScheduleDeps } from '../../../core/schedules/schedule-listing.js';
import { configFolder, type CliIo, type ScheduleBackend } from '../cli-context.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';
import { jsonText } from '../json-output.js';
import { formatTable } from '../text-table.js';

async function withSchedules<T>(io: CliIo, command: Command, use: (deps: ScheduleDeps & Pick<ScheduleBackend, 'inProcess'>) => Promise<T>): Promise<T> {
  if (io.schedules) {
    const backend = await io.schedules();
    try {
      return await use(backend);
    } finally {
      await backend.close();
    }
  }
  const url = io.env.REDIS_URL;
  if (!url) throw new NestorError(ErrorCode.BadInput, 'schedules live in the workers\' Redis: set REDIS_URL');
  const [{ Redis }, { FolderConfigSource }, { BullmqScheduleQueue }, { RedisScheduleRuns }] = await Promise.all([
    import('ioredis'), import('../../fs/folder-config-source.js'), import('../../schedules/bullmq-schedule-queue.js'), import('../../schedules/redis-schedule-runs.js'),
  ]);
  const config = new FolderConfigSource(await configFolder(io, command));
  // A CLI fails fast when Redis is unreachable rather than retrying for ever.
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 3 ? null : 200) });
  redis.on('error', () => undefined); // reported by the call that needed Redis
  const queue = new BullmqScheduleQueue({ connection: redis });
  try {
    return await use({ config, queue, runs: new RedisScheduleRuns(redis) });
  } finally {
    await queue.close().catch(() => undefined);
    await redis.quit().catch(() => redis.disconnect());
  }
}

const time = (d: Date | undefined): string => (d ? d.toISOString().replace('T', ' ').slice(0, 16) : '-');

function schedulesJson(entries: readonly ScheduleListing[]) {
  return entries.map(({ id, schedule: s, next, scheduled, last, skipped }) => ({
    id, env: s.env, name: s.name, kind: s.kind, cron: s.cron, timeZone: s.timeZone, channel: s.channel ?? null,
    next: next?.toISOString() ?? null, scheduled, last: last ?? null, skipped,
  }));
}

function schedulesTable(entries: readonly ScheduleListing[]): string {
  if (entries.length === 0) return 'no schedules in the config (see `schedules:` in project.yaml)\n';
  const rows = entries.map(({ schedule: s, next, scheduled, ...run }) => [
    `${s.env}/${s.name}`, s.kind, s.cron, s.timeZone, `${time(next)}${scheduled ? '' : ' (not on the queue yet)'}`, lastRunText(run),
  ]);
  return formatTable([['SCHEDULE', 'KIND', 'CRON', 'TIME ZONE', 'NEXT (UTC)', 'LAST RUN'], ...rows]);
}

export function registerSchedules(program: Command, io: CliIo): void {
  grammarCommand(program, ['schedules'])
    .option('--json', 'print JSON: [{id, env, name, kind, cron, timeZone, channel, next, scheduled, last, skipped}]')
    .action(onParsed('schedules', async (_schedules, options: { json?: boolean }, command) => {
      const { listSchedules } = await import('../../../core/schedules/schedule-listing.js');
      const entries = await withSchedules(io, command, (deps) => listSchedules(deps, new Date()));
      io.out(options.json ? jsonText(schedulesJson(entries)) : schedulesTable(entries));
    }));
  program
    .command('schedule')
    .description('act on one schedule')
    .command('run')
    .description('fire a schedule now on the workers (the same job as its scheduled firings; skipped if a run of it goes on)')
    .argument('<schedule>', '<env>/<name>, or a name only one environment has')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const { runScheduleNow } = await import('../../../core/schedules/schedule-listing.js');
      const { fired, inProcess } = await withSchedules(io, command, async (deps) => ({ fired: await runScheduleNow(deps, ref, io.user), inProcess: deps.inProcess === true }));
      const then = inProcess ? 'ran here' : 'a worker runs it';
      io.out(`fired ${fired.schedule.env}/${fired.schedule.name} (${fired.schedule.kind}) as job ${fired.firingId}: ${then}; \`nestor schedules\` shows how it went\n`);
    });
}
