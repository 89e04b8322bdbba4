// What an app runs: process types, scheduled jobs, image and container environment.
import type { MergedConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';
import { parseCronfile, scheduleProblem } from './cronfile.js';
import { parseProcfile } from './procfile.js';
import { compareText } from '../text/compare-text.js';

/** Heroku's `release` process type is a one-off task before a deploy (see renderJob), not a Deployment. */
export const RELEASE_PROCESS = 'release';

export interface CronTask {
  name: string;
  schedule: string;
  command: string;
}

/**
 * Processes from the Procfile when given, else from `processes:`. A `null` entry in `processes:`
 * removes a process either way, so an environment can switch one off. web first, then by name.
 */
export function resolveProcesses(config: MergedConfig, procfile: string | undefined): [string, string][] {
  const fromConfig = config.processes ?? {};
  const base: Record<string, string | null | undefined> = procfile !== undefined ? parseProcfile(procfile) : fromConfig;
  return Object.entries(base)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && fromConfig[e[0]] !== null)
    .filter(([name]) => name !== RELEASE_PROCESS)
    .sort(([a], [b]) => (a === 'web' ? -1 : b === 'web' ? 1 : compareText(a, b)));
}

/** Crons from the Cronfile when given, else from `crons:` (a `null` entry removes one), by name. */
export function resolveCrons(config: MergedConfig, cronfile: string | undefined): CronTask[] {
  const fromConfig = config.crons ?? {};
  const list: CronTask[] =
    cronfile !== undefined
      ? parseCronfile(cronfile).map(({ name, schedule, command }) => ({ name, schedule, command }))
      : Object.entries(fromConfig).flatMap(([name, c]) => (c ? [checkedCron(name, c.schedule, c.command)] : []));
  return list.filter((c) => fromConfig[c.name] !== null).sort((a, b) => compareText(a.name, b.name));
}

function checkedCron(name: string, schedule: string, command: string): CronTask {
  const problem = scheduleProblem(schedule);
  if (problem) throw new NestorError(ErrorCode.RenderFailed, `crons.${name}: ${problem}`);
  return { name, schedule, command };
}

/** `<registry host>/<organization>/<app>:<sha>` from the first docker registry. */
export function imageOf(config: MergedConfig, app: string, sha: string): string {
  const [host, registries] = Object.entries(config.docker?.registries ?? {})[0] ?? [];
  const organization = registries?.[0]?.organization;
  if (!host || !organization) {
    throw new NestorError(ErrorCode.RenderFailed, 'no docker registry configured (docker.registries in project.yaml)');
  }
  return `${host}/${organization}/${app}:${sha}`;
}

const SHELL_SYNTAX = /[;&|<>`\n]|\$\(/;

/**
 * Procfile commands are shell lines. A simple one is `exec`-ed so the process, not the shell, is
 * PID 1 and gets SIGTERM on rollout; a compound one keeps its shell.
 */
export function shellCommand(command: string): string[] {
  return ['/bin/sh', '-c', SHELL_SYNTAX.test(command) ? command : `exec ${command}`];
}

export interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

/** PORT, then each secret by reference: the value never appears in a manifest. */
export function containerEnv(port: number, secretNames: readonly string[], secretName: string): EnvEntry[] {
  return [
    { name: 'PORT', value: String(port) },
    ...secretNames.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } })),
  ];
}

export function secretNameOf(app: string): string {
  return `${app}-secrets`;
}
