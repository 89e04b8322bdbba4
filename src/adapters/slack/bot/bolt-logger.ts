// Bolt's logger interface over a pino logger, so Bolt's own lines are JSON with the rest.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

const PINO_LEVEL: Readonly<Record<LogLevel, string>> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error' };

export function boltLogger(logger: Logger, level: LogLevel = LogLevel.WARN): BoltLogger {
  let current = level;
  let log = logger.child({ component: 'bolt' }, { level: PINO_LEVEL[level] });
  const line = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' ');
  return {
    // Bolt logs a few debug lines per request: they are not joined (objects stringified) unless written.
    debug: (...args) => {
      if (log.isLevelEnabled('debug')) log.debug(line(args));
    },
    info: (...args) => {
      if (log.isLevelEnabled('info')) log.info(line(args));
    },
    warn: (...args) => log.warn(line(args)),
    error: (...args) => log.error(line(args)),
    setLevel: (next) => {
      current = next;
      log = logger.child({ component: 'bolt' }, { level: PINO_LEVEL[next] });
    },
    getLevel: () => current,
    setName: () => undefined,
  };
}
