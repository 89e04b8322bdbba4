// The answer to `schedules`: per environment, each schedule with its next firing and last run.
import { lastRunText } from '../../schedules/last-run-text.js';
import type { ScheduleListing } from '../../schedules/schedule-listing.js';
import { message, shortTime, type Message, type Section } from './message.js';

/** Slack allows 50 blocks a message; the header, summary and the note take a few. */
const MAX_SECTIONS = 40;

function scheduleLine(entry: ScheduleListing): string {
  const { schedule: s, next, scheduled } = entry;
  const when = next ? `next ${shortTime(next.toISOString())} UTC${scheduled ? '' : ' (once a worker has it)'}` : 'no next firing';
  return `${s.name} (${s.kind}, ${s.cron}${s.timeZone === 'UTC' ? '' : ` ${s.timeZone}`}): ${when}; last run: ${lastRunText(entry)}`;
}

export function schedulesReply(entries: readonly ScheduleListing[]): Message {
  const byEnv = new Map<string, ScheduleListing[]>();
  for (const entry of entries) byEnv.set(entry.schedule.env, [...(byEnv.get(entry.schedule.env) ?? []), entry]);
  const envs = [...byEnv.keys()].sort();
  const sections: Section[] = envs.slice(0, MAX_SECTIONS).map((env) => ({ title: env, lines: byEnv.get(env)!.map(scheduleLine) }));
  const failing = entries.filter((e) => e.last?.status === 'failed').length;
  const hidden = envs.length - MAX_SECTIONS;
  return message({
    visibility: 'ephemeral',
    tone: failing > 0 ? 'warning' : 'info',
    title: 'Schedules',
    summary: entries.length === 0
      ? 'no schedules in the config (see `schedules:` in an environment\'s project.yaml)'
      : `${entries.length} schedule${entries.length === 1 ? '' : 's'} in ${envs.length} environment${envs.length === 1 ? '' : 's'}${failing > 0 ? `, ${failing} whose last run failed` : ''}`,
    sections,
    context: hidden > 0 ? [`and ${hidden} more environments: \`nestor schedules\` lists them all`] : [],
  });
}

export function schedulesUnavailableReply(): Message {
  return message({
    visibility: 'ephemeral', tone: 'warning', title: 'Schedules',
    summary: 'schedules are read from the workers\' Redis, which this Nestor has no access to',
  });
}
