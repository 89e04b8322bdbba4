// The developers' kubectl helpers: `nestor env use`, `logs`, `port-forward` and `exec`. Each
// reads the environment's clusters from nestor-config and speaks to the Kubernetes API through
// client-node (no kubectl needed); the Kubernetes client loads only when one runs.
import type { Command } from 'commander';
import { ErrorCode, NestorError } from '../../../core/errors.js';
import { CliExit, configFolder, type CliIo, type RuntimeOptions } from '../cli-context.js';

async function configTree(io: CliIo, command: Command) {
  const { loadConfigFolder } = await import('../../fs/config-folder.js');
  return loadConfigFolder(await configFolder(io, command));
}

async function kubeconfigOf(io: CliIo, command: Command): Promise<string> {
  const { kubeconfigPath } = await import('../../kube/helpers/kubeconfig-context.js');
  return kubeconfigPath(io.cwd, io.env, command.optsWithGlobals<RuntimeOptions>().kubeconfig);
}

/** Resolves at the first Ctrl-C (never without a terminal's signals: then the caller's end decides). */
function untilInterrupted(io: CliIo): { signal: AbortSignal; stopped: Promise<void>; release(): void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  io.interrupts?.on('SIGINT', onInterrupt);
  const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  return { signal: controller.signal, stopped, release: () => io.interrupts?.off('SIGINT', onInterrupt) };
}

function registerEnvUse(program: Command, io: CliIo): void {
  const env = program.commands.find((c) => c.name() === 'env') ?? program.command('env').description('the kubectl context of an environment');
  env.command('use')
    .description("set kubectl's current context and namespace to an environment's (its first cluster)")
    .argument('<env>')
    .action(async (name: string, _options: unknown, command: Command) => {
      const [{ environmentClusters }, { useContext }] = await Promise.all([import('../../../core/helpers/helper-target.js'), import('../../kube/helpers/use-context.js')]);
      const [home] = environmentClusters(await configTree(io, command), name);
      const change = await useContext(await kubeconfigOf(io, command), { context: home!.context, namespace: home!.namespace });
      io.out(`kubectl now uses context ${change.context}, namespace ${change.namespace} (${change.path})\n`);
    });
}

function registerLogs(program: Command, io: CliIo): void {
  program.command('logs')
    .description("the logs of an app's pods (all replicas, each line prefixed with its pod) through the Kubernetes API")
    .argument('<app>').argument('<env>').argument('[process]', 'only the pods of this process (web, worker, ...)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--since <duration>', 'only lines newer than this, such as 90s, 10m or 1h')
    .action(async (app: string, env: string, processName: string | undefined, options: { follow?: boolean; since?: string }, command: Command) => {
      const [{ appTarget }, { sinceSeconds }, pods, { streamLogs }] = await Promise.all([
        import('../../../core/helpers/helper-target.js'), import('../../../core/helpers/helper-args.js'),
        import('../../kube/helpers/app-pods.js'), import('../../kube/helpers/pod-log-stream.js'),
      ]);
      const since = options.since === undefined ? undefined : sinceSeconds(options.since);
      const target = appTarget(await configTree(io, command), app, env, processName);
      const found = await pods.appPods(target, await kubeconfigOf(io, command));
      pods.checkSomePods(target, found, processName === undefined ? 'pods' : `${processName} pods`);
      const interrupt = untilInterrupted(io);
      try {
        await streamLogs(found, { follow: options.follow ?? false, ...(since ? { sinceSeconds: since } : {}), signal: interrupt.signal, out: io.out });
      } finally {
        interrupt.release();
      }
    });
}

