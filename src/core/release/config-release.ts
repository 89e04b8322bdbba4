// A config change is a release (12-factor): under the app's lock, check that the changed config
// renders, write secret values to the cluster, commit the app file to nestor-config as the
// user, then release the running version with the new config: the config the job loaded with the
// app file as committed (merged once, see prepareChange), not read again. What a user is told
// when a step fails:
// - the change doesn't parse or render: "refused, nothing was committed or applied";
// - the commit fails: "not committed" (secret values written just before are put back);
// - the release fails after the commit: the commit stays (it is the config of record and
//   applies at the next release), the pipeline rolled the cluster back to the previous release
//   and pinned it, and the message says so and how to undo the change.
import { ErrorCode, NestorError, isNestorError } from '../errors.js';
import { checkNotCancelled } from './cancel.js';
import { checkAppAndEnv } from './deploy.js';
import { type ChangePlan, type ChangedConfig, type PlanInput, type PreparedChange, authorOf, configWithFile, prepareChange } from './config-change-steps.js';
import { Stage } from './events.js';
import { liveSecretValues, namedSecrets, secretNameOf } from './live-secrets.js';
import { whileLocked } from './locked.js';
import { unrecordableSecrets } from './record-release.js';
import { ReleaseOutcome, versionOf, type ConfigCommit, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from './release-deps.js';
import { configHash, runRelease } from './run-release.js';
import { putSecretValues, removeSecretKeys, secretTargets, type UndoSecrets } from './secret-store.js';
import { stage } from './stage.js';

export interface ConfigChange {
  app: string;
  env: string;
  kind: 'scale' | 'config';
  /** `scale`, `config set`, `config unset`: the commit subject starts with it. */
  verb: string;
  /** What changes, names only: `web=3:9 worker=2`, `FOO, secret API_KEY`. */
  summary: string;
  plan: (input: PlanInput) => ChangePlan;
  /** Who approved the change (environments with `approval`): its release's history commit names them. */
  approvedBy?: string;
}

type Committed = Omit<ConfigCommit, 'path'>;

const what = (c: ConfigChange): string => `${c.verb} ${c.app} in ${c.env}`;
/** `committed (nestor-config 1a2b3c4)`, `saved (nestor-config folder, not a git work tree)`, `no change to the config`. */
function commitLabel(c: Committed): string {
  if (!c.changed) return 'no change to the config file';
  return c.commit ? `committed (nestor-config ${c.commit.slice(0, 7)})` : 'saved (nestor-config folder, not a git work tree)';
}

export async function releaseConfigChange(deps: ReleaseDeps, ctx: ReleaseContext, change: ConfigChange): Promise<ReleaseResult> {
  checkAppAndEnv(change.app, change.env);
  return whileLocked(deps, ctx, change.app, change.env, `${change.verb} ${change.app}: ${change.summary}`, async () => {
    const prepared = await stage(ctx.onEvent, Stage.Resolve, () => prepareChange(deps, { ...change, what: what(change) }, change.plan),
      (p) => (p.running ? `the change renders with ${change.app}@${p.running.version.sha.slice(0, 7)}` : `the change renders; ${p.notRunning ?? ''}`));
    checkNotCancelled(ctx);
    await refuseUnrecordableSecrets(deps, change, prepared);
    const targets = secretTargets(prepared.changed.rendered, change.app, prepared.running !== undefined);
    const undo = prepared.plan.putSecrets
      ? await putSecretValues(deps.clusters, change.app, targets, prepared.plan.putSecrets, ctx.onEvent)
      : undefined;
    const { committed, config } = await commit(deps, ctx, change, prepared, undo);
    const result = await releaseCommitted(deps, ctx, change, prepared, committed, config);
    const removed = prepared.plan.removeSecretKeys ?? [];
    if (removed.length > 0 && (result.outcome === ReleaseOutcome.Released || result.outcome === ReleaseOutcome.Committed)) {
      const left = await removeSecretKeys(deps.clusters, change.app, targets, removed, ctx.onEvent);
      if (left.length > 0) ctx.onEvent({ type: 'warning', message: `still in Secret ${change.app}-secrets (another field manager holds them): ${left.join(', ')}` });
    }
    if (result.outcome === ReleaseOutcome.Released) for (const message of prepared.plan.warnings ?? []) ctx.onEvent({ type: 'warning', message });
    return result;
  });
}

/** A release that would hold secret values the history can't record is refused before the Secret or the config changes. */
async function refuseUnrecordableSecrets(deps: ReleaseDeps, change: ConfigChange, prepared: PreparedChange): Promise<void> {
  const { app, env } = change;
  if (!prepared.running || deps.history.canRecordSecrets()) return;
  const named = namedSecrets(prepared.changed.rendered.config);
  // Without values for all of them, the release renders no Secret (see liveSecretValues).
  const withValues = prepared.plan.putSecrets !== undefined || (await liveSecretValues(deps.clusters, prepared.changed.rendered.config, app, env, () => undefined)) !== undefined;
  const reason = withValues ? unrecordableSecrets(deps.history, app, env, named.length > 0 ? [`${secretNameOf(app)}: ${named.join(', ')}`] : []) : undefined;
  if (reason) throw new NestorError(ErrorCode.MissingEnvironmentValue, `${what(change)} refused, nothing was committed or applied: ${reason}`);
}

/** Commits the change; with the config it committed (another writer's edit of the file included). */
async function commit(
  deps: ReleaseDeps, ctx: ReleaseContext, change: ConfigChange, prepared: PreparedChange, undo: UndoSecrets | undefined,
): Promise<{ committed: Committed; config: ChangedConfig }> {
  if (prepared.next === prepared.current) return { committed: { commit: '', changed: false }, config: prepared.changed };
  let config = prepared.changed;
  const edit = (text: string | undefined): string => {
    if (text === prepared.current) {
      config = prepared.changed;
      return prepared.next ?? '';
    }
    // Another writer changed the file since it was checked: edit and check their version.
    const next = prepared.plan.edit(text) ?? text ?? '';
    config = configWithFile(deps, prepared, { what: what(change) }, next);
    prepared.plan.check?.(config.rendered);
    return next;
  };
  try {
    const committed = await deps.configRepo.update(prepared.path, edit, { author: authorOf(ctx.user), message: `${what(change)}: ${change.summary} (by ${ctx.user})` });
    return { committed, config };
  } catch (error) {
    const restored = undo ? await undo().then(() => true, () => false) : undefined;
    if (!isNestorError(error)) throw error;
    const secret = restored === undefined ? '' : restored ? '; the Secret was put back as it was' : '; the Secret could NOT be put back: check it';
    throw new NestorError(error.code, `${what(change)}: not committed: ${error.userMessage}${secret}`, { retryable: error.retryable, cause: error, detail: error.detail });
  }
}

async function releaseCommitted(
  deps: ReleaseDeps, ctx: ReleaseContext, change: ConfigChange, prepared: PreparedChange, committed: Committed, config: ChangedConfig,
): Promise<ReleaseResult> {
  const configChange = { path: prepared.path, ...committed };
  const base = { app: change.app, env: change.env, historyPending: false, changes: [], failures: [], diff: '', config: config.merged.config, configChange };
  const head = `${what(change)}: ${change.summary}`;
  const { running } = prepared;
  if (!running) {
    return { ...base, outcome: ReleaseOutcome.Committed, message: `${head}: ${commitLabel(committed)}; ${prepared.notRunning ?? 'nothing runs'}: it applies at the next deploy` };
  }
  const unchanged = !committed.changed && !prepared.plan.putSecrets && !(prepared.plan.removeSecretKeys ?? []).length
    && running.configHash === configHash(config.rendered.config, running.procfile, running.cronfile);
  if (unchanged) {
    return { ...base, sha: running.version.sha, ref: running.version.ref, outcome: ReleaseOutcome.Unchanged, message: `${head}: already so, and released: nothing to do` };
  }
  const sha = running.version.sha.slice(0, 7);
  let release: ReleaseResult;
  try {
    release = await runRelease(deps, ctx, {
      app: change.app, env: change.env, kind: change.kind, loaded: config.loaded, merged: config.merged, version: running.version, previous: versionOf(running.version),
      ...(running.procfile === undefined ? {} : { procfile: running.procfile }),
      ...(running.cronfile === undefined ? {} : { cronfile: running.cronfile }),
      message: `${change.verb} ${change.app}@${sha} in ${change.env}: ${change.summary} by ${ctx.user}`,
      ...(change.approvedBy ? { approvedBy: change.approvedBy } : {}),
    });
  } catch (error) {
    if (!isNestorError(error)) throw error;
    throw new NestorError(error.code, `${head}: ${commitLabel(committed)} but not released: ${error.userMessage}. ${afterFailure(change, prepared)}`, {
      retryable: error.retryable, cause: error, detail: error.detail,
    });
  }
  return { ...release, ...outcomeOf(change, prepared, committed, release), configChange };
}

function afterFailure(change: ConfigChange, prepared: PreparedChange): string {
  const undo = prepared.plan.undo ? `; undo it with \`${prepared.plan.undo}\`` : '';
  return `The config change stays in nestor-config and applies at the next release (run the same command again to retry it now)${undo}`;
}

function outcomeOf(change: ConfigChange, prepared: PreparedChange, committed: Committed, release: ReleaseResult): Pick<ReleaseResult, 'outcome' | 'message'> {
  const head = `${what(change)}: ${change.summary}`;
  if (release.outcome === ReleaseOutcome.Released) {
    return { outcome: ReleaseOutcome.Released, message: `${head}: ${commitLabel(committed)}; ${release.message}` };
  }
  const rolledBack = release.outcome === ReleaseOutcome.RolledBack;
  return {
    outcome: rolledBack ? ReleaseOutcome.RolledBack : ReleaseOutcome.Failed,
    message: `${head}: ${commitLabel(committed)} but its release failed: ${release.message}. `
      + `${rolledBack ? 'The cluster runs the previous release again, without this change. ' : ''}${afterFailure(change, prepared)}`,
  };
}
