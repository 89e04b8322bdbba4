// `nestor ci success <app> <branch> <sha>`: a CI success told by hand (or by a CI step that runs
// the CLI), taken through the branch workflow in-process: tag, image, branch moves, a line per
// step, then the announcement Slack would get and its channel. Deliveries done are kept in the
// state folder (workers keep theirs in Redis), so the same success twice does nothing twice.
import { join } from 'node:path';
import type { Command } from 'commander';
import { stateFolder } from '../../fs/state-folder.js';
import { CliExit, releaseDepsFor, type CliIo, type RuntimeOptions } from '../cli-context.js';
import { cliReleaseContext } from '../finish-release.js';
import { ExitCode } from '../exit-codes.js';

export function registerCi(program: Command, io: CliIo): void {
  const ci = program.command('ci').description('what CI tells Nestor');
  ci.command('success')
    .description('a commit passed CI on a branch: tag it, build its image and move the branches that follow, as the workflow of project.yaml says')
    .argument('<app>').argument('<branch>').argument('<sha>', 'the full commit sha (40 hex digits)')
    .action(async (app: string, branch: string, sha: string, _options: unknown, command: Command) => {
      const [{ parseJob }, { ciSuccess, CiOutcome }, { workflowAnnouncementIn }, { GitAppBranches }, { FolderCiDeliveries }, { renderText }] = await Promise.all([
        import('../../../core/jobs/parse-job.js'), import('../../../core/workflow/ci-success.js'),
        import('../../../core/commands/replies/workflow-replies.js'), import('../../git/git-app-branches.js'), import('../../fs/folder-ci-deliveries.js'),
        import('../text-render.js'),
      ]);
      // The job's own checks: the same messages as a queued CI success.
      parseJob({ kind: 'ci-success', app, branch, sha, source: 'cli', user: io.user, origin: { kind: 'cli' } });
      const deps = releaseDepsFor(io, command);
      const state = stateFolder(io.cwd, io.env, command.optsWithGlobals<RuntimeOptions>().state);
      const ports = { branches: deps.branches ?? new GitAppBranches({ cacheDir: join(state, 'workflow-mirrors') }), deliveries: new FolderCiDeliveries(join(state, 'ci-deliveries')) };
      const ctx = cliReleaseContext(io);
      const result = await ciSuccess({ ...deps, ...ports }, ctx, { app, branch, sha, source: 'cli' });
      io.out(`${result.message}\n`);
      const announcement = workflowAnnouncementIn((await deps.config.load()).tree, result, io.user, ctx.jobId);
      if (announcement) io.out(`→ #${announcement.channel}\n${renderText(announcement.message)}`);
      if (result.outcome === CiOutcome.Failed) throw new CliExit(ExitCode.Failed);
    });
}
