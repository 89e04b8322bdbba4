// Labels Nestor puts on everything it renders: what it may prune later, and how to select pods.
import { ErrorCode, NestorError } from '../errors.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const ENVIRONMENT = 'nestor.io/environment';
export const RELEASE = 'nestor.io/release';
/** The `app` label of environment-level objects: a dot can never be in an app name (DNS-1123 label). */
export const GLOBAL_APP = 'nestor.global';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export interface LabelInput {
  app: string | undefined;
  process: string | undefined;
  env: string;
  release: string;
}

/** Object labels: stable selectors (app, process) plus Nestor's own. */
export function objectLabels(l: LabelInput): Record<string, string> {
  const labels: Record<string, string> = {};
  if (l.app !== undefined) labels['app'] = l.app;
  if (l.process !== undefined) labels['process'] = l.process;
  labels[MANAGED_BY] = 'nestor';
  labels[ENVIRONMENT] = l.env;
  labels[RELEASE] = l.release;
  return labels;
}

/** Pod labels leave the release out: a release that changes nothing else must not roll pods. */
export function podLabels(app: string, process: string, env: string): Record<string, string> {
  return { app, process, [MANAGED_BY]: 'nestor', [ENVIRONMENT]: env };
}

/** Selectors are immutable on Deployments: only labels that never change for a process. */
export function selectorLabels(app: string, process: string): Record<string, string> {
  return { app, process };
}

export function checkLabelValue(what: string, value: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new NestorError(ErrorCode.BadInput, `${what} "${value}" is not a valid Kubernetes label value`);
  }
  return value;
}

export function defaultRelease(sha: string): string {
  return sha.slice(0, 7);
}
