// A commit status `nestor/image` for each image build: pending when a build is waited on (its
// first progress line), success or failure when it ends. An image already in the registries
// builds nothing and gets no status.
import { appConfig } from '../config/app-config.js';
import type { ConfigSource } from '../ports/config-source.js';
import type { CodeHost, CommitState, HostedRepo } from '../ports/code-host.js';
import type { ImageBuilds } from '../ports/image-builds.js';
import { sideEffect, type SideEffectFailures } from './side-effect.js';

export const IMAGE_STATUS_CONTEXT = 'nestor/image';

export interface BuildStatusDeps {
  host: CodeHost;
  config: ConfigSource;
  failures: SideEffectFailures;
}

async function hostedRepo(deps: BuildStatusDeps, app: string, env: string | undefined): Promise<HostedRepo | undefined> {
  const { tree } = await deps.config.load();
  const where = env ?? [...tree.environments.values()].find((e) => e.parent === undefined)?.name;
  if (where === undefined) return undefined;
  const origin = appConfig(tree, app, where).config.git?.origin;
  return origin === undefined ? undefined : deps.host.repoOf(origin);
}

export function withBuildStatuses(builds: ImageBuilds, deps: BuildStatusDeps): ImageBuilds {
  return {
    ensure: async (app, sha, options = {}) => {
      const repo = await hostedRepo(deps, app, options.env).catch(() => undefined);
      if (repo === undefined) return builds.ensure(app, sha, options);
      const where = `${repo.owner}/${repo.name}@${sha.slice(0, 7)}`;
      const tell = (state: CommitState, description: string) =>
        sideEffect(deps.failures, 'commit-status', where, () => deps.host.setCommitStatus(repo, sha, { state, context: IMAGE_STATUS_CONTEXT, description }));
      let pending: Promise<unknown> | undefined;
      const onProgress = (line: string) => {
        pending ??= tell('pending', 'image build running');
        options.onProgress?.(line);
      };
      try {
        const outcome = await builds.ensure(app, sha, { ...options, onProgress });
        await pending;
        if (outcome.state === 'built') await tell('success', `image built: ${outcome.image}`);
        return outcome;
      } catch (error) {
        await pending;
        if (pending !== undefined) await tell('failure', 'image build failed');
        throw error;
      }
    },
  };
}
