// `scale <app> <env> web=3:9 worker=2`: persisted in the environment's app file (a commit to
// nestor-config by the user), then the running version released with it (kind `scale`).
import { setScales, type AppFileContext } from '../config/edit-app-file.js';
import { parseScaleSpecs, type ScaleSpec } from '../config/edit-args.js';
import type { MergedConfig } from '../config/index.js';
import { ErrorCode, NestorError } from '../errors.js';
import type { ConfiguredManifests } from '../render/index.js';
import type { ChangePlan, PlanInput } from './config-change-steps.js';
import { checkAppAndEnv } from './deploy.js';
import { releaseConfigChange } from './config-release.js';
import type { ReleaseContext, ReleaseDeps, ReleaseResult } from './release-deps.js';

export interface ScaleInput {
  app: string;
  env: string;
  /** `web=3:9` (3 to 9 replicas), `worker=2` (exactly 2). */
  specs: readonly string[];
  /** Who approved the change (environments with `approval`): recorded in its history commit. */
  approvedBy?: string;
}

export const describeScale = (s: ScaleSpec): string => (s.min === s.max ? `${s.process}=${s.min}` : `${s.process}=${s.min}:${s.max}`);

/** The processes the render gives a Deployment (a process disabled in the environment has none). */
function renderedProcesses(rendered: ConfiguredManifests): string[] {
  const names = rendered.clusters.flatMap((c) => c.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.labels?.['process'] ?? ''));
  return [...new Set(names)].filter(Boolean).sort();
}

function checkProcesses(app: string, env: string, specs: readonly ScaleSpec[]): (rendered: ConfiguredManifests) => void {
  return (rendered) => {
    const processes = renderedProcesses(rendered);
    const unknown = specs.filter((s) => !processes.includes(s.process)).map((s) => s.process);
    if (unknown.length > 0) {
      throw new NestorError(ErrorCode.BadInput, `${app} has no process ${unknown.join(', ')} in ${env} (it runs ${processes.join(', ') || 'none'}): nothing was committed`);
    }
  };
}

/** `nestor scale` giving back the current scales of the processes, when they are known. */
function undoCommand(app: string, env: string, merged: MergedConfig, specs: readonly ScaleSpec[]): string | undefined {
  const before = specs.map(({ process }) => {
    const { minReplicas: min, maxReplicas: max } = merged.scales?.[process] ?? {};
    return min === undefined ? undefined : describeScale({ process, min, max: max ?? min });
  });
  return before.every((b) => b !== undefined) ? `nestor scale ${app} ${env} ${before.join(' ')}` : undefined;
}

export async function scale(deps: ReleaseDeps, ctx: ReleaseContext, input: ScaleInput): Promise<ReleaseResult> {
  const { app, env } = input;
  checkAppAndEnv(app, env);
  const specs = parseScaleSpecs(input.specs);
  const plan = ({ merged, inherited, path }: PlanInput): ChangePlan => {
    const context: AppFileContext = { path, inherited };
    const undo = undoCommand(app, env, merged, specs);
    return { edit: (text) => setScales(text, specs, context), check: checkProcesses(app, env, specs), ...(undo ? { undo } : {}) };
  };
  return releaseConfigChange(deps, ctx, {
    app, env, kind: 'scale', verb: 'scale', summary: specs.map(describeScale).join(' '), plan,
    ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}),
  });
}
