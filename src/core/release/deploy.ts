// `deploy <app> <ref> <env>`: resolve the ref, read the app's Procfile and Cronfile at that
// commit, and release it with the current config.
import { appConfig, isDnsLabel } from '../config/index.js';
import { ErrorCode, NestorError } from '../errors.js';
import { Stage } from './events.js';
import { whileLocked } from './locked.js';
import { moveReleasedBranch } from './move-released-branch.js';
import { validateRef } from './ref.js';
import { versionOf, type ReleaseContext, type ReleaseDeps, type ReleaseResult } from './release-deps.js';
import { unlessPending } from './record-release.js';
import { runRelease } from './run-release.js';
import { stage } from './stage.js';

export interface DeployInput {
  app: string;
  env: string;
  ref: string;
  dryRun?: boolean;
  forceConflicts?: boolean;
  /** A scheduled promotion respects pins; a person deploying replaces them. */
  trigger?: 'user' | 'schedule';
  approvedBy?: string;
  /** The commit the ref must still resolve to: an approval is for exactly that code. */
  sha?: string;
}

export function checkAppAndEnv(app: string, env: string): void {
  for (const [what, name] of [['app', app], ['environment', env]] as const) {
    if (!isDnsLabel(name)) {
      throw new NestorError(ErrorCode.BadInput, `invalid ${what} name "${name}": expected a DNS-1123 label (lowercase letters, digits and -, at most 63)`);
    }
  }
}

export async function deploy(deps: ReleaseDeps, ctx: ReleaseContext, input: DeployInput): Promise<ReleaseResult> {
  checkAppAndEnv(input.app, input.env);
  validateRef(input.ref);
  const run = () => deployNow(deps, ctx, input);
  return input.dryRun ? run() : whileLocked(deps, ctx, input.app, input.env, `deploy ${input.app}@${input.ref}`, run);
}

async function deployNow(deps: ReleaseDeps, ctx: ReleaseContext, input: DeployInput): Promise<ReleaseResult> {
  const { app, env, ref } = input;
  // The pin is read once: under the app lock nobody else can set or clear it until we are done.
  const { loaded, merged, origin, version, procfile, cronfile, pin, previous } = await stage(ctx.onEvent, Stage.Resolve, async () => {
    const loaded = await deps.config.load();
    const merged = appConfig(loaded.tree, app, env);
    const { config } = merged;
    if (config.is_enabled === false) throw new NestorError(ErrorCode.BadInput, `${app} is disabled in ${env} (is_enabled: false)`);
    const origin = config.git?.origin;
    if (!origin) throw new NestorError(ErrorCode.BadInput, `${app} has no git.origin in its config: nowhere to resolve ${ref} from`);
    // Its pin and latest release in one read of the history, which joins those of the releases running beside it.
    const [heads, version] = await Promise.all([deps.history.headsOf(env, [app]), deps.source.resolve(origin, ref)]);
    const { pin, latest } = heads.get(app) ?? {};
    if (input.sha !== undefined && version.sha !== input.sha) {
      throw new NestorError(ErrorCode.BadInput, `${ref} now points at ${version.sha.slice(0, 7)}, not the approved ${input.sha.slice(0, 7)}: ask for approval again`);
    }
    if (pin && input.trigger === 'schedule') {
      throw new NestorError(ErrorCode.BadInput, `${app} is pinned in ${env} by ${pin.by} (${pin.reason}): \`nestor unpin ${app} ${env}\` first`);
    }
    const [procfile, cronfile] = await Promise.all([
      deps.source.readFile(origin, version.sha, 'Procfile'),
      deps.source.readFile(origin, version.sha, 'Cronfile'),
    ]);
    return { loaded, merged, origin, version, procfile, cronfile, pin, previous: latest ? versionOf(latest) : null };
  }, (r) => `${ref} is ${r.version.kind} at ${r.version.sha.slice(0, 7)}`);
  const released = await runRelease(deps, ctx, {
    app, env, kind: 'deploy', loaded, merged, version, previous,
    ...(procfile === undefined ? {} : { procfile }),
    ...(cronfile === undefined ? {} : { cronfile }),
    ...(input.dryRun ? { dryRun: true } : {}),
    ...(input.forceConflicts ? { forceConflicts: true } : {}),
    ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
  });
  // A dry run is not released, so it moves nothing.
  const result = await moveReleasedBranch(deps, ctx, loaded.tree, origin, released);
  if (result.outcome === 'released' && input.trigger !== 'schedule' && pin) {
    const pending = await unlessPending(ctx, () => deps.history.unpin(app, env, ctx.user, input.approvedBy));
    ctx.onEvent({ type: 'warning', message: `${app} was pinned in ${env}: this deploy replaces the pin` });
    if (pending) return { ...result, historyPending: true };
  }
  return result;
}
