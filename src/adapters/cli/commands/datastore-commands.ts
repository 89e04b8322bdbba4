// `nestor datastore snapshot|reset|list <env> …`: the datastore jobs run in-process (progress a
// line each, Ctrl-C stops a restore, which leaves the target as it was), and the listing.
import type { Command } from 'commander';
import type { DatastoreDeps } from '../../../core/datastores/datastore-deps.js';
import { snapshotsFolder, stateFolder } from '../../fs/state-folder.js';
import { line, releaseDepsFor, type CliIo, type RuntimeOptions } from '../cli-context.js';
import { cliReleaseContext } from '../finish-release.js';
import { grammarCommand, onParsed } from '../grammar-commands.js';
import { interruptible } from '../interrupt.js';

async function datastoreDepsFor(io: CliIo, command: Command): Promise<DatastoreDeps> {
  const deps = releaseDepsFor(io, command);
  const { datastorePorts } = await import('../../datastores/datastore-ports.js');
  const stateDir = stateFolder(io.cwd, io.env, command.optsWithGlobals<RuntimeOptions>().state);
  return { ...deps, datastores: datastorePorts({ root: snapshotsFolder(io.cwd, io.env, stateDir), clock: deps.wallClock, clusters: deps.clusters }) };
}

export function registerDatastore(program: Command, io: CliIo): void {
  for (const action of ['snapshot', 'reset'] as const) {
    grammarCommand(program, ['datastore', action]).action(onParsed('datastore', async ({ env, datastore, from }, _options, command) => {
      const [{ runDatastoreJob }, deps] = await Promise.all([import('../../../core/datastores/datastore-job.js'), datastoreDepsFor(io, command)]);
      const input = { action, env, ...(datastore ? { datastore } : {}), ...(from ? { from } : {}) };
      const result = await interruptible(io, (signal) => runDatastoreJob(deps, cliReleaseContext(io, signal), input));
      io.out(line(result.message));
    }));
  }
  grammarCommand(program, ['datastore', 'list']).action(onParsed('datastore-list', async ({ env }, _options, command) => {
    const [{ listDatastores, listingLines }, deps] = await Promise.all([import('../../../core/datastores/list-datastores.js'), datastoreDepsFor(io, command)]);
    io.out(listingLines(env, await listDatastores(deps, env)).map(line).join(''));
  }));
}