function registerPortForward(program: Command, io: CliIo): void {
  program.command('port-forward')
    .description("forward a local port to a ready pod of an app's web process through the Kubernetes API, until Ctrl-C")
    .argument('<app>').argument('<env>').argument('<ports>', '[<local>:]<remote>, such as 8080, 9000:8080 or :8080 (any free local port)')
    .action(async (app: string, env: string, ports: string, _options: unknown, command: Command) => {
      const [{ appTarget }, { portPair }, pods, { forwardPort }] = await Promise.all([
        import('../../../core/helpers/helper-target.js'), import('../../../core/helpers/helper-args.js'),
        import('../../kube/helpers/app-pods.js'), import('../../kube/helpers/port-forwarder.js'),
      ]);
      const pair = portPair(ports);
      const target = appTarget(await configTree(io, command), app, env, 'web');
      const found = await pods.appPods(target, await kubeconfigOf(io, command));
      const ready = found.flatMap((c) => c.pods.filter(pods.isReady).map((pod) => ({ c, pod })))[0];
      if (!ready) {
        pods.checkSomePods(target, found, 'web pods');
        throw new NestorError(ErrorCode.ConfigNotFound, `no ready web pod of ${app} in ${env}: nothing to forward to`);
      }
      const pod = pods.podName(ready.pod);
      const interrupt = untilInterrupted(io);
      try {
        const forwarding = await forwardPort({ kubeConfig: ready.c.kubeConfig, namespace: ready.c.namespace, pod }, pair, io.err);
        io.out(`Forwarding from 127.0.0.1:${forwarding.port} -> ${pair.remote} (pod ${pod} in ${ready.c.context}/${ready.c.namespace}); Ctrl-C to stop\n`);
        await interrupt.stopped;
        await forwarding.close();
      } finally {
        interrupt.release();
      }
    });
}

/** `[process] -- cmd...`: the words after `--` on the command line are the command. */
function splitExecWords(command: Command, rest: readonly string[]): { processName?: string; words: string[] } {
  let root = command;
  while (root.parent) root = root.parent;
  // The words as typed: commander drops the `--` from the parsed arguments but keeps them here.
  const raw = (root as unknown as { rawArgs: readonly string[] }).rawArgs;
  const dash = raw.indexOf('--');
  const words = dash < 0 ? [] : raw.slice(dash + 1);
  const before = rest.slice(0, rest.length - words.length);
  if (dash < 0 || words.length === 0) throw new NestorError(ErrorCode.BadInput, 'nestor exec needs the command after --, such as: nestor exec mary dev3 -- ls -la');
  if (before.length > 1) throw new NestorError(ErrorCode.BadInput, `nestor exec takes at most a process before --, got: ${before.join(' ')}`);
  return { ...(before[0] === undefined ? {} : { processName: before[0] }), words };
}

function registerExec(program: Command, io: CliIo): void {
  program.command('exec')
    .description("run a command in a pod of an app (its web process, or the one given) where the environment allows it (helpers.exec); its exit code is nestor's")
    .argument('<app>').argument('<env>').argument('[process-and-command...]', '[<process>] -- <command> [args...]')
    .option('-i, --stdin', "pass nestor's stdin to the command")
    .action(async (app: string, env: string, rest: string[], options: { stdin?: boolean }, command: Command) => {
      const { processName, words } = splitExecWords(command, rest);
      const [target, pods, { execInPod }, { Writable }, { StringDecoder }] = await Promise.all([
        import('../../../core/helpers/helper-target.js'), import('../../kube/helpers/app-pods.js'), import('../../kube/helpers/pod-exec.js'),
        import('node:stream'), import('node:string_decoder'),
      ]);
      const tree = await configTree(io, command);
      const where = target.appTarget(tree, app, env, processName ?? 'web');
      target.checkExecAllowed(tree, env);
      const found = await pods.appPods(where, await kubeconfigOf(io, command));
      const ready = found.flatMap((c) => c.pods.filter(pods.isReady).map((pod) => ({ c, pod })))[0];
      if (!ready) {
        pods.checkSomePods(where, found, `${processName ?? 'web'} pods`);
        throw new NestorError(ErrorCode.ConfigNotFound, `no ready ${processName ?? 'web'} pod of ${app} in ${env} to run the command in`);
      }
      // A character split across two frames is decoded whole.
      const writer = (write: (text: string) => void) => {
        const decoder = new StringDecoder('utf8');
        return new Writable({ write: (chunk: Buffer, _e, done) => (write(decoder.write(chunk)), done()), final: (done) => (write(decoder.end()), done()) });
      };
      const code = await execInPod(
        { kubeConfig: ready.c.kubeConfig, namespace: ready.c.namespace, pod: pods.podName(ready.pod), container: pods.mainContainer(ready.pod) },
        words,
        { stdout: writer(io.out), stderr: writer(io.err), ...(options.stdin && io.stdin ? { stdin: io.stdin } : {}) },
      );
      if (code !== 0) throw new CliExit(code);
    });
}

export function registerKubectlHelpers(program: Command, io: CliIo): void {
  registerEnvUse(program, io);
  registerLogs(program, io);
  registerPortForward(program, io);
  registerExec(program, io);
}
