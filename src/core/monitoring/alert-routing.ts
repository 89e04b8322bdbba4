// Where an app's alerts go: the receiver of its team (`tplTeam`), else of its environment's
// default team (project.yaml `monitoring.routing`), turned into what alertmanager-config.yaml renders.
import type { MergedConfig } from '../config/schema.js';
import { ErrorCode, NestorError } from '../errors.js';

export interface AlertRoute {
  team: string;
  /** The receiver's name in the AlertmanagerConfig: `team-<team>`. */
  receiver: string;
  channel: string;
  /** The Secret (in the app's namespace) and key holding the Slack webhook URL. */
  webhook: { secret: string; key: string };
}

/**
 * Undefined when the environment renders no alert rules, has no `monitoring.routing`, or the app
 * has no team and the routing no default. The config tree reports an unknown or incomplete team
 * with its file and line (alert-routing-settings.ts); this throws for a config that skipped it.
 */
export function alertRoute(config: MergedConfig): AlertRoute | undefined {
  const routing = config.monitoring?.routing;
  if (!routing) return undefined;
  const team = config.templateVars?.tplTeam ?? routing.default;
  if (team === undefined) return undefined;
  const slack = routing.teams?.[team]?.slack;
  if (!slack?.channel || typeof slack.webhook !== 'object') {
    throw new NestorError(ErrorCode.RenderFailed, `team "${team}" has no Slack channel and webhook in monitoring.routing.teams`);
  }
  return { team, receiver: `team-${team}`, channel: slack.channel, webhook: slack.webhook };
}
