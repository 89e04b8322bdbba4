// The announcement of a finished release in the environment's channel: `slack.channels.info`,
// failures (failed, rolled back) in `slack.channels.error` (info when there is none). Old → new
// version (what the pipeline found running, else the previous release in the history), who,
// approved by, duration, and the changelog: commit subjects between the previous and the new
// sha, from the app's git origin.
// History or git being unreachable costs the announcement its details, never the announcement.
import type { webApi } from '@slack/bolt';
import { releaseAnnouncement, type ChangelogEntry, type Message, type Version } from '../../../core/commands/replies.js';
import { releasedBranchNotMoved } from '../../../core/commands/replies/branch-move-replies.js';
import { branchMoveFailed } from '../../../core/workflow/describe-move.js';
import type { MergedConfig } from '../../../core/config/schema.js';
import type { ReleaseHistory } from '../../../core/ports/release-history.js';
import type { SourceRepo } from '../../../core/ports/source-repo.js';
import type { ReleaseResult } from '../../../core/release/release-deps.js';
import { toBlockKit } from '../block-kit.js';
import { callWithRetry } from './call-with-retry.js';
import type { DeliveryObserver } from './delivery-report.js';
import { systemClock } from '../../system/system-clock.js';
import type { Clock } from '../../../core/ports/clock.js';
import { DEFAULT_NOTIFIER_TUNING, type NotifierTuning } from './tuning.js';

/** Commits read for the changelog; the message shows the newest and counts the rest. */
export const CHANGELOG_LIMIT = 200;
/** Releases of the app read from the history to find the previous one, when the result does not say. */
const HISTORY_DEPTH = 50;

export interface AnnounceDeps {
  slack: webApi.WebClient;
  source: SourceRepo;
  history: ReleaseHistory;
  clock?: Clock;
  tuning?: Partial<NotifierTuning>;
  random?: () => number;
  observe?: DeliveryObserver;
}

export interface AnnounceInput {
  result: ReleaseResult;
  /** The merged config of the app in the environment: `slack.channels`, `git.origin`. */
  config: MergedConfig;
  /** The sha that ran before the release; looked up in the history when absent. */
  previousSha?: string | undefined;
  user: string;
  approvedBy?: string | undefined;
  durationMs: number;
  /** For the delivery reports (logs). */
  jobId?: string;
}

export interface Announcement {
  channel: string;
  message: Message;
}

export interface Announced extends Announcement {
  ts: string | undefined;
}

const ANNOUNCED: ReadonlySet<string> = new Set(['released', 'rolled-back', 'failed']);

/** Where the announcement goes; undefined for a dry run or an environment without channels. */
export function announcementChannel(result: Pick<ReleaseResult, 'outcome'>, config: MergedConfig): string | undefined {
  if (!ANNOUNCED.has(result.outcome)) return undefined;
  const channels = config.slack?.channels;
  return result.outcome === 'released' ? channels?.info : (channels?.error ?? channels?.info);
}

async function previousVersion(history: ReleaseHistory, input: AnnounceInput): Promise<Version | undefined> {
  const { result, previousSha } = input;
  // The pipeline read it before releasing: no history read here.
  if (result.previous !== undefined && previousSha === undefined) return result.previous ?? undefined;
  const releases = await history.list(result.app, result.env, HISTORY_DEPTH).catch(() => []);
  const before = releases.filter((r) => r.commit !== result.commit);
  const match = previousSha === undefined ? before[0] : before.find((r) => r.sha === previousSha);
  const sha = previousSha ?? match?.sha;
  if (sha === undefined) return undefined;
  return { sha, ...(match?.ref ? { ref: match.ref } : {}) };
}

async function changelog(source: SourceRepo, input: AnnounceInput, from: string | undefined): Promise<{ entries: ChangelogEntry[]; notes: string[] }> {
  const origin = input.config.git?.origin;
  const to = input.result.sha;
  if (origin === undefined || to === undefined || from === to) return { entries: [], notes: [] };
  try {
    const commits = await source.changelog(origin, from, to, CHANGELOG_LIMIT);
    const entries = commits.map(({ sha, subject }) => ({ sha, subject }));
    return { entries, notes: entries.length >= CHANGELOG_LIMIT ? [`changelog: only the newest ${CHANGELOG_LIMIT} commits were read`] : [] };
  } catch {
    return { entries: [], notes: ['changelog unavailable: the git origin could not be read'] };
  }
}

/** The channel and message of the announcement, without posting it; undefined when none is due. */
export async function buildAnnouncement(deps: Pick<AnnounceDeps, 'source' | 'history'>, input: AnnounceInput): Promise<Announcement | undefined> {
  const channel = announcementChannel(input.result, input.config);
  if (channel === undefined) return undefined;
  const previous = await previousVersion(deps.history, input);
  const log = await changelog(deps.source, input, previous?.sha);
  const message = releaseAnnouncement({
    result: input.result,
    by: input.user,
    ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
    durationMs: input.durationMs,
    ...(previous ? { previous } : {}),
    changelog: log.entries,
  });
  return { channel, message: { ...message, context: [...message.context, ...log.notes] } };
}

/**
 * The notice of a release's branch (`release.moves_branch`) left where it was, for the
 * environment's error channel (info when there is none); undefined when it moved or none is due.
 */
export function buildBranchNotice(input: AnnounceInput): Announcement | undefined {
  const moved = input.result.branchMove;
  if (!branchMoveFailed(moved)) return undefined;
  const channels = input.config.slack?.channels;
  const channel = channels?.error ?? channels?.info;
  if (channel === undefined) return undefined;
  return { channel, message: releasedBranchNotMoved(input.result, moved, input.user, input.jobId ?? '') };
}

/**
 * Posts the announcement (retrying a Retry-After, network and 5xx failures for a bounded time),
 * then the notice of a branch not moved; undefined when no announcement is due. Throws the
 * WebClient's error when Slack refuses it or stays down.
 */
export async function announceRelease(deps: AnnounceDeps, input: AnnounceInput): Promise<Announced | undefined> {
  const jobId = input.jobId ?? `${input.result.env}.${input.result.app}`;
  const announcement = await buildAnnouncement(deps, input);
  const announced = announcement === undefined ? undefined : await postAnnouncement(deps, announcement, jobId);
  const notice = buildBranchNotice(input);
  if (notice) await postAnnouncement(deps, notice, jobId);
  return announced;
}

/** Posts an announcement built already (a release's, a CI success's), retrying as announceRelease does. */
export async function postAnnouncement(deps: Omit<AnnounceDeps, 'source' | 'history'>, announcement: Announcement, jobId: string): Promise<Announced> {
  const { text, blocks } = toBlockKit(announcement.message);
  const retry = {
    clock: deps.clock ?? systemClock,
    tuning: { ...DEFAULT_NOTIFIER_TUNING, ...deps.tuning },
    random: deps.random ?? Math.random,
    observe: deps.observe ?? (() => undefined),
    jobId,
    lane: 'announcement' as const,
  };
  const post = () => deps.slack.chat.postMessage({ channel: announcement.channel, text, blocks, unfurl_links: false, unfurl_media: false });
  const posted = await callWithRetry(post, retry);
  return { ...announcement, ts: posted.ts };
}
